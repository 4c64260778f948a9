// Setting up one build's state: which configuration applies, which toolchain runs the build,
// where the main module is. Shared by `weft go` (in-process server) and the drop-in server so
// both answer the same way for the same directory.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import type { WorkerPool } from '../pool/index.js';
import { findConfigFile, OTELC_TOOL_FILE_NAMES } from '../config/find-config.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';
import { readGoCommand, type GoCommand } from '../toolexec/go-command-line.js';
import { WeftError } from '../errors.js';
import { createBuildContext, DEFAULT_CALL_TIMEOUT_MS, disposeBuildContext, envFlag, parseDuration, type BuildContext } from './build-context.js';
import type { Logger } from '../log.js';
import { configCacheFile, readCachedConfig, writeCachedConfig } from './config-cache.js';
import { mayNeedTypes } from './type-oracle.js';
import { weftVersion } from '../install/version.js';
import { weftBuildIdentity } from '../cache/identity.js';
import { installWeaver } from './weaver.js';
import { countChild } from '../children.js';
import { findModuleRoot } from './module-root.js';

export { findModuleRoot } from './module-root.js';

/** Where a build's configuration comes from (weft explain --config prints it). */
export interface ConfigDiscovery {
  /** `--config` / WEFT_CONFIG / weft.yml, or null. */
  file: string | null;
  /** How `file` was chosen: `--config`, `WEFT_CONFIG`, `weft.yml`. */
  fileVia: string;
  /** The main module's directory when its orchestrion.tool.go or orchestrion.yml is to be loaded (not with an explicit file). */
  moduleRoot: string | null;
}

/**
 * --config or WEFT_CONFIG replace everything; otherwise weft.yml beside the main module's go.mod
 * (loaded first) and the module's orchestrion.tool.go / orchestrion.yml (after it) both apply.
 */
export function discoverConfiguration(opts: { explicit?: string | undefined; env: NodeJS.ProcessEnv; startDir: string; cwd?: string }): ConfigDiscovery {
  const cwd = opts.cwd ?? process.cwd();
  const fromFlag = opts.explicit !== undefined && opts.explicit !== '';
  const given = fromFlag ? opts.explicit : opts.env['WEFT_CONFIG'];
  if (given !== undefined && given !== '') {
    return { file: isAbsolute(given) ? given : resolve(cwd, given), fileVia: fromFlag ? '--config' : 'WEFT_CONFIG', moduleRoot: null };
  }
  const file = findConfigFile(opts.startDir);
  const root = findModuleRoot(opts.startDir);
  const pinned = root !== null && ['orchestrion.tool.go', 'orchestrion.yml', ...OTELC_TOOL_FILE_NAMES].some((f) => existsSync(join(root, f)));
  return { file, fileVia: file !== null ? basename(file) : '', moduleRoot: pinned ? root : null };
}

function checkReadable(file: string): void {
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw new WeftError('E_CONFIG_READ', `cannot read the weft configuration ${file}: ${(e as Error).message}`, {
      hint: 'fix the path given by --config / WEFT_CONFIG, or the file permissions',
    });
  }
}

export interface LoadBuildConfigOptions {
  discovery: ConfigDiscovery;
  go: string;
  /** The go command's directory. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The build's flags (tags, -mod, -modfile decide where pinned packages come from). */
  buildFlags: readonly string[];
  /** Where the package listing is cached (default: weftCacheDir(env); null: no cache). */
  cacheDir?: string | null;
}

export interface LoadedBuildConfig {
  config: ResolvedConfig;
  /** go list runs made to find pinned packages (0 on a cached build). */
  goListRuns: number;
  /** True when the resolved configuration came from the cache (nothing parsed). */
  cached: boolean;
}

/**
 * Loads what discoverConfiguration found. Go packages named by the configuration are found with
 * one cached go list (src/resolve/config-packages.ts), started only when some file names one.
 */
