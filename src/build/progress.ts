// What a build is doing, for the progress line (src/cli/progress.ts draws it, in this process or
// in the front end a daemon streams it to): configuration, then planning, then go. Once go runs,
// the counts are those weft sees: an overlay build sends weft no compile requests, so its line
// says what was woven before go started, never "0 compile requests".
import type { BuildContext } from '../weaving/build-context.js';
import { progressFields } from '../weaving/stats.js';

export type BuildPhaseName = 'configuration' | 'planning' | 'go';

export class BuildPhase {
  name: BuildPhaseName = 'configuration';
  ctx: BuildContext | null = null;
  /** go's subcommand, once the command line is read. */
  sub = 'build';

  fields(): string[] {
    const ctx = this.ctx;
    if (this.name === 'configuration' || ctx === null) return ['reading the configuration'];
    const s = ctx.stats;
    if (this.name === 'planning') return ['planning (go list, screening packages)'];
    const mode = s.mode;
    const going = `go ${this.sub}`;
    if (mode?.name === 'overlay') {
      const plan = s.plan;
      return [
        `${going} (overlay)`,
        ...(plan !== null ? [`${plan.listed} packages planned, ${plan.woven} woven`] : []),
        `${mode.overlayFiles ?? 0} files overlaid`,
        ...(s.warnings > 0 ? [`${s.warnings} warnings`] : []),
      ];
    }
    const plan = s.plan;
    return [`${going} (${mode?.name ?? 'toolexec'})`, ...(plan !== null ? [`${plan.listed} packages planned`] : []), ...progressFields(s)];
  }
}
