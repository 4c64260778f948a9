// Plugging injected-dependency handling (src/resolve) into a build: the importcfg and linker
// hooks, and the fingerprint extended with the content of every package the aspects may inject
// (so editing the runtime module rebuilds what depends on it). A configuration that injects
// nothing installs no hooks and runs no `go list` (unless a type question needs the archive of
// an interface's package).
import { createHash } from 'node:crypto';
import { createListingCache, Injector } from '../resolve/index.js';
import { weftCacheDir } from '../install/ensure-shim.js';
import { storedPlansEnabled } from './weave-cache.js';
import type { GoCommand } from '../toolexec/go-command-line.js';
import { setFingerprint, type BuildContext } from './build-context.js';
import { mayNeedTypes } from './type-oracle.js';

export interface InjectionOptions {
  go: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The go command of the build (`weft go`'s, or the served go process's in drop-in mode). */
  command: GoCommand;
  /**
   * What go env said beyond the environment (GOOS, GOARCH… and the GOENV file, whose `go env -w`
   * settings change what go lists): part of a kept listing's key. Without it nothing is kept.
   */
  goEnv?: { toolEnv: Readonly<Record<string, string>>; goenvFile: string };
}

export async function installInjection(ctx: BuildContext, opts: InjectionOptions): Promise<Injector | null> {
  if (ctx.config.injectedPackages.length === 0 && !mayNeedTypes(ctx.config)) return null;
  const injector = new Injector({
    config: ctx.config,
    go: opts.go,
    dir: opts.dir,
    env: opts.env,
    command: opts.command,
    log: ctx.log,
    listingCache: storedPlansEnabled(opts.env) && opts.goEnv !== undefined
      ? createListingCache({ cacheDir: weftCacheDir(opts.env), go: opts.go, goVersion: ctx.goVersion, modCache: ctx.modCache, root: ctx.moduleRoot, goEnv: opts.goEnv })
      : null,
  });
  // The type oracle loads interfaces a package does not import through the same resolver.
  ctx.exportArchives = (req, cmd, pkgs) => injector.exportArchives(req, cmd, pkgs);
  ctx.shareCompilesIn = (dir) => injector.shareCompilesIn(dir);
  ctx.disposers.push(() => injector.dispose());
  if (ctx.config.injectedPackages.length === 0) return injector;
  const injected = await injector.prepare();
  setFingerprint(ctx, createHash('sha256').update(`${ctx.config.fingerprint}\n${injected}`).digest('hex'));
  ctx.injectedIdentity = (roots) => injector.injectedIdentity(roots);
  ctx.injectable = () => injector.listedPackages();
  ctx.prebuildInjected = (roots, command, env, cwd, known) => injector.prebuild(roots, command, env, cwd, known);
  ctx.importcfg = injector.compileHook;
  ctx.linker = injector.linkHook;
  ctx.disposers.push(() => {
    ctx.log.debug(`injection: ${JSON.stringify(injector.stats)}`);
  });
  return injector;
}
