// What `weft prepare` warms of the packages a configuration may inject: exactly what planning
// the module's build finds woven code injects when the module has Go sources; with only go.mod,
// go.sum and the tool file, what the module's build list can provide (never a go.mod change).
import { Resolver, runGoList } from '../resolve/index.js';
import type { BuildPlan } from '../plan/plan.js';
import { prepareGoRun, releaseGoRun } from './driver.js';

/**
 * The injected packages to warm, and those skipped. With Go sources in the module: what a plan
 * of `./...` says woven code injects (the module's own build, in the default mode). Without: the
 * configured packages that go can list from the module's build list, with no error.
 */
export async function injectedToWarm(input: { go: string; cwd: string; env: NodeJS.ProcessEnv; configFlag: string | undefined }, flags: readonly string[], configured: readonly string[]): Promise<{ packages: string[]; skipped: string[]; why: string }> {
  const own = await runGoList(['./...'], { go: input.go, dir: input.cwd, env: input.env, flags: [], export: false });
  const hasSources = own.packages.some((p) => p.Error === undefined && (p.GoFiles?.length ?? 0) > 0);
  if (hasSources) {
    let plan: BuildPlan | null = null;
    const spec = await prepareGoRun({ args: ['build', ...flags, './...'], globals: { config: input.configFlag }, env: input.env, cwd: input.cwd, planOnly: true, onPlan: (p) => (plan = p) });
    await releaseGoRun(spec);
    const injected: readonly string[] = (plan as BuildPlan | null)?.injected ?? configured;
    return { packages: [...injected], skipped: configured.filter((p) => !injected.includes(p)), why: 'the module\'s build injects none of them' };
  }
  // The resolver lists apart the halves of a listing that a module-graph error failed as a whole.
  const resolver = new Resolver({ go: input.go, dir: input.cwd, env: input.env, flags: [], toolexec: null, injected: configured });
  await resolver.list();
  const ok = new Set(configured.filter((p) => {
    const l = resolver.listedPackage(p);
    return l !== undefined && l.Error === undefined && (l.DepsErrors?.length ?? 0) === 0;
  }));
  return { packages: configured.filter((p) => ok.has(p)), skipped: configured.filter((p) => !ok.has(p)), why: 'outside the module\'s build list' };
}
