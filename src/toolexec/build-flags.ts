// The build flags an inner `go list -export` must repeat so that injected packages are compiled
// exactly like the outer build compiles them: the linker refuses archives built with a different
// configuration (`fingerprint mismatch`). Flags given on the command line never reach the tools'
// environment, so they are recovered from `weft go`'s own arguments or, in drop-in mode, from
// the go process (go-process.ts). Only flags that change what is built are kept; output,
// verbosity and test-binary flags are not.
import { PER_PACKAGE_FLAGS, type GoCommand, type GoFlag } from './go-command-line.js';

/** go build flags that take a value and change the archives produced. */
const KEPT_VALUE_FLAGS = new Set([
  'tags', 'gcflags', 'asmflags', 'ldflags', 'buildmode', 'mod', 'modfile', 'overlay', 'pgo', 'covermode',
  'coverpkg', 'installsuffix', 'compiler', 'gccgoflags', 'pkgdir',
]);
const KEPT_BOOL_FLAGS = new Set(['race', 'msan', 'asan', 'trimpath', 'cover', 'linkshared', 'buildvcs']);

/** Environment variables that change what is built (the tools see them; the inner go must too). */
export const BUILD_ENV_KEYS = [
  'GOOS', 'GOARCH', 'CGO_ENABLED', 'GOEXPERIMENT', 'GOAMD64', 'GOARM', 'GOARM64', 'GO386', 'GOWASM', 'GOFIPS140',
  'GOFLAGS', 'GOWORK', 'GO111MODULE', 'GOTOOLCHAIN',
] as const;

export interface BuildFlags {
  /**
   * The kept flags in `-name=value` form, ready for `go list`: GOFLAGS' before the command
   * line's, every occurrence of a per-package flag in order, one (the last) of any other;
   * grouped by name so equal builds give equal lists.
   */
  flags: string[];
  /** Build-relevant environment of the outer build (only the keys that were set). */
  env: Record<string, string>;
  /** Directory the inner go command must run in (the outer go command's, -C applied). */
  dir: string;
  /** Stable identity: equal keys mean the same archives. */
  key: string;
}

/** One kept flag per entry; per-package flags may repeat. */
type Kept = [name: string, value: string][];

function keepFlags(all: readonly GoFlag[]): Kept {
  const kept: Kept = [];
  const drop = (name: string): void => {
    for (let i = kept.length - 1; i >= 0; i--) if (kept[i]![0] === name) kept.splice(i, 1);
  };
  for (const { name, value } of all) {
    if (PER_PACKAGE_FLAGS.has(name)) {
      // A value without a pattern applies to the packages named on the command line; the inner
      // go command names the injected packages, which the outer build never names: dropped, or
      // it would give them flags the outer build does not (a planned build's closing empty
      // -gcflags would take their marks away).
      if (value !== true && hasPattern(value)) kept.push([name, value]);
    } else if (KEPT_VALUE_FLAGS.has(name)) {
      if (value === true) continue;
      drop(name);
      kept.push([name, value]);
    } else if (KEPT_BOOL_FLAGS.has(name)) {
      drop(name);
      const v = value === true ? 'true' : value;
      if (v !== 'false' || name === 'buildvcs') kept.push([name, v]);
    }
  }
  return kept;
}

/** `all=-N`, not `-N` or `` (cmd/go/internal/load PerPackageFlag). */
function hasPattern(value: string): boolean {
  const v = value.trim();
  return v !== '' && !v.startsWith('-');
}

function formatFlags(kept: Kept): string[] {
  // Stable sort: per-package occurrences keep their relative order.
  return [...kept]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => (v === 'true' && KEPT_BOOL_FLAGS.has(k) ? `-${k}` : `-${k}=${v}`));
}

function keyOf(flags: readonly string[], env: Record<string, string>, dir: string): string {
  return JSON.stringify([flags, Object.entries(env).filter(([k]) => k !== 'GOFLAGS').sort(), dir]);
}

/**
 * Keeps the flags of a go command line and of GOFLAGS that change what is built, the way go
 * combines them (GOFLAGS first, then the command line). `-cover` without `-coverpkg` gets a
 * derived `-coverpkg`: otherwise the inner `go list`, whose only patterns are the injected
 * packages, would instrument a different set of packages than the outer build (orchestrion
 * #215, #526, #527).
 */
export function extractBuildFlags(
  cmd: GoCommand,
  env: Readonly<Record<string, string | undefined>>,
  dir: string,
  mainModules: readonly string[] = [],
): BuildFlags {
  const kept = keepFlags(cmd.allFlags);
  const has = (n: string): boolean => kept.some(([k]) => k === n);
  if (cmd.cover && !has('coverpkg')) {
    const derived = cmd.subcommand === 'test' ? (cmd.packages.length > 0 ? cmd.packages : ['.']) : mainModules.map((m) => `${m}/...`);
    if (derived.length > 0) kept.push(['coverpkg', derived.join(',')]);
  }
  if (cmd.cover && !has('cover')) kept.push(['cover', 'true']);
  const flags = formatFlags(kept);
  const buildEnv: Record<string, string> = {};
  for (const k of BUILD_ENV_KEYS) {
    const v = env[k];
    if (v !== undefined && v !== '') buildEnv[k] = v;
  }
  return { flags, env: buildEnv, dir, key: keyOf(flags, buildEnv, dir) };
}

/** `f` with a scalar flag set to `value` (replacing any), and its key updated. */
export function withBuildFlag(f: BuildFlags, name: string, value: string): BuildFlags {
  const kept: Kept = f.flags
    .map((x): [string, string] => {
      const m = /^-([^=]+)(?:=(.*))?$/s.exec(x)!;
      return [m[1]!, m[2] ?? 'true'];
    })
    .filter(([k]) => k !== name);
  kept.push([name, value]);
  const flags = formatFlags(kept);
  return { ...f, flags, key: keyOf(flags, f.env, f.dir) };
}
