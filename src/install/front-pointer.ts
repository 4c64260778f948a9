// The front-end pointer: bin/weft (a POSIX sh launcher) starts the Go front end of `weft go`
// (shim/front.go) without starting Node, so it needs the shim's path and the identity a warm
// daemon compares without asking Node: this file names both. Written whenever weft ensures the
// shim; the format is part of daemon-protocol.md.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileStamp } from '../cache/identity.js';
import { writeAtomically } from './write-atomically.js';

/** `<weft cache dir>/front/<package root with every "/" as "%">`. */
export function frontPointerPath(cacheDir: string, packageRoot: string): string {
  return join(cacheDir, 'front', packageRoot.replaceAll('/', '%'));
}

/**
 * Line 1 the shim, line 2 the identity, then one `stamp <ino> <size> <mtimeNs> <path>` line per
 * file whose change makes the identity out of date (weftBuildStamps: the front end checks them).
 */
export function frontPointerContent(shim: string, identity: string, stamps: readonly FileStamp[] = []): string {
  return `${shim}\n${identity}\n${stamps.map((s) => `stamp ${s.ino} ${s.size} ${s.mtimeNs} ${s.path}\n`).join('')}`;
}

/**
 * (Re)writes the pointer when its content differs: temp file and rename, so a launcher reads
 * the old pointer or the new one, never half of one.
 */
export async function writeFrontPointer(file: string, content: string): Promise<boolean> {
  const current = await readFile(file, 'utf8').catch(() => null);
  if (current === content) return false;
  await mkdir(join(file, '..'), { recursive: true });
  await writeAtomically(file, content);
  return true;
}
