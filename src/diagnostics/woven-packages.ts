// Weaving whole packages outside a build, for `weft diff` (and `weft explain`): the packages are
// found with `go list` (src/resolve) as the go command would see them, and woven through the
// same entry point as `weft weave`, with the configuration a build in that directory would use,
// and typed join points decided as a build decides them (weaving/package-types.ts).
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { WeftError } from '../errors.js';
import { runGoList, type ListedPackage } from '../resolve/index.js';
import { commandInput, type WeavePackageInput, type WeavePackageResult } from '../weave/index.js';
import { explainPackage, type PackageExplanation } from '../weave/explain.js';
import { readConfigFacts, type ConfigFacts } from './about.js';
import { findGo, readGoFacts, type GoFacts } from '../weaving/prepare.js';
import { weaveInputOfListed } from '../weaving/weave-input.js';
import { packageWeaver, type PackageWeaver } from '../weaving/package-types.js';
import { silentLogger } from '../log.js';

export interface WovenPackage {
  listed: ListedPackage;
  input: WeavePackageInput;
  result: WeavePackageResult;
  /** Original and woven text of each changed file. */
  files: { path: string; original: string; woven: string }[];
}

export interface WeavePackagesOptions {
  /** Package patterns, as for go build (default `.`). */
  patterns: readonly string[];
  dir: string;
  env: NodeJS.ProcessEnv;
  configFlag?: string | undefined;
  cwd?: string;
  /** Build flags for go list (`-tags=…`); GOFLAGS apply anyway. */
  flags?: readonly string[];
}

/** The packages the patterns name (not their dependencies), as `go list` reports them; errors are E_RESOLVE. */
export async function listPackages(opts: WeavePackagesOptions): Promise<ListedPackage[]> {
  const go = findGo(opts.env);
  const listed = await runGoList(opts.patterns.length > 0 ? opts.patterns : ['.'], { go, dir: opts.dir, env: opts.env, flags: opts.flags ?? [], export: false });
  const roots = listed.packages.filter((p) => p.DepOnly !== true);
  const broken = roots.filter((p) => p.Error !== undefined && (p.GoFiles ?? []).length === 0);
  if (broken.length > 0 || (roots.length === 0 && listed.exitCode !== 0)) {
    throw new WeftError('E_RESOLVE', `go list found no package for ${opts.patterns.join(' ') || '.'}`, {
      details: broken.length > 0 ? broken.map((p) => `${p.ImportPath}: ${p.Error!.Err}`) : listed.stderr.trim().split('\n'),
      hint: 'name packages as for go build: an import path, a directory (./pkg) or a pattern (./...)',
    });
  }
  return roots;
}

/**
 * The input a compile of this listed package gives the weaver, the same a build's plan derives
 * (weaving/weave-input.ts); a package with no Go files to compile gets an empty one.
 */
function inputOf(go: Pick<GoFacts, 'goVersion' | 'moduleRoot'>, p: ListedPackage): WeavePackageInput {
  return weaveInputOfListed(go, p) ?? { ...commandInput(p.Name === 'main' ? 'main' : p.ImportPath, []), toolexecImportPath: p.ImportPath };
}

/** The toolchain's version and main module, for the compile's -lang; unknown ones ('') when go env fails, which the listing reports. */
async function goFactsOf(opts: WeavePackagesOptions): Promise<Pick<GoFacts, 'goVersion' | 'moduleRoot'>> {
  try {
    return await readGoFacts(findGo(opts.env), opts.dir, opts.env);
  } catch {
    return { goVersion: '', moduleRoot: '' };
  }
}

function weaverFor(opts: WeavePackagesOptions, config: ConfigFacts): PackageWeaver {
  return packageWeaver({ config: config.config, go: findGo(opts.env), dir: opts.dir, env: opts.env, flags: opts.flags ?? [], log: silentLogger() });
}

export async function weavePackages(opts: WeavePackagesOptions): Promise<{ config: ConfigFacts; packages: WovenPackage[] }> {
  const [config, listed, go] = await Promise.all([readConfigFacts(opts), listPackages(opts), goFactsOf(opts)]);
  const packages: WovenPackage[] = [];
  const weaver = weaverFor(opts, config);
  try {
    for (const p of listed) {
      const input = inputOf(go, p);
      const { result } = await weaver.weave(input, p.Imports ?? []);
      const files = result.files.map((f) => ({ path: f.original, original: readFileSync(f.original, 'utf8'), woven: f.text }));
      packages.push({ listed: p, input, result, files });
    }
  } finally {
    await weaver.close();
  }
  return { config, packages };
}

export interface ExplainTarget {
  /** A package pattern or a .go file. */
  target: string;
  aspect?: string | undefined;
}

/**
 * `weft explain <package|file>`: the explanation of src/weave/explain.ts for each package the
 * target names, next to what weaving it really does (aspects woven, warnings).
 */
export async function explainPackages(opts: WeavePackagesOptions & ExplainTarget): Promise<{ config: ConfigFacts; packages: { listed: ListedPackage; explanation: PackageExplanation; woven: WeavePackageResult }[] }> {
  const isFile = opts.target.endsWith('.go');
  const abs = isAbsolute(opts.target) ? opts.target : join(opts.cwd ?? opts.dir, opts.target);
  const pattern = isFile ? dirname(abs) : opts.target;
  const [config, listed, go] = await Promise.all([readConfigFacts(opts), listPackages({ ...opts, patterns: [pattern] }), goFactsOf(opts)]);
  const out = [];
  const weaver = weaverFor(opts, config);
  try {
    for (const p of listed) {
      const input = inputOf(go, p);
      if (isFile && !input.files.includes(abs)) {
        throw new WeftError('E_USAGE', `${opts.target} is not compiled into ${p.ImportPath} with these build flags`, { hint: `its package compiles: ${input.files.map((f) => basename(f)).join(', ')}; a _test.go file or one excluded by build tags is not` });
      }
      const { result: woven, facts } = await weaver.weave(input, p.Imports ?? []);
      // The explanation sees the answers the weave had: a typed candidate is explained as decided.
      const typed = facts !== undefined ? { ...input, types: { answers: facts.answers, ...(facts.error !== undefined ? { error: facts.error } : {}), final: true } } : input;
      const explanation = await explainPackage(typed, config.config, { ...(opts.aspect !== undefined ? { aspect: opts.aspect } : {}), ...(isFile ? { files: [abs] } : {}) });
      out.push({ listed: p, explanation, woven });
    }
  } finally {
    await weaver.close();
  }
  return { config, packages: out };
}
