// Loaded with `node --import` into the weft process by test/bench/build.ts: at exit, writes the
// process's peak resident set in KiB (main thread and worker threads: one process) to
// $WEFT_BENCH_RSS_FILE. Child processes (go, the shim, the type oracle) are not included.
import { writeFileSync } from 'node:fs';

const file = process.env['WEFT_BENCH_RSS_FILE'];
if (file !== undefined && file !== '') {
  process.once('exit', () => {
    try {
      writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // The benchmark reports a missing figure as such.
    }
  });
}
