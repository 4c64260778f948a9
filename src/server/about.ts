// Facts about this installation and the project in a directory — weft, node and go versions, the
// configuration that applies and its fingerprint — gathered the way a build would find them, for
// `weft version` and `weft doctor`. Nothing here fails: each fact carries its own error.
import type { ResolvedConfig } from '../config/index.js';
import { toErrorData, type WeftErrorData } from '../errors.js';
import { discoverConfigFile, findGo, readGoFacts, resolveConfig } from './prepare.js';
import { weftVersion } from './version.js';

export type Fact<T> = { ok: true; value: T } | { ok: false; error: WeftErrorData };

export interface ConfigFacts {
  /** The file a build in this directory would read (null: none, no aspects). */
  file: string | null;
  /** Every file read (the root, then `extends`). */
  files: readonly string[];
  aspects: readonly string[];
  /** The aspects' fingerprint; a build extends it with the injected packages' content. */
  fingerprint: string;
  injectedPackages: readonly string[];
  config: ResolvedConfig;
}

export interface InstallationFacts {
  weft: string;
  node: string;
  go: Fact<{ path: string; version: string; moduleRoot: string }>;
  config: Fact<ConfigFacts>;
}

export interface AboutOptions {
  env: NodeJS.ProcessEnv;
  /** The directory a build would run in. */
  dir: string;
  configFlag?: string | undefined;
  cwd?: string;
}

async function attempt<T>(f: () => Promise<T> | T): Promise<Fact<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

export async function readInstallationFacts(opts: AboutOptions): Promise<InstallationFacts> {
  const go = attempt(async () => {
    const path = findGo(opts.env);
    const facts = await readGoFacts(path, opts.dir, opts.env);
    return { path, version: facts.goVersion, moduleRoot: facts.moduleRoot };
  });
  const config = attempt(() => readConfigFacts(opts));
  return { weft: weftVersion(), node: process.version, go: await go, config: await config };
}

/** The configuration a build in `opts.dir` would use, validated as a build validates it (templates included). */
export async function readConfigFacts(opts: AboutOptions): Promise<ConfigFacts> {
  const file = discoverConfigFile({ explicit: opts.configFlag, env: opts.env, startDir: opts.dir, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
  const config = await resolveConfig(file);
  return {
    file,
    files: config.files,
    aspects: config.aspects.map((a) => a.id),
    fingerprint: config.fingerprint,
    injectedPackages: config.injectedPackages,
    config,
  };
}
