// Finding the export archives of injected packages for one build. The archives must be what the
// build itself would produce, so they come from `go list -export` with the build's own flags and
// toolexec (inner compiles reach this same server and are woven alike). Everything is per build:
// one listing (no compiles) of every package the configuration may inject, and export runs for
// exactly the packages a compile or link needs (a planned build asks for all it will need before
// go starts, so its export run never overlaps go's own compiles).
//
// The dangerous case is a compile that needs an archive whose dependency closure contains the
// package being compiled: the inner build would have to compile that very package, which would
// ask for the same archive again. The listing gives the closures before anything is compiled,
// so such a request is refused with E_CYCLE, and a request never waits for a run whose closure
// contains the requester (it gets a run of its own for just what it needs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeftError } from '../errors.js';
import { pinCommandFor } from '../config/pack.js';
import { packageFiles, runGoList, type GoListOptions, type GoListResult, type ListedPackage } from './go-list.js';
import type { ListingCache } from './listing-cache.js';

export interface ResolverOptions {
  go: string;
  /** The go command's working directory. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The build's flags (from build-flags.ts). */
  flags: readonly string[];
  /** The build's -toolexec, passed to export runs. */
  toolexec: string | null;
  /** Every package the configuration may inject (ResolvedConfig.injectedPackages). */
  injected: readonly string[];
  /** Aspect ids that inject a package, for error messages. */
  aspectsOf?: (pkg: string) => string[];
  /** Replaceable for tests. */
  goList?: (patterns: readonly string[], opts: GoListOptions) => Promise<GoListResult>;
  /** Where the first listing may be kept and found again (listing-cache.ts). */
  listingCache?: ListingCache | null;
}

interface ExportRun {
  roots: Set<string>;
  /** Every package the run compiles (roots and their deps), from the listing. */
  closure: Set<string>;
  done: Promise<void>;
}

export class Resolver {
  private readonly opts: ResolverOptions;
  private readonly goList: (patterns: readonly string[], opts: GoListOptions) => Promise<GoListResult>;
  /** Listing results (no export), by import path. */
  private readonly listed = new Map<string, ListedPackage>();
  /** injectedIdentity memo; cleared whenever `listed` grows. */
  private readonly identities = new Map<string, string>();
  private listing: Promise<void> | null = null;
  private readonly exports = new Map<string, string>();
  /** Roots whose whole closure has export archives. */
  private readonly complete = new Set<string>();
  private readonly failed = new Map<string, WeftError>();
  private readonly runs = new Set<ExportRun>();
  /** What outer requests waiting for running export runs need. */
  private readonly waiting = new Set<{ need: readonly string[]; requester: string }>();
  listRuns = 0;
  exportRuns = 0;

  constructor(opts: ResolverOptions) {
    this.opts = opts;
    this.goList = opts.goList ?? runGoList;
  }

  private baseOptions(exportArchives: boolean): GoListOptions {
    return { go: this.opts.go, dir: this.opts.dir, env: this.opts.env, flags: this.opts.flags, export: exportArchives, toolexec: exportArchives ? this.opts.toolexec : null };
  }

  /** Lists `pkgs` (no compiles) and remembers their closures. The configuration's packages are listed once. */
  async list(pkgs: readonly string[] = this.opts.injected): Promise<void> {
    if (this.listing === null) {
      const first = [...new Set([...this.opts.injected, ...pkgs])].sort();
      const listing = first.length === 0 ? Promise.resolve() : this.firstListing(first);
      this.listing = listing;
      // A go list that could not run (or was stopped) fails the compiles waiting for it; the
      // next one tries again instead of inheriting the rejection for the rest of the build.
      listing.catch(() => {
        if (this.listing === listing) this.listing = null;
      });
    }
    await this.listing;
    const more = pkgs.filter((p) => !this.listed.has(p));
    if (more.length > 0) await this.runListing(more);
  }

  /** The first listing: kept from an earlier build of the same key (listing-cache.ts), else listed and kept. */
  private async firstListing(pkgs: string[]): Promise<void> {
    const cache = this.opts.listingCache ?? null;
    const kept = cache?.read(pkgs, this.opts.dir, this.opts.flags, this.opts.env) ?? null;
    if (kept !== null) {
      this.identities.clear();
      for (const p of kept) if (!this.listed.has(p.ImportPath)) this.listed.set(p.ImportPath, p);
      if (pkgs.every((p) => this.listed.has(p))) return;
    }
    await this.runListing(pkgs);
    cache?.write(pkgs, this.opts.dir, this.opts.flags, this.opts.env, [...this.listed.values()]);
  }

