// Setting up one build's state: which configuration applies, which toolchain runs the build,
// where the main module is. Shared by `weft go` (in-process server) and the drop-in server so
// both answer the same way for the same directory.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import { findConfigFile } from '../config/find-config.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';
import { WeftError } from '../errors.js';
import { createBuildContext, DEFAULT_CALL_TIMEOUT_MS, disposeBuildContext, envFlag, parseDuration, type BuildContext } from './build-context.js';
import type { Logger } from './log.js';
import { mayNeedTypes } from './type-oracle.js';
import { installWeaver } from './weaver.js';

/** The directory of the nearest go.mod at or above `startDir`, or null. */
export function findModuleRoot(startDir: string): string | null {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, 'go.mod'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * Picks the configuration file: the explicit one (flag) > WEFT_CONFIG > weft.yml next to the
 * main module's go.mod > none. Relative explicit paths are relative to `cwd`.
 */
export function discoverConfigFile(opts: { explicit?: string | undefined; env: NodeJS.ProcessEnv; startDir: string; cwd?: string }): string | null {
  const cwd = opts.cwd ?? process.cwd();
  const given = opts.explicit !== undefined && opts.explicit !== '' ? opts.explicit : opts.env['WEFT_CONFIG'];
  if (given !== undefined && given !== '') return isAbsolute(given) ? given : resolve(cwd, given);
  return findConfigFile(opts.startDir);
}

/** Loads the configuration, or the empty one when there is none. Unreadable files fail with E_CONFIG_READ. */
export async function resolveConfig(file: string | null): Promise<ResolvedConfig> {
  if (file === null) return lightEmptyConfig();
  try {
    accessSync(file, constants.R_OK);
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw new WeftError('E_CONFIG_READ', `cannot read the weft configuration ${file}: ${(e as Error).message}`, {
      hint: 'fix the path given by --config / WEFT_CONFIG, or the file permissions',
    });
  }
  const { loadConfig } = await import('../config/index.js');
  return loadConfig(file);
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
}

/** Asks the toolchain that will run the build for its version and the main module (honours GOWORK, -modfile via GOFLAGS). */
export function readGoFacts(go: string, dir: string, env: NodeJS.ProcessEnv): Promise<GoFacts> {
  return new Promise((resolvePromise, reject) => {
    execFile(go, ['env', 'GOVERSION', 'GOMOD'], { cwd: dir, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err !== null) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new WeftError('E_GO_NOT_FOUND', `cannot run ${go}: not found`, { hint: 'install Go ≥ 1.23 or put it on PATH' }));
        } else {
          reject(new WeftError('E_GO_NOT_FOUND', `\`${go} env\` failed in ${dir}: ${(stderr || err.message).trim()}`, { hint: 'check your Go installation and the directory given with -C' }));
        }
        return;
      }
      const [version = '', gomod = ''] = stdout.split('\n');
      const mod = gomod.trim();
      resolvePromise({ goVersion: version.trim(), moduleRoot: mod === '' || mod === '/dev/null' || mod === 'NUL' ? '' : dirname(mod) });
    });
  });
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
  buildFlags?: readonly string[];
  /** Fail compiles on undecided candidates (default: WEFT_STRICT in env). */
  strict?: boolean;
  /** The go command's arguments after `go` (subcommand, flags, packages), for nested `go list` runs. */
  goArgs?: readonly string[];
}

export interface PreparedBuild {
  ctx: BuildContext;
  configFile: string | null;
}

export async function prepareBuild(opts: PrepareOptions): Promise<PreparedBuild> {
  const configFile = discoverConfigFile({ explicit: opts.configFlag, env: opts.env, startDir: opts.dir, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}) });
  const [config, facts] = await Promise.all([resolveConfig(configFile), readGoFacts(opts.go, opts.dir, opts.env)]);
  const ctx = createBuildContext({
    config,
    goVersion: facts.goVersion,
    moduleRoot: facts.moduleRoot,
    buildFlags: opts.buildFlags ?? (opts.goArgs !== undefined ? extractBuildFlags(opts.goArgs, opts.env, opts.cwd ?? opts.dir).flags : []),
    log: opts.log,
    callTimeoutMs: parseDuration(opts.env['WEFT_CALL_TIMEOUT'], DEFAULT_CALL_TIMEOUT_MS),
    strict: opts.strict ?? envFlag(opts.env['WEFT_STRICT']),
  });
  opts.log.debug(`config ${configFile ?? '(none)'} fingerprint ${config.fingerprint}; ${facts.goVersion}; module ${facts.moduleRoot || '(none)'}; build flags ${ctx.buildFlags.join(' ') || '(none)'}`);
  // Injection first: its `go list` runs in another process while this thread loads the weaver.
  // Loaded only when the aspects inject packages: builds without them skip the module loading.
  const injecting = ctx.config.injectedPackages.length > 0 || mayNeedTypes(ctx.config)
    ? import('./injection.js').then(({ installInjection }) =>
      installInjection(ctx, { go: opts.go, dir: opts.dir, env: opts.env, ...(opts.goArgs !== undefined ? { goArgs: opts.goArgs } : {}) }))
    : Promise.resolve(null);
  const weaving = installWeaver(ctx);
  const [injected, woven] = await Promise.allSettled([injecting, weaving]);
  if (injected.status === 'rejected' || woven.status === 'rejected') {
    // Whichever half succeeded may have left a pool behind.
    await disposeBuildContext(ctx);
    throw injected.status === 'rejected' ? injected.reason : (woven as PromiseRejectedResult).reason;
  }
  return { ctx, configFile };
}
