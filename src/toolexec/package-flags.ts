// Which of a build's per-package flags (-gcflags, -ldflags, -asmflags) apply to one package, the
// way the go command decides it (cmd/go/internal/load PerPackageFlag and MatchPackage): every
// occurrence is kept; a value without a pattern applies to the packages named on the command
// line; a `pattern=flags` value to the packages the pattern matches; for each package the LAST
// matching occurrence wins, whole. A planned build adds its own `-gcflags=<pkg>=…` after the
// user's, so it must repeat the user's flags for that package or they would be lost.
import { isAbsolute, join, relative, sep } from 'node:path';
import { WeftError } from '../errors.js';
import { splitGoflags } from './go-command-line.js';

/** What a pattern is matched against: one package as `go list` describes it. */
export interface PatternTarget {
  importPath: string;
  /** Absolute directory of the package's sources. */
  dir: string;
  standard: boolean;
  /** Named on the command line (`go list`'s DepOnly false). */
  cmdline: boolean;
}

export interface PerPackageValue {
  match: (t: PatternTarget) => boolean;
  words: string[];
}

/** One occurrence of a per-package flag, parsed (cwd: the go command's directory, for relative patterns). */
export function parsePerPackageValue(value: string, cwd: string): PerPackageValue {
  const v = value.trim();
  // `-gcflags=` (empty) clears the flags of the command-line packages.
  if (v === '') return { match: (t) => t.cmdline, words: [] };
  if (v.startsWith('-')) return { match: (t) => t.cmdline, words: splitGoflags(v) };
  const eq = v.indexOf('=');
  if (eq <= 0) {
    throw new WeftError('E_USAGE', `per-package flag value ${JSON.stringify(value)} has no ${eq < 0 ? '=<flags>' : '<pattern>'}`, { hint: 'write -gcflags=<pattern>=<flags>, e.g. -gcflags=all=-N' });
  }
  return { match: matchPackagePattern(v.slice(0, eq).trim(), cwd), words: splitGoflags(v.slice(eq + 1)) };
}

/** The words that apply to `t` from the occurrences of one flag, in order ([] when none match). */
export function flagsForPackage(values: readonly PerPackageValue[], t: PatternTarget): string[] {
  for (let i = values.length - 1; i >= 0; i--) if (values[i]!.match(t)) return values[i]!.words;
  return [];
}

/** go's MatchPackage: `all`, `std`, `cmd`, relative directory patterns, import path patterns with `...`. */
export function matchPackagePattern(pattern: string, cwd: string): (t: PatternTarget) => boolean {
  if (pattern === 'all') return () => true;
  if (pattern === 'std') return (t) => t.standard;
  if (pattern === 'cmd') return (t) => t.standard && t.importPath.startsWith('cmd/');
  if (isRelativePattern(pattern)) {
    const i = pattern.indexOf('...');
    let dirPart = pattern;
    let rest = '';
    if (i >= 0) {
      const j = pattern.lastIndexOf('/', i);
      dirPart = pattern.slice(0, j);
      rest = pattern.slice(j + 1);
    }
    const dir = isAbsolute(dirPart) ? dirPart : join(cwd, dirPart);
    if (rest === '') return (t) => t.dir === dir;
    const matchRel = matchPathPattern(rest);
    return (t) => {
      const rel = relative(dir, t.dir).split(sep).join('/');
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return false;
      return matchRel(rel === '' ? '.' : rel);
    };
  }
  const match = matchPathPattern(pattern);
  return (t) => match(t.importPath);
}

function isRelativePattern(p: string): boolean {
  return p === '.' || p === '..' || p.startsWith('./') || p.startsWith('../') || isAbsolute(p);
}

/**
 * go's pkgpattern.MatchPattern: `...` matches any string; `x/...` also matches `x`; a wildcard
 * does not reach into a vendor directory unless the pattern itself names vendor.
 */
export function matchPathPattern(pattern: string): (path: string) => boolean {
  let re = pattern.split('...').map(escapeRegExp).join('.*');
  if (pattern.endsWith('/...')) re = `${re.slice(0, -'/.*'.length)}(/.*)?`;
  const rx = new RegExp(`^${re}$`, 's');
  const wild = pattern.includes('...');
  const namesVendor = /(^|\/)vendor(\/|$)/.test(pattern);
  return (path) => {
    if (!rx.test(path)) return false;
    if (wild && !namesVendor && /(^|\/)vendor(\/|$)/.test(path)) return false;
    return true;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