  private async runListing(pkgs: string[]): Promise<void> {
    this.listRuns++;
    const r = await this.goList(pkgs, this.baseOptions(false));
    this.identities.clear();
    // A module-graph error fails the whole listing without a package: `updates to go.mod
    // needed` for one package of a module the main module requires for nothing it builds (an
    // aspect set naming go-elasticsearch/v7 and v8 when only v6 is in use). Halves are listed
    // apart until only such packages carry the error, which matters only if one is injected.
    if (r.packages.length === 0 && r.exitCode !== 0 && pkgs.length > 1) {
      const mid = Math.ceil(pkgs.length / 2);
      await this.runListing(pkgs.slice(0, mid));
      await this.runListing(pkgs.slice(mid));
      return;
    }
    for (const p of r.packages) if (!this.listed.has(p.ImportPath)) this.listed.set(p.ImportPath, p);
    for (const p of pkgs) {
      if (!this.listed.has(p)) {
        this.listed.set(p, { ImportPath: p, Error: { Err: r.stderr.trim() || `${r.command} printed nothing for ${p}` } });
      }
    }
  }

  /**
   * Starts from another resolver's listing (a second build configuration in the same build,
   * e.g. a different GOARCH): closures hardly depend on flags, and it saves a go list run.
   */
  seedListing(from: Resolver): void {
    const source = from.listing ?? Promise.resolve();
    this.listing = source.then(() => {
      this.identities.clear();
      for (const [k, v] of from.listed) if (!this.listed.has(k)) this.listed.set(k, v);
    });
  }

  /** Every package listed so far (the injectable packages and their closure after list()). */
  listedPackages(): ListedPackage[] {
    return [...this.listed.values()];
  }

  /** The listed package (after list()), or undefined. */
  listedPackage(pkg: string): ListedPackage | undefined {
    return this.listed.get(pkg);
  }