export async function loadBuildConfig(opts: LoadBuildConfigOptions): Promise<LoadedBuildConfig> {
  const { file, fileVia, moduleRoot } = opts.discovery;
  if (file === null && moduleRoot === null) return { config: await lightEmptyConfig(), goListRuns: 0, cached: false };
  if (file !== null) checkReadable(file);
  const [{ createConfigPackages }, { weftCacheDir }] = await Promise.all([import('../resolve/config-packages.js'), import('../install/ensure-shim.js')]);
  const root = moduleRoot ?? findModuleRoot(opts.dir);
  const keyFiles = root === null ? [] : ['go.mod', 'go.sum', 'go.work', 'orchestrion.tool.go', ...OTELC_TOOL_FILE_NAMES].map((f) => join(root, f));
  const cacheDir = opts.cacheDir !== undefined ? opts.cacheDir : weftCacheDir(opts.env);
  const packages = createConfigPackages({ go: opts.go, dir: opts.dir, env: opts.env, flags: opts.buildFlags, cacheDir, keyFiles, root });
  // The resolved form is cached (config-cache.ts): a pinned set is many files to parse, and any
  // configuration costs the YAML parser's loading (~50-100 ms) that a cached one skips. weft's
  // build identity is in the key: another build of weft may read the files otherwise.
  const cacheFile = cacheDir !== null
    ? configCacheFile(cacheDir, [weftVersion(), weftBuildIdentity(), packages.key, file ?? '', fileVia, moduleRoot ?? ''], moduleRoot)
    : null;
  const cached = cacheFile !== null ? readCachedConfig(cacheFile, moduleRoot) : null;
  if (cached !== null) return { config: cached, goListRuns: 0, cached: true };
  // The YAML parser and the template parser are loaded only when something must be parsed.
  const [{ loadConfigSet }, { checkTemplateSpec }] = await Promise.all([import('../config/index.js'), import('../weave/templates.js')]);
  // Templates are parsed with the weaver's parser here, so a broken one is reported with every
  // other config problem before go starts (not as a failed compile of the first woven package).
  const config = await loadConfigSet({ file, fileVia, moduleRoot, locate: packages.locate, checkTemplate: checkTemplateSpec });
  packages.persist();
  if (cacheFile !== null) writeCachedConfig(cacheFile, config, moduleRoot);
  return { config, goListRuns: packages.stats.goListRuns, cached: false };
}

/**
 * emptyConfig() without loading the YAML parser (~100 ms of module loading, paid by every build
 * without a weft.yml otherwise). A unit test checks it equals src/config's emptyConfig().
 */
export async function lightEmptyConfig(): Promise<ResolvedConfig> {
  const { collectInjectedPackages, fingerprintAspects } = await import('../config/fingerprint.js');
  return { files: [], aspects: [], injectedPackages: collectInjectedPackages([]), fingerprint: fingerprintAspects([]) };
}

/** Finds `go` on PATH the way a shell would, without spawning anything. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['WEFT_GO'];
  if (explicit !== undefined && explicit !== '') return explicit;
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, 'go');
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  throw new WeftError('E_GO_NOT_FOUND', 'no `go` command on PATH', { hint: 'install Go ≥ 1.23 or put its bin directory on PATH' });
}

export interface GoFacts {
  goVersion: string;
  /** Directory of the main module ('' outside a module). */
  moduleRoot: string;
  /** GOMODCACHE: go -overlay refuses to replace files beneath it (overlay mode). */
  modCache: string;
  /** GOFLAGS as go reads them: the environment's, else those `go env -w` wrote to the GOENV file. */
  goflags: string;
  /** The GOENV file ('' or `off` when there is none). */
  goenvFile: string;
  /** GOCACHE ('' or `off` when go keeps no cache), and GOCACHEPROG ('' unless a program keeps it). */
  gocache: string;
  gocacheprog: string;
  /**
   * What go puts in the environment of every tool it runs: GOOS, GOARCH, the target
   * architecture's level variable (GOAMD64 for amd64, …), CGO_ENABLED and GOFIPS140. A go run
   * weft starts before go (the injected packages' build) is keyed by the environment the
   * build's compiles report, so it gets these.
   */
  toolEnv: Readonly<Record<string, string>>;
}

/** The level variable go sets for tools, per GOARCH (cmd/go's cfg.GetArchEnv), of those the shim forwards. */
const ARCH_LEVEL_VARS: Readonly<Record<string, string>> = { amd64: 'GOAMD64', arm: 'GOARM', arm64: 'GOARM64', '386': 'GO386', wasm: 'GOWASM' };

/**
 * Asks the toolchain that will run the build for its version, the main module (honours GOWORK,
 * -modfile via GOFLAGS) and the GOFLAGS it will apply: one `go env` run per build, the only one.
 */
