// Builds both scanner variants (SIMD and scalar fallback) from assembly/ with asconfig.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
for (const target of ['simd', 'scalar']) {
  const r = spawnSync(process.execPath, [asc, '--config', 'asconfig.json', '--target', target], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`build-wasm: asc failed for target ${target}`);
    process.exit(r.status ?? 1);
  }
}