  /** Every package `pkgs` need (themselves and their deps), from the listing. */
  closureOf(pkgs: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const p of pkgs) {
      out.add(p);
      for (const d of this.listed.get(p)?.Deps ?? []) out.add(d);
    }
    return out;
  }

  /** True when `pkg` is one of the injectable packages or in their dependency closure. */
  inInjectedClosure(pkg: string): boolean {
    return this.closureOf(this.opts.injected).has(pkg);
  }

  private notFound(pkg: string, why: string): WeftError {
    const aspects = this.opts.aspectsOf?.(pkg) ?? [];
    const std = !pkg.split('/')[0]!.includes('.');
    return new WeftError('E_RESOLVE', `package ${pkg}, injected by ${aspects.length > 0 ? `aspect ${aspects.map((a) => JSON.stringify(a)).join(', ')}` : 'the configuration'}, cannot be resolved: ${why}`, {
      ...(aspects[0] !== undefined ? { aspect: aspects[0] } : {}),
      hint: std
        ? `check the import path in the aspect's imports/links; ${pkg} is not a standard-library package of this Go version`
        : pinCommandFor(pkg) === 'weft pin'
          ? 'run `weft pin` in the main module: it copies weft\'s OpenTelemetry pack into .weft/otel and requires it through a relative replace'
          : `run \`${pinCommandFor(pkg)}\` in the main module (it requires the package's module and keeps it with orchestrion.tool.go), or add a replace directive pointing at a local copy`,
    });
  }

  private checkListed(pkgs: readonly string[]): void {
    for (const p of pkgs) {
      const l = this.listed.get(p);
      if (l === undefined) throw this.notFound(p, 'go list did not report it');
      if (l.Error !== undefined) throw this.notFound(p, l.Error.Err.trim());
      for (const d of l.DepsErrors ?? []) throw this.notFound(p, `a dependency failed: ${d.Err.trim()}`);
    }
  }

  /**
   * Export archives for `pkgs` and their whole dependency closure (import path → archive).
   * `requester` is the -p of the compile asking ('' for links): it must not be in the closure.
   * `fromOuter`: the request comes from the build's own go command (true) or from one of the
   * export runs (false); null when unknown, then a requester in a run's closure counts as inner.
   */
  async archives(pkgs: readonly string[], requester: string, fromOuter: boolean | null = null): Promise<Map<string, string>> {
    const need = [...new Set(pkgs)].sort();
    if (need.length === 0) return new Map();
    await this.list(need);
    this.checkListed(need);
    const closure = this.closureOf(need);
    if (requester !== '' && requester !== 'main' && closure.has(requester)) {
      const via = need.filter((p) => this.closureOf([p]).has(requester));
      const aspects = [...new Set(via.flatMap((p) => this.opts.aspectsOf?.(p) ?? []))];
      throw new WeftError('E_CYCLE', `weaving ${requester} would import ${via.join(', ')}, which itself depends on ${requester}: an import cycle`, {
        ...(aspects[0] !== undefined ? { aspect: aspects[0] } : {}),
        hint: `reach ${via.join(', ')} from ${requester} through //go:linkname (list it under the advice's \`links:\` instead of \`imports:\`), or exclude ${requester} from the aspect`,
      });
    }
    for (;;) {
      const missing = need.filter((p) => !this.complete.has(p));
      if (missing.length === 0) break;
      for (const p of missing) {
        const f = this.failed.get(p);
        if (f !== undefined) throw f;
      }
      // Wait for a run already building what we need, unless that run needs the requester. The
      // build's own compiles wait only for a run that builds little beyond what they need (at
      // most half as much again): a small need (os's advice imports three packages) must not
      // wait minutes for the planned run of the whole injected closure; a run of its own shares
      // what both compile (the shim's sharing, src/resolve/inject.ts) and what the other run
      // finished comes out of GOCACHE.
      const usable = [...this.runs].find((r) => missing.some((p) => r.roots.has(p)) && (fromOuter === true ? 2 * [...r.closure].filter((p) => !closure.has(p)).length <= closure.size : !r.closure.has(requester)));
      if (usable !== undefined) {
        await usable.done;
        continue;
      }
      // Where the request's go process is unknown, one from the outer build (its package is in
      // no running closure: an inner compile always is, in its own run's) waits for the running
      // export runs, which never wait for it. A request from inside a run never waits for
      // another: that could wait on itself through a chain.
      const outer = fromOuter ?? ![...this.runs].some((r) => r.closure.has(requester));
      if (outer && fromOuter === null && this.runs.size > 0) {
        const entry = { need, requester };
        this.waiting.add(entry);
        try {
          await Promise.all([...this.runs].map((r) => r.done.catch(() => undefined)));
        } finally {
          this.waiting.delete(entry);
        }
        continue;
      }
      // Only what compiles and links need: a package the configuration names but nothing
      // injects must never be compiled. Outer requests waiting meanwhile join this run when
      // that adds none of their own packages to its closure.
      const roots = new Set(missing);
      if (outer) {
        for (const other of this.waiting) {
          const more = other.need.filter((p) => !this.complete.has(p) && !this.failed.has(p));
          const joined = this.closureOf([...roots, ...more]);
          if (!joined.has(requester) && !joined.has(other.requester)) for (const p of more) roots.add(p);
        }
      }
      await this.startRun([...roots].sort()).done;
    }
    const out = new Map<string, string>();
    for (const p of closure) {
      const e = this.exports.get(p);
      if (e !== undefined) out.set(p, e);
    }
    return out;
  }

  /**
   * Export archives of `roots` and their whole closure (from the listing) taken from `known`
   * instead of a run, when `known` has one for every package of it: then `roots` are complete
   * and true is returned. Anything lacking leaves the resolver as it was (false).
   */
  adoptExports(roots: readonly string[], known: ReadonlyMap<string, string>): boolean {
    const closure = this.closureOf(roots);
    for (const p of closure) if (p !== 'unsafe' && p !== 'C' && !known.has(p)) return false;
    for (const p of closure) {
      const e = known.get(p);
      if (e !== undefined) this.exports.set(p, e);
    }
    for (const p of closure) if (p !== 'unsafe' && p !== 'C') this.complete.add(p);
    return true;
  }

  /** The export archives known for `roots` and their closure (after archives()). */
  exportsOf(roots: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const p of this.closureOf(roots)) {
      const e = this.exports.get(p);
      if (e !== undefined) out.set(p, e);
    }
    return out;
  }

  private startRun(roots: string[]): ExportRun {
    const run: ExportRun = { roots: new Set(roots), closure: this.closureOf(roots), done: Promise.resolve() };
    run.done = (async () => {
      this.exportRuns++;
      let r: GoListResult;
      try {
        r = await this.goList(roots, this.baseOptions(true));
      } finally {
        this.runs.delete(run);
      }
      for (const p of r.packages) if (p.Export !== undefined && p.Export !== '') this.exports.set(p.ImportPath, p.Export);
      const byPath = new Map(r.packages.map((p) => [p.ImportPath, p]));
      // Every package of the run whose whole closure now has archives needs no run of its own.
      for (const p of run.closure) {
        if (this.complete.has(p) || roots.includes(p) || !this.exports.has(p)) continue;
        if ([...this.closureOf([p])].every((d) => this.exports.has(d) || d === 'unsafe' || d === 'C')) this.complete.add(p);
      }
      for (const root of roots) {
        const deps = this.closureOf([root]);
        const lacking = [...deps].filter((d) => !this.exports.has(d) && d !== 'unsafe' && d !== 'C');
        if (lacking.length === 0) {
          this.complete.add(root);
          continue;
        }
        const reasons = lacking.map((d) => byPath.get(d)?.Error?.Err.trim()).filter((x): x is string => x !== undefined);
        const err = this.notFound(root, `building it failed (no export data for ${lacking.slice(0, 5).join(', ')})`);
        err.details.push(...reasons, ...r.stderr.trim().split('\n').filter((l) => l !== '').slice(0, 20));
        this.failed.set(root, err);
      }
    })();
    this.runs.add(run);
    return run;
  }

  /**
   * Digest of everything the configuration may inject: module versions and sums for packages
   * from versioned modules, directory and file contents for local, replaced-by-directory and
   * main-module ones, and any listing error (so a package appearing later changes it). Standard-library
   * packages are covered by the toolchain version the go command already hashes.
   */
  injectedFingerprint(): string {
    return this.digestOf(this.opts.injected, true);
  }

  /**
   * injectedFingerprint restricted to `roots` and their dependencies: the identity of what one
   * package's woven code may import (for the weave cache key). Memoised per root set.
   */
  injectedIdentity(roots: readonly string[]): string {
    return this.digestOf(roots, false);
  }

  /**
   * `withDirs`: local packages' directories count too. Compiled without -trimpath a package
   * records its directory (positions in its export data), so archives woven to import it are
   * only reusable for the same directory: the build's fingerprint needs it. Woven source does
   * not depend on it, so the weave cache's key leaves it out (checkouts share woven files).
   */
  private digestOf(roots: readonly string[], withDirs: boolean): string {
    const memoKey = `${withDirs ? 'dirs' : 'files'}\n${[...roots].sort().join('\n')}`;
    const known = this.identities.get(memoKey);
    if (known !== undefined) return known;
    const h = createHash('sha256');
    h.update('weft-injected-v1\n');
    for (const p of [...this.closureOf(roots)].sort()) {
      const l = this.listed.get(p);
      if (l === undefined || l.Standard === true || p === 'unsafe' || p === 'C') continue;
      h.update(`pkg ${p}\n`);
      if (l.Error !== undefined) {
        h.update(`error ${l.Error.Err}\n`);
        continue;
      }
      const mod = l.Module;
      const rep = mod?.Replace;
      const versioned = mod !== undefined && mod.Main !== true && (rep !== undefined ? rep.Version !== undefined && rep.Version !== '' : mod.Version !== undefined && mod.Version !== '');
      if (versioned) {
        const m = rep ?? mod;
        h.update(`module ${m.Path}@${m.Version ?? ''} ${m.Sum ?? ''}\n`);
        continue;
      }
      if (withDirs) h.update(`dir ${l.Dir ?? ''}\n`);
      for (const f of packageFiles(l)) {
        let data: Buffer;
        try {
          data = readFileSync(join(l.Dir ?? '', f));
        } catch {
          data = Buffer.from('<unreadable>');
        }
        h.update(`file ${f} ${createHash('sha256').update(data).digest('hex')}\n`);
      }
    }
    const digest = h.digest('hex');
    this.identities.set(memoKey, digest);
    return digest;
  }
}
