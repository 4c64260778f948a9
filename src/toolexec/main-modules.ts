// The main modules of a build, read from go.work / go.mod without running go: `-cover` without
// `-coverpkg` means "the main modules" to go build, and the inner go list must be told so.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The go.work file go would use from `dir` (null: not a workspace build): GOWORK when it names
 * one, else, unless it is off, the first go.work in `dir` or a directory above it, which wins over
 * any go.mod.
 */
export function findGoWork(dir: string, gowork?: string): string | null {
  if (gowork === 'off') return null;
  if (gowork !== undefined && gowork !== '') return gowork;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'go.work'))) return join(d, 'go.work');
    if (dirname(d) === d) return null;
  }
}

/**
 * The main modules of the build rooted at `dir`: the `use` directories of go.work (when GOWORK
 * is not off) or the module of the nearest go.mod. Read from the files, without running go.
 */
export function findMainModules(dir: string, gowork?: string): string[] {
  const modulePath = (gomod: string): string | null => {
    try {
      const m = /^\s*module\s+("?)([^\s"]+)\1/m.exec(readFileSync(gomod, 'utf8'));
      return m?.[2] ?? null;
    } catch {
      return null;
    }
  };
  const work = findGoWork(dir, gowork);
  let gomod: string | null = null;
  for (let d = resolve(dir); work === null; ) {
    if (existsSync(join(d, 'go.mod'))) {
      gomod = join(d, 'go.mod');
      break;
    }
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  if (work === null) {
    const p = gomod === null ? null : modulePath(gomod);
    return p === null ? [] : [p];
  }
  const text = readFileSync(work, 'utf8');
  const uses: string[] = [];
  const block = /^\s*use\s*\(([^)]*)\)/gm;
  let m: RegExpExecArray | null;
  while ((m = block.exec(text)) !== null) uses.push(...m[1]!.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter((l) => l !== ''));
  for (const line of text.matchAll(/^\s*use\s+([^\s(]+)/gm)) uses.push(line[1]!);
  const out: string[] = [];
  for (const u of uses) {
    const p = modulePath(join(dirname(work), u.replace(/^"|"$/g, ''), 'go.mod'));
    if (p !== null) out.push(p);
  }
  return out;
}

