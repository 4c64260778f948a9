// The main module's directory as the go command finds it from a directory: the nearest go.mod at
// or above it. Kept apart from prepare.ts so that `weft go`'s daemon client finds its daemon
// without loading the build machinery.
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** The directory of the nearest go.mod at or above `startDir`, or null. */
export function findModuleRoot(startDir: string): string | null {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, 'go.mod'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Whether `dir` lies in the module cache `modCache` (`go env GOMODCACHE`; '' when unknown, which
 * counts as no): files there are immutable, and go's -overlay refuses to replace them.
 */
export function inModuleCache(dir: string, modCache: string): boolean {
  return modCache !== '' && (dir === modCache || dir.startsWith(modCache + sep));
}