export function readGoFacts(go: string, dir: string, env: NodeJS.ProcessEnv): Promise<GoFacts> {
  return new Promise((resolvePromise, reject) => {
    countChild('go env');
    execFile(go, ['env', '-json', 'GOVERSION', 'GOMOD', 'GOMODCACHE', 'GOFLAGS', 'GOENV', 'GOCACHE', 'GOCACHEPROG', 'GOOS', 'GOARCH', 'CGO_ENABLED', 'GOFIPS140', ...new Set(Object.values(ARCH_LEVEL_VARS))], { cwd: dir, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err !== null) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new WeftError('E_GO_NOT_FOUND', `cannot run ${go}: not found`, { hint: 'install Go ≥ 1.23 or put it on PATH' }));
        } else {
          reject(new WeftError('E_GO_NOT_FOUND', `\`${go} env\` failed in ${dir}: ${(stderr || err.message).trim()}`, { hint: 'check your Go installation, GOFLAGS (`go env GOFLAGS`) and the directory given with -C' }));
        }
        return;
      }
      let v: Record<string, string>;
      try {
        v = JSON.parse(stdout) as Record<string, string>;
      } catch {
        reject(new WeftError('E_GO_NOT_FOUND', `\`${go} env -json\` printed no JSON in ${dir}`, { hint: 'check your Go installation (weft needs Go ≥ 1.23)' }));
        return;
      }
      const mod = (v['GOMOD'] ?? '').trim();
      const toolEnv: Record<string, string> = {};
      const goarch = (v['GOARCH'] ?? '').trim();
      for (const k of ['GOOS', 'GOARCH', 'CGO_ENABLED', 'GOFIPS140', ARCH_LEVEL_VARS[goarch]]) if (k !== undefined && (v[k] ?? '').trim() !== '') toolEnv[k] = v[k]!.trim();
      resolvePromise({
        goVersion: (v['GOVERSION'] ?? '').trim(),
        moduleRoot: mod === '' || mod === '/dev/null' || mod === 'NUL' ? '' : dirname(mod),
        modCache: (v['GOMODCACHE'] ?? '').trim(),
        goflags: v['GOFLAGS'] ?? '',
        goenvFile: v['GOENV'] ?? '',
        gocache: (v['GOCACHE'] ?? '').trim(),
        gocacheprog: (v['GOCACHEPROG'] ?? '').trim(),
        toolEnv,
      });
    });
  });
}

/**
 * Where go keeps `go env -w` settings when GOENV does not say (os.UserConfigDir()/go/env), so a
 * memoised answer is checked against the file before go is asked where it is.
 */
function defaultGoenvFile(env: NodeJS.ProcessEnv): string {
  if (env['GOENV'] !== undefined && env['GOENV'] !== '') return env['GOENV'];
  if (process.platform === 'darwin') return join(env['HOME'] ?? '', 'Library', 'Application Support', 'go', 'env');
  if (process.platform === 'win32') return join(env['AppData'] ?? '', 'go', 'env');
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env['HOME'] ?? '', '.config'), 'go', 'env');
}

/**
 * The build's go facts, asked once: a daemon reuses them while the go binary, the module files
 * and the GOENV file (`go env -w`) are unchanged and the environment is the same.
 */
export function goFactsOf(opts: { go: string; dir: string; env: NodeJS.ProcessEnv; warm?: WarmResources | undefined }): Promise<GoFacts> {
  const memo = opts.warm?.memo;
  if (memo === undefined) return readGoFacts(opts.go, opts.dir, opts.env);
  const root = findModuleRoot(opts.dir);
  const moduleFiles = root === null ? [] : MODULE_FILES.map((f) => join(root, f));
  const goenv = defaultGoenvFile(opts.env);
  return memo(JSON.stringify(['go env', opts.go, opts.dir, envKeyOf(opts.env)]), [opts.go, ...moduleFiles, ...(goenv === 'off' ? [] : [goenv])],
    () => readGoFacts(opts.go, opts.dir, opts.env),
    (f) => (f.goenvFile === '' || f.goenvFile === 'off' ? [] : [f.goenvFile]));
}

const MODULE_FILES = ['go.mod', 'go.sum', 'go.work', 'orchestrion.tool.go', 'orchestrion.yml', ...OTELC_TOOL_FILE_NAMES, 'weft.yml'];

function envKeyOf(env: NodeJS.ProcessEnv): [string, string | undefined][] {
  return Object.entries(env).filter(([k]) => /^(GO|CGO_)/.test(k) || k === 'WEFT_CONFIG' || k === 'WEFT_CACHE' || k === 'XDG_CACHE_HOME' || k === 'XDG_CONFIG_HOME' || k === 'HOME').sort();
}

export interface PrepareOptions {
  go: string;
  /** The directory the go command runs in (after -C). */
  dir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** --config value, if any. */
  configFlag?: string | undefined;
  /** Where relative --config paths are resolved (the user's cwd). */
  cwd?: string;
  /** Fail compiles on undecided candidates (default: WEFT_STRICT in env). */
  strict?: boolean;
  /**
   * The go command whose build this is (src/toolexec/go-command-line.ts), given the GOFLAGS go
   * reads (`facts.goflags`); made from `goArgs` when not given (drop-in: the go process's
   * arguments).
   */
  commandOf?: (goflags: string) => GoCommand;
  /** The go command's arguments after `go`, when `commandOf` is not given (an empty list: no flags known). */
  goArgs?: readonly string[];
  /** The build's `go env` answers, when the caller already asked (goFactsOf), or is asking. */
  facts?: GoFacts | Promise<GoFacts>;
  warm?: WarmResources;
}

/**
 * What a daemon (src/daemon) keeps warm across builds and lends to each: never per-build
 * state. A build without it (in-process) makes and disposes everything itself.
 */
