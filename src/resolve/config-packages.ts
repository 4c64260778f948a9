// Finding the directories of the Go packages configuration names (orchestrion.tool.go imports,
// import-path `extends`): one `go list -e -deps` of the main tool file's imports with the build's
// flags and `tools` added to its tags, so the imports of nested tool files (`//go:build tools`)
// are in the same listing. Only a package the listing lacks (a nested tool file under another
// tag) costs another run. The listing is cached under the weft cache directory, keyed by
// go.mod, go.sum, the tool file and the build's flags and environment, so a second build runs
// no go list at all; it is written only after the configuration loaded without a problem. Paths
// under the module root are kept relative to it, in the key as in the listing (a CI checkout
// restored at another path finds it).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocatedPackage, PackageLocator } from '../config/types.js';
import { isRelocatableRoot, MODULE_ROOT_MARK, relocateJson } from '../relocate.js';
import { BUILD_ENV_KEYS } from '../toolexec/build-flags.js';
import { runGoList, type GoListOptions, type GoListResult, type ListedPackage } from './go-list.js';

/** Bump when the cached listing's meaning changes. */
const CACHE_FORMAT = 'weft-config-packages/1';

export interface ConfigPackagesOptions {
  go: string;
  /** The go command's directory (the module the imports resolve in). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The build's flags (build-flags.ts `-name=value` form); tags, -mod and -modfile matter here. */
  flags: readonly string[];
  /** Directory for the cached listing (null: no cache). */
  cacheDir: string | null;
  /** Files whose content decides the listing: go.mod, go.sum, go.work, the tool file. */
  keyFiles: readonly string[];
  /** The main module's root: paths under it are kept relative to it (null: kept as they are). */
  root?: string | null;
  /** Replaceable for tests. */
  goList?: (patterns: readonly string[], opts: GoListOptions) => Promise<GoListResult>;
}

export interface ConfigPackages {
  readonly locate: PackageLocator;
  /** Identity of what the listing depends on (toolchain, flags, environment, go.mod, go.sum, tool file). */
  readonly key: string;
  /** Writes the listing to the cache when it changed (call once the configuration loaded). */
  persist(): void;
  readonly stats: { goListRuns: number; cacheHit: boolean; packages: number };
}

interface CacheFile {
  format: string;
  packages: Record<string, { dir: string | null; error: string | null }>;
}

/** The flags that decide where packages come from, with `tools` added to the build tags. */
export function configListFlags(flags: readonly string[]): string[] {
  const out: string[] = [];
  let tags: string[] = [];
  for (const f of flags) {
    const m = /^-(tags|mod|modfile)=(.*)$/.exec(f);
    if (m === null) continue;
    if (m[1] === 'tags') tags = m[2]!.split(/[,\s]+/).filter((t) => t !== '');
    else out.push(f);
  }
  if (!tags.includes('tools')) tags.push('tools');
  return [`-tags=${tags.join(',')}`, ...out];
}

function contentOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'absent';
  }
}

/** Paths under the root made relative (kept text), or put back (read text). */
function keptText(text: string, root: string | null | undefined, toKept: boolean): string {
  if (!isRelocatableRoot(root)) return text;
  return toKept ? relocateJson(text, root, MODULE_ROOT_MARK) : relocateJson(text, MODULE_ROOT_MARK, root);
}

function cacheKey(opts: ConfigPackagesOptions, flags: readonly string[]): string {
  const parts = [CACHE_FORMAT, opts.go, opts.dir, flags, BUILD_ENV_KEYS.map((k) => `${k}=${opts.env[k] ?? ''}`), opts.keyFiles.map((f) => [f, contentOf(f)])];
  return createHash('sha256').update(keptText(JSON.stringify(parts), opts.root, true)).digest('hex');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readCache(file: string, root: string | null | undefined): Map<string, LocatedPackage> | null {
  try {
    const data = JSON.parse(keptText(readFileSync(file, 'utf8'), root, false)) as CacheFile;
    if (data.format !== CACHE_FORMAT || typeof data.packages !== 'object' || data.packages === null) return null;
    return new Map(Object.entries(data.packages).map(([importPath, p]) => [importPath, { importPath, dir: p.dir, error: p.error }]));
  } catch {
    return null;
  }
}

/** A package as configuration needs it: a directory (even one whose Go files build constraints exclude), or the reason there is none. */
export function locatedOf(p: ListedPackage): LocatedPackage {
  const dir = p.Dir !== undefined && p.Dir !== '' ? p.Dir : null;
  const error = dir === null ? (p.Error?.Err ?? 'go list gave no directory for it') : null;
  return { importPath: p.ImportPath, dir, error };
}

export function createConfigPackages(opts: ConfigPackagesOptions): ConfigPackages {
  const flags = configListFlags(opts.flags);
  const key = cacheKey(opts, flags);
  const cacheFile = opts.cacheDir !== null ? join(opts.cacheDir, 'config-packages', `${key}.json`) : null;
  const cached = cacheFile !== null ? readCache(cacheFile, opts.root) : null;
  const known = new Map<string, LocatedPackage>(cached ?? []);
  const stats = { goListRuns: 0, cacheHit: cached !== null, packages: known.size };
  let dirty = false;
  /** Only what configuration asked for is cached (the listing holds whole dependency closures). */
  const requested = new Set<string>();
  const goList = opts.goList ?? runGoList;

  const run = async (patterns: string[]): Promise<void> => {
    stats.goListRuns++;
    const r = await goList(patterns, { go: opts.go, dir: opts.dir, env: opts.env, flags, export: false, toolexec: null });
    for (const p of r.packages) known.set(p.ImportPath, locatedOf(p));
    for (const p of patterns) {
      if (!known.has(p)) {
        const why = r.stderr.trim() !== '' ? r.stderr.trim() : `${r.command} printed nothing for it`;
        known.set(p, { importPath: p, dir: null, error: why });
      }
    }
    dirty = true;
    stats.packages = known.size;
  };

  const locate: PackageLocator = async (importPaths) => {
    for (const p of importPaths) {
      if (!requested.has(p)) {
        requested.add(p);
        if (cached === null || !cached.has(p)) dirty = true;
      }
    }
    // A cached directory that is gone (a local replace moved) is listed again.
    const missing = importPaths.filter((p) => {
      const k = known.get(p);
      return k === undefined || (k.dir !== null && !isDir(k.dir));
    });
    if (missing.length > 0) await run([...new Set(missing)]);
    const out = new Map<string, LocatedPackage>();
    for (const p of importPaths) out.set(p, known.get(p)!);
    return out;
  };

  const persist = (): void => {
    if (!dirty || cacheFile === null) return;
    const data: CacheFile = { format: CACHE_FORMAT, packages: {} };
    for (const k of [...requested].sort()) {
      const v = known.get(k);
      if (v !== undefined) data.packages[k] = { dir: v.dir, error: v.error };
    }
    try {
      mkdirSync(join(cacheFile, '..'), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, keptText(JSON.stringify(data), opts.root, true));
      renameSync(tmp, cacheFile);
      dirty = false;
    } catch {
      // A cache that cannot be written only costs the next build a go list.
    }
  };

  return { locate, key, persist, stats };
}
