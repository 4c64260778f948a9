// weft's build identity: a SHA-256 over the code and grammar that this installation actually
// runs (every compiled module under dist/src, the scanner WASM, tree-sitter's runtime and Go
// grammar, and package.json). package.json's version alone is not enough: a rebuilt or patched
// installation with the same version string must never reuse woven output or GOCACHE entries
// made by different code. Computed once per process (~2 ms for ~0.5 MB), synchronously so the
// -V=full suffix can be built without an await.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** A file's inode, size and mtime, as stat gives them. */
export interface FileStamp {
  path: string;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

let stamps: FileStamp[] = [];

/**
 * Stamps of package.json and this module, taken as the identity was computed: an installation
 * replaced (npm install: new inodes) or rebuilt (tsc rewrites every output) changes them. The
 * Go front end of `weft go`, which gets the identity from a file instead of computing it,
 * checks them to tell that the identity it holds is out of date.
 */
export function weftBuildStamps(): readonly FileStamp[] {
  weftBuildIdentity();
  return stamps;
}

function stampOf(path: string): FileStamp[] {
  try {
    const st = statSync(path, { bigint: true });
    return [{ path, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs }];
  } catch {
    return [];
  }
}

/** Hex SHA-256 identifying this weft build (see the header). */
export function weftBuildIdentity(): string {
  if (cached !== null) return cached;
  const h = createHash('sha256');
  h.update('weft-build-identity-v1\n');
  // This file is <root>/dist/src/cache/identity.js (or <root>/src/cache/identity.ts under a TS loader).
  const srcDir = fileURLToPath(new URL('..', import.meta.url));
  const root = join(srcDir, '..', srcDir.endsWith('/dist/src/') ? '..' : '.');
  // Before reading: a change while we hash shows as a changed stamp, never as a fresh one.
  stamps = [...stampOf(join(root, 'package.json')), ...stampOf(fileURLToPath(import.meta.url))];
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