export interface WarmResources {
  /** The weave workers, left running after the build. */
  pool?: WorkerPool;
  /**
   * Gives the value last computed under `key` while the files it depends on (`files`, plus
   * `more(value)`) keep their size and modification time; computes it otherwise.
   */
  memo?: <T>(key: string, files: readonly string[], compute: () => Promise<T>, more?: (value: T) => readonly string[]) => Promise<T>;
}

export interface PreparedBuild {
  ctx: BuildContext;
  configFile: string | null;
}

export async function prepareBuild(opts: PrepareOptions): Promise<PreparedBuild> {
  const discovery = discoverConfiguration({ explicit: opts.configFlag, env: opts.env, startDir: opts.dir, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
  const configFile = discovery.file;
  const memo = opts.warm?.memo ?? (<T>(_key: string, _files: readonly string[], compute: () => Promise<T>) => compute());
  const root = findModuleRoot(opts.dir);
  const moduleFiles = root === null ? [] : MODULE_FILES.map((f) => join(root, f));
  const envKey = envKeyOf(opts.env);
  const factsReady = Promise.resolve(opts.facts ?? goFactsOf(opts));
  factsReady.catch(() => undefined);
  const commandOf = opts.commandOf ?? ((goflags: string) => readGoCommand(opts.goArgs ?? [], goflags));
  // The configuration's packages are listed with the build's flags, GOFLAGS included as go env
  // reports them (the environment's, else `go env -w`'s). The load starts at once with the
  // environment's GOFLAGS, beside go env, and runs again only when go env gives other flags.
  const flagsOf = (goflags: string) => {
    const command = commandOf(goflags);
    return { command, buildFlags: extractBuildFlags(command, opts.env, opts.dir).flags };
  };
  const load = (buildFlags: string[]) => memo(JSON.stringify(['config', discovery, buildFlags, opts.dir, envKey]), [...moduleFiles, ...(discovery.file !== null ? [discovery.file] : [])],
    () => loadBuildConfig({ discovery, go: opts.go, dir: opts.dir, env: opts.env, buildFlags }),
    (l) => [...l.config.files, ...(l.config.absent ?? [])]);
  let guess: { buildFlags: string[]; loaded: ReturnType<typeof load> } | null = null;
  try {
    const { buildFlags } = flagsOf(opts.env['GOFLAGS'] ?? '');
    guess = { buildFlags, loaded: load(buildFlags) };
    guess.loaded.catch(() => undefined);
  } catch {
    // GOFLAGS go will not take: the model made from go env's answer says why, below.
  }
  const facts = await factsReady;
  const { command, buildFlags } = flagsOf(facts.goflags);
  const loaded = await (guess !== null && JSON.stringify(buildFlags) === JSON.stringify(guess.buildFlags) ? guess.loaded : load(buildFlags));
  const config = loaded.config;
  const ctx = createBuildContext({
    config,
    goVersion: facts.goVersion,
    moduleRoot: facts.moduleRoot,
    modCache: facts.modCache,
    buildFlags,
    command,
    log: opts.log,
    callTimeoutMs: parseDuration(opts.env['WEFT_CALL_TIMEOUT'], DEFAULT_CALL_TIMEOUT_MS),
    strict: opts.strict ?? envFlag(opts.env['WEFT_STRICT']),
  });
  if (discovery.moduleRoot !== null) opts.log.debug(`orchestrion configuration of ${discovery.moduleRoot}: ${config.files.length} files, ${config.aspects.length} aspects, ${loaded.goListRuns} go list runs${loaded.cached ? ', from the cache' : ''}`);
  opts.log.debug(`config ${configFile ?? '(none)'} fingerprint ${config.fingerprint}; ${facts.goVersion}; module ${facts.moduleRoot || '(none)'}; build flags ${ctx.buildFlags.join(' ') || '(none)'}`);
  // Injection first: its `go list` runs in another process while this thread loads the weaver.
  // Loaded only when the aspects inject packages: builds without them skip the module loading.
  const injecting = ctx.config.injectedPackages.length > 0 || mayNeedTypes(ctx.config)
    ? import('./injection.js').then(({ installInjection }) =>
      installInjection(ctx, { go: opts.go, dir: opts.dir, env: opts.env, command, goEnv: { toolEnv: facts.toolEnv, goenvFile: facts.goenvFile } }))
    : Promise.resolve(null);
  const weaving = installWeaver(ctx, opts.env, opts.warm?.pool);
  const [injected, woven] = await Promise.allSettled([injecting, weaving]);
  if (injected.status === 'rejected' || woven.status === 'rejected') {
    // Whichever half succeeded may have left a pool behind.
    await disposeBuildContext(ctx);
    throw injected.status === 'rejected' ? injected.reason : (woven as PromiseRejectedResult).reason;
  }
  return { ctx, configFile };
}
