// Plugging the type oracle into a build: only a configuration with join points or template
// helpers that may need types gets a TypeService, and the oracle process starts (and is built,
// by the toolchain of the compile that first needs it) only when a package actually asks.
// It is stopped with the build.
import type { ResolvedConfig } from '../config/types.js';
import { createTypeService, startOracle, type TypeOracle, type TypeService } from '../oracle/index.js';
import type { BuildContext } from './build-context.js';
import type { Logger } from '../log.js';
import type { ToolRequest } from '../protocol/messages.js';
import { ensureOracle, gorootOfTool } from '../install/ensure-oracle.js';

const TYPED = /"method-call"|"(argument|result|final-result)-implements"|ThatImplements|FinalResultImplements/;

/** True when some aspect may ask a type question. */
export function mayNeedTypes(config: ResolvedConfig): boolean {
  return TYPED.test(JSON.stringify(config.aspects));
}

export function installTypeService(ctx: BuildContext): TypeService | null {
  if (!mayNeedTypes(ctx.config)) return null;
  return createTypeService({
    oracle: oracleStarter(ctx.weftVersion, ctx.log, ctx.disposers),
    exportArchives: (req, cmd, pkgs) => {
      if (ctx.exportArchives === null) return Promise.resolve(new Map());
      return ctx.exportArchives(req, cmd, pkgs);
    },
    tags: ctx.command?.tags ?? '',
    onCheck: (r) => ctx.stats.recordTypeCheck(r),
    log: (m) => ctx.log.debug(m),
  });
}

/**
 * One oracle per toolchain, started (and built, by that toolchain) at the first question of a
 * compile it serves; `disposers` stops them.
 */
export function oracleStarter(weftVersion: string, log: Pick<Logger, 'debug'>, disposers: (() => Promise<void> | void)[]): (req: ToolRequest) => Promise<TypeOracle> {
  const oracles = new Map<string, Promise<TypeOracle>>();
  disposers.push(async () => {
    for (const p of oracles.values()) await (await p.catch(() => null))?.close();
  });
  return (req) => {
    const compilePath = req.path;
    const goroot = gorootOfTool(compilePath);
    let p = oracles.get(goroot);
    if (p === undefined) {
      p = ensureOracle({ compilePath }).then((binary) => {
        const o = startOracle({ binary, weftVersion });
        log.debug(`type oracle started (pid ${o.pid}, ${binary})`);
        return o;
      });
      oracles.set(goroot, p);
    }
    return p;
  };
}
