// Plugging the weaver into a build. Only a configuration with aspects pays for the worker pool
// and the parser: with none, the default hook answers every compile "unchanged" at once.
import type { BuildContext } from './build-context.js';

export async function installWeaver(ctx: BuildContext): Promise<void> {
  if (ctx.config.aspects.length === 0) return;
  // The weaver engine (src/weave) and its pool land separately; until then a configuration with
  // aspects is loaded and fingerprinted but compiles are not woven.
  ctx.log.warn(`the configuration has ${ctx.config.aspects.length} aspects but this weft has no weaver yet; compiling unchanged`);
}
