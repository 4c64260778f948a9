// `weft cache stats|clean|trim|dir`: look after the weave cache under the weft cache directory.
// Output goes to stdout (these commands run no go command).
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CACHE_MAX_BYTES, LocalStore, parseSize } from '../cache/index.js';
import { weftCacheDir } from '../install/ensure-shim.js';
import type { ProgramIO } from './program-io.js';

/** The builds `weft cache stats` sums for its hit rate. */
const RECENT_BUILDS = 20;

export function registerCacheCommands(program: Command, io: ProgramIO, result: { code: number }): void {
  const dir = (): string => join(weftCacheDir(io.env), 'weave');
  const cache = program.command('cache').description('inspect and trim the weave cache');

  cache
    .command('dir')
    .description('print the weave cache directory')
    .action(() => {
      io.stdout(`${dir()}\n`);
      result.code = 0;
    });

  cache
    .command('stats')
    .description('entries, size and the hit rate of recent builds')
    .action(() => {
      const store = new LocalStore(dir());
      const s = store.stats();
      const builds = store.readBuildLog().slice(-RECENT_BUILDS);
      const sum = (f: (b: (typeof builds)[number]) => number): number => builds.reduce((n, b) => n + f(b), 0);
      const hits = sum((b) => b.localHits + b.remoteHits);
      const lookups = sum((b) => b.localHits + b.localMisses);
      const lines = [
        `directory: ${store.root}`,
        `entries:   ${s.entries}`,
        `size:      ${formatBytes(s.bytes)} (cap ${formatBytes(capOf(io.env))}, WEFT_CACHE_MAX)`,
        builds.length === 0
          ? 'hit rate:  no builds recorded'
          : `hit rate:  ${lookups === 0 ? 0 : Math.round((hits / lookups) * 100)}% over the last ${builds.length} builds (${sum((b) => b.localHits)} local hits, ${sum((b) => b.remoteHits)} remote hits, ${lookups - hits} misses)`,
      ];
      io.stdout(lines.join('\n') + '\n');
      result.code = 0;
    });

  cache
    .command('clean')
    .description('remove every entry of the weave cache')
    .action(() => {
      const before = new LocalStore(dir()).clean();
      io.stdout(`removed ${before.entries} entries (${formatBytes(before.bytes)}) from ${dir()}\n`);
      result.code = 0;
    });

  cache
    .command('trim')
    .description('remove least recently used entries down to a size (entries running builds use are kept)')
    .option('--max-size <size>', 'size to trim to, e.g. 500M or 1G (default: WEFT_CACHE_MAX, else 1G)')
    .action((o: { maxSize?: string }) => {
      const max = o.maxSize !== undefined ? parseSize(o.maxSize, '--max-size') : capOf(io.env);
      const t = new LocalStore(dir()).trim(max);
      io.stdout(`removed ${t.removed} entries (${formatBytes(t.removedBytes)}); ${t.entries} entries, ${formatBytes(t.bytes)} left${t.protectedEntries > 0 ? ` (${t.protectedEntries} kept for running builds)` : ''}\n`);
      result.code = 0;
    });
}

function capOf(env: NodeJS.ProcessEnv): number {
  const v = env['WEFT_CACHE_MAX'];
  return v !== undefined && v !== '' ? parseSize(v, 'WEFT_CACHE_MAX') : DEFAULT_CACHE_MAX_BYTES;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
