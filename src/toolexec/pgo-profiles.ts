// The `default.pgo` profiles `-pgo=auto` picks for a go command's packages.
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The `default.pgo` files `-pgo=auto` would use for a go command's package patterns: the
 * profile of each main package directory named (a `/...` pattern is walked, skipping vendor,
 * testdata and hidden directories). Compiles only see a preprocessed copy in $WORK, while a
 * nested go command needs the original to build identical archives.
 */
export function findDefaultProfiles(dir: string, patterns: readonly string[], maxDirs = 5000): string[] {
  const found = new Set<string>();
  let budget = maxDirs;
  const walk = (d: string): void => {
    if (budget-- <= 0) return;
    const p = join(d, 'default.pgo');
    if (existsSync(p)) found.add(p);
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'vendor' || e.name === 'testdata' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
      walk(join(d, e.name));
    }
  };
  for (const pat of patterns.length > 0 ? patterns : ['.']) {
    if (!pat.startsWith('.') && !pat.startsWith('/')) continue; // import-path patterns: not resolvable without go list
    if (pat.endsWith('/...') || pat === '...') walk(resolve(dir, pat.slice(0, -4) || '.'));
    else {
      const p = join(resolve(dir, pat), 'default.pgo');
      if (existsSync(p)) found.add(p);
    }
  }
  return [...found].sort();
}
