// Facts about this installation and the project in a directory — weft, node and go versions, the
// configuration that applies and its fingerprint — gathered the way a build would find them, for
// `weft version` and `weft doctor`. Nothing here fails: each fact carries its own error.
import type { ResolvedConfig } from '../config/index.js';
import { toErrorData, type WeftErrorData } from '../errors.js';
import { discoverConfiguration, findGo, loadBuildConfig, readGoFacts } from '../weaving/prepare.js';
import { weftVersion } from '../install/version.js';

export type Fact<T> = { ok: true; value: T } | { ok: false; error: WeftErrorData };

export interface ConfigFacts {
  /** The user's file a build in this directory would read (null: none). */
  file: string | null;
  /** The main module's directory when its orchestrion.tool.go / orchestrion.yml are loaded too. */
  moduleRoot: string | null;
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
  /** Build flags (tags decide which packages pinned configuration resolves to). */
  buildFlags?: readonly string[];
}

async function attempt<T>(f: () => Promise<T> | T): Promise<Fact<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}

/** How to name the configuration in one line: the user's file, the main module's orchestrion files, or none. */
export function describeConfigOrigin(c: Pick<ConfigFacts, 'file' | 'moduleRoot'>): string | null {
  const parts = [...(c.file !== null ? [c.file] : []), ...(c.moduleRoot !== null ? [`orchestrion configuration of ${c.moduleRoot}`] : [])];
  return parts.length > 0 ? parts.join(' + ') : null;
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
  const discovery = discoverConfiguration({ explicit: opts.configFlag, env: opts.env, startDir: opts.dir, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
  // go runs only when the configuration names Go packages (pinned through orchestrion.tool.go).
  let go = 'go';
  try {
    go = findGo(opts.env);
  } catch {
    // reported by the go fact; a configuration without packages still loads
  }
  const { config } = await loadBuildConfig({ discovery, go, dir: opts.dir, env: opts.env, buildFlags: opts.buildFlags ?? [] });
  return {
    file: discovery.file,
    moduleRoot: discovery.moduleRoot,
    files: config.files,
    aspects: config.aspects.map((a) => a.id),
    fingerprint: config.fingerprint,
    injectedPackages: config.injectedPackages,
    config,
  };
}
