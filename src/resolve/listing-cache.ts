// The listing of the packages a configuration may inject, kept under the weft cache directory.
// Every build lists them (`go list -deps` of their closure: the -V=full fingerprint, the weave
// cache's keys, the cycle check), a go process loading the whole closure again — a few hundred
// milliseconds for dd-trace-go's integrations, every CI build. When every package of the closure
// is GOROOT's or a versioned module's in the module cache, the listing follows from what the key
// holds: the toolchain, the build's flags and environment, go.mod and go.sum (and the go command's
// directory), so a later build of the same key takes it and lists nothing. Errors that follow
// from go.mod and go.sum are kept too (the bundle names modules a service does not require: go
// fails whole listings of them, and finding which packages fail takes a dozen go list runs). A
// listing with a local package (the main module's, a directory replacement, a vendor directory),
// another error, or a workspace (whose modules' go.mod files the key does not hold) is never kept.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { isRelocatableRoot, MODULE_ROOT_MARK, relocateJson } from '../relocate.js';
import { BUILD_ENV_KEYS } from '../toolexec/build-flags.js';
import { findGoWork } from '../toolexec/main-modules.js';
import type { ListedPackage } from './go-list.js';

const FORMAT = 'weft-injected-listing/1';

export interface ListingCacheOptions {
  /** The weft cache directory. */
  cacheDir: string;
  go: string;
  goVersion: string;
  /** GOMODCACHE: a kept listing's packages all live there or in GOROOT. */
  modCache: string;
  /** The main module's root (paths under it are kept relative), or '' outside a module. */
  root: string;
  /** go env's GOOS, GOARCH… (the tools' environment) and the GOENV file, whose content is part of the key. */
  goEnv: { toolEnv: Readonly<Record<string, string>>; goenvFile: string };
}

export interface ListingCache {
  /** The kept listing of `pkgs` and their closure, or null. */
  read(pkgs: readonly string[], dir: string, flags: readonly string[], env: NodeJS.ProcessEnv): ListedPackage[] | null;
  /** Keeps `listed` (the listing of `pkgs`) when it can be kept; returns whether it was. */
  write(pkgs: readonly string[], dir: string, flags: readonly string[], env: NodeJS.ProcessEnv, listed: readonly ListedPackage[]): boolean;
}

function contentOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'absent';
  }
}

/**
 * go's errors that follow from what the key holds: the main module's go.mod and go.sum, and the
 * immutable module cache (a configuration naming modules the module does not require, as
 * dd-trace-go's whole bundle does). Not one that may pass by itself: a download, the network.
 */
const MODULE_GRAPH_ERROR = /updates to go\.mod needed|no required module provides package|missing go\.sum entry|is not in std|cannot find module providing package|does not contain package/;
const PASSING_ERROR = /download|dial |proxy|timeout|timed out|connection|lookup |TLS|i\/o |reading http|verifying |checksum mismatch|SECURITY/i;

const keptError = (text: string): boolean => MODULE_GRAPH_ERROR.test(text) && !PASSING_ERROR.test(text);

/**
 * True when nothing of `p` can change while the key holds: GOROOT's, or a versioned module's in
 * the module cache; or a package go cannot list for a reason the key holds (keptError).
 */
function immutable(p: ListedPackage, modCache: string): boolean {
  if (p.Error !== undefined || (p.DepsErrors?.length ?? 0) > 0) {
    const errors = [...(p.Error !== undefined ? [p.Error.Err] : []), ...(p.DepsErrors ?? []).map((e) => e.Err)];
    return errors.every(keptError) && (p.Dir === undefined || p.Standard === true || (modCache !== '' && p.Dir.startsWith(modCache + sep)));
  }
  if (p.Standard === true) return true;
  if (p.ImportPath === 'C' || p.ImportPath === 'unsafe') return true;
  const mod = p.Module?.Replace ?? p.Module;
  if (mod === undefined || p.Module?.Main === true || mod.Version === undefined || mod.Version === '') return false;
  return modCache !== '' && p.Dir !== undefined && p.Dir.startsWith(modCache + sep);
}

export function createListingCache(o: ListingCacheOptions): ListingCache | null {
  if (!isRelocatableRoot(o.root) || o.modCache === '') return null;
  const kept = (text: string): string => relocateJson(text, o.root, MODULE_ROOT_MARK);
  const fileOf = (pkgs: readonly string[], dir: string, flags: readonly string[], env: NodeJS.ProcessEnv): string | null => {
    if (findGoWork(dir, env['GOWORK']) !== null) return null;
    const key = kept(JSON.stringify([
      FORMAT, o.go, o.goVersion, o.modCache, dir, flags, [...pkgs].sort(),
      [...BUILD_ENV_KEYS, 'GOROOT'].map((k) => `${k}=${env[k] ?? ''}`),
      ['go.mod', 'go.sum'].map((f) => contentOf(join(o.root, f))),
      Object.entries(o.goEnv.toolEnv).sort(),
      o.goEnv.goenvFile === '' || o.goEnv.goenvFile === 'off' ? 'no GOENV' : contentOf(o.goEnv.goenvFile),
    ]));
    return join(o.cacheDir, 'injected-listing', `${createHash('sha256').update(key).digest('hex')}.json`);
  };
  return {
    read(pkgs, dir, flags, env) {
      const file = fileOf(pkgs, dir, flags, env);
      if (file === null) return null;
      try {
        const data = JSON.parse(relocateJson(readFileSync(file, 'utf8'), MODULE_ROOT_MARK, o.root)) as { format: string; packages: ListedPackage[] };
        if (data.format !== FORMAT || !Array.isArray(data.packages)) return null;
        // A module cache cleaned since (go clean -modcache) lists again: go would download.
        if (!data.packages.every((p) => immutable(p, o.modCache) && (p.Dir === undefined || p.Standard === true || existsSync(p.Dir)))) return null;
        return data.packages;
      } catch {
        return null;
      }
    },
    write(pkgs, dir, flags, env, listed) {
      const file = fileOf(pkgs, dir, flags, env);
      if (file === null || !listed.every((p) => immutable(p, o.modCache))) return false;
      try {
        mkdirSync(dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, kept(JSON.stringify({ format: FORMAT, packages: listed })));
        renameSync(tmp, file);
        return true;
      } catch {
        return false;
      }
    },
  };
}
