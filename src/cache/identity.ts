// weft's build identity: a SHA-256 over the code and grammar that this installation actually
// runs (every compiled module under dist/src, the scanner WASM, tree-sitter's runtime and Go
// grammar, and package.json). package.json's version alone is not enough: a rebuilt or patched
// installation with the same version string must never reuse woven output or GOCACHE entries
// made by different code. Computed once per process (~2 ms for ~0.5 MB), synchronously so the
// -V=full suffix can be built without an await.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** Hex SHA-256 identifying this weft build (see the header). */
export function weftBuildIdentity(): string {
  if (cached !== null) return cached;
  const h = createHash('sha256');
  h.update('weft-build-identity-v1\n');
  // This file is <root>/dist/src/cache/identity.js (or <root>/src/cache/identity.ts under a TS loader).
  const srcDir = fileURLToPath(new URL('..', import.meta.url));
  const root = join(srcDir, '..', srcDir.endsWith('/dist/src/') ? '..' : '.');
  const files: string[] = [];
  collect(srcDir, /\.(js|ts)$/, files);
  collect(join(srcDir, '..', 'wasm'), /\.wasm$/, files);
  const require = createRequire(import.meta.url);
  for (const mod of ['tree-sitter-go/tree-sitter-go.wasm', 'web-tree-sitter/web-tree-sitter.wasm']) {
    try {
      files.push(require.resolve(mod));
    } catch {
      h.update(`missing ${mod}\n`);
    }
  }
  files.push(join(root, 'package.json'));
  for (const f of files.sort()) {
    let data: Buffer;
    try {
      data = readFileSync(f);
    } catch {
      data = Buffer.from('<unreadable>');
    }
    h.update(`${relative(root, f)} ${data.length}\n`);
    h.update(data);
  }
  cached = h.digest('hex');
  return cached;
}

function collect(dir: string, pattern: RegExp, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) collect(p, pattern, out);
    else if (pattern.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
}
