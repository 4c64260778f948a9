// The main modules of a build, read from go.work / go.mod without running go: `-cover` without
// `-coverpkg` means "the main modules" to go build, and the inner go list must be told so.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
  // Like the go command: a go.work anywhere above wins over the nearest go.mod.
  let work: string | null = null;
  if (gowork !== undefined && gowork !== '' && gowork !== 'off') work = gowork;
  let gomod: string | null = null;
  for (let d = resolve(dir); ; ) {
    if (work === null && gowork !== 'off' && existsSync(join(d, 'go.work'))) work = join(d, 'go.work');
    if (gomod === null && existsSync(join(d, 'go.mod'))) gomod = join(d, 'go.mod');
    const up = dirname(d);
    if (up === d || work !== null) break;
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

