// Plugging the weaver into a build. Only a configuration with aspects pays for the worker pool
// and the parser (loaded lazily, so `weft go` with no aspects starts as fast as it can); with
// none, the default hook answers every compile "unchanged" at once.
import { fromErrorData } from '../errors.js';
import type { BuildContext } from './build-context.js';
import { readImportcfgPackages, weaveInputOf } from './handlers.js';

export async function installWeaver(ctx: BuildContext): Promise<void> {
  if (ctx.config.aspects.length === 0) return;
  const [{ createWeaver }, { createPool }] = await Promise.all([import('../weave/index.js'), import('../pool/index.js')]);
  const pool = createPool();
  ctx.disposers.push(() => pool.close());
  const weave = createWeaver({ config: ctx.config, pool });
  ctx.weaver = async (req, cmd, signal) => {
    const outcome = await weave(weaveInputOf(ctx, req, cmd), {
      importcfgPackages: () => {
        signal.throwIfAborted();
        return readImportcfgPackages(cmd.importcfg);
      },
    });
    if (!outcome.ok) throw fromErrorData(outcome.error);
    ctx.stats.recordWeave(outcome.result.stats, outcome.result.aspects);
    return outcome.result;
  };
}
