// The build a `weft go <sub> [args…]` runs, before and after go: options, configuration and
// shim, the mode and its plan, the job server, go's arguments and environment (prepareGoRun);
// the stale-plan check and statistics once go has exited (finishGoRun); the cleanup
// (releaseGoRun). The same code serves an in-process build (src/cli/go-command.ts) and a
// daemon's (src/daemon/serve.ts). weft writes nothing to stdout; go's exit code is weft's.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { childCounts } from '../children.js';
import { formatErrorData, WeftError } from '../errors.js';
import { makeOwnedTempDir, sweepDeadOwners } from '../owned-temp.js';
import { ensureShim, weftCacheDir } from '../install/ensure-shim.js';
import { daemonIdentity } from '../install/version.js';
import { listenJobServer, sweepStaleSocketDirs, type JobServer } from '../jobserver/listen.js';
import type { Logger } from '../log.js';
import { decideOverlay, withWovenSnapshot, writeOverlayBuild } from '../plan/overlay-mode.js';
import { OVERLAY_PREFIX, planBuild, staleAfterBuild, startPlanListing, waitForTestGate, type BuildPlan, type PlanListing, type PlanOptions, type PlanReuse } from '../plan/plan.js';
import type { PlanRecord, PlanSource } from '../plan/plan-record.js';
import { storedPlanKey, storedPlans, storedPlansEnabled } from '../plan/plan-store.js';
import { encodeReplayDraft, fileScreens, goenvDigest, storeReplayRecord, type EncodedReplay, type ReplayDraft } from '../plan/replay-record.js';
import { injectedExports } from '../plan/injected-exports.js';
import { modelGoCommand, readGoCommand, type GoCommand } from '../toolexec/go-command-line.js';
import { disposeBuildContext, type BuildContext } from '../weaving/build-context.js';
import { findGo, findModuleRoot, goFactsOf, prepareBuild, type GoFacts, type WarmResources } from '../weaving/prepare.js';
import { formatStats, readShimStats, type BuildMode, type PlanReuseName } from '../weaving/stats.js';
import { checkNoUserToolexec, extractWeftFlags, parseGoInvocation, parseModeSetting, parseProgressSetting, withLastFlags, withToolexec, type GoInvocation, type ModeSetting, type ProgressSetting, type StatsFormat } from './go-args.js';
import { resolveOptions, type WeftGlobalOptions } from './options.js';
import type { BuildPhase } from './progress.js';

export interface GoCommandInput {
  args: readonly string[];
  globals: WeftGlobalOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What a daemon lends a build (src/daemon): warm resources, the kept plans, and what to report. */
export interface DaemonBuild {
  warm: WarmResources;
  plans: PlanSource;
  /** The daemon had served a build before this one. */
  warmStart: boolean;
  /** The build's stderr lines (logs) go to the client. */
  stderr: (text: string) => void;
}

/** A build ready to run: go, its arguments and environment; `build` is null when go runs as is. */
export interface GoRunSpec {
  go: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The directory go runs in (the user's cwd; -C stays in args). */
  cwd: string;
  build: PreparedRun | null;
  log: Logger;
}

export interface PreparedRun {
  inv: GoInvocation;
  ctx: BuildContext;
  plan: BuildPlan | null;
  /** null in an overlay build: no shim runs, nothing asks a server. */
  server: JobServer | null;
  stats: StatsFormat;
  /** Where the shim appends its per-invocation lines (null: no stats asked for). */
  statsFile: string | null;
  /** WEFT_STATS_JSON, when set. */
  statsJsonFile: string | null;
  progress: ProgressSetting;
  /** The child process counts when the build started (a daemon counts for many builds). */
  childrenBefore: Record<string, number>;
  daemon: { warm: boolean; planReused: PlanReuse | null } | null;
  /** What a replay record of this build holds (src/plan/replay-record.ts), when the build qualifies. */
  replay: ReplayDraft | null;
  /** The record, encoded while go ran; stored once go has succeeded. */
  replayEncoded: Promise<EncodedReplay | null> | null;
  /** Work that need not delay go (keeping the plan, encoding the replay record): done while it runs (workWhileGoRuns). */
  whileGo: (() => void)[];
}

/**
 * Everything before go starts, for both paths (in this process, or in the daemon for a client):
 * options, configuration, shim, mode and plan, job server, go's arguments and environment.
 */
export async function prepareGoRun(input: GoCommandInput & { daemon?: DaemonBuild; planOnly?: boolean; onPlan?: (plan: BuildPlan | null) => void; phase?: BuildPhase }): Promise<GoRunSpec> {
  const cwd = input.cwd ?? process.cwd();
  const { goArgs, flags } = extractWeftFlags(input.args);
  const env = flags.cache !== undefined ? { ...(input.env ?? process.env), WEFT_WEAVE_CACHE: flags.cache } : input.env ?? process.env;
  const opts = resolveOptions(
    {
      config: flags.config ?? input.globals.config,
      stats: flags.stats ?? input.globals.stats,
      strict: flags.strict ?? input.globals.strict,
      logFile: flags.logFile ?? input.globals.logFile,
      logLevel: flags.logLevel ?? input.globals.logLevel,
    },
    env,
    input.daemon?.stderr,
  );
  const log = opts.log;
  const childrenBefore = input.daemon !== undefined ? childCounts() : {};
  try {
    const go = findGo(env);
    const inv = parseGoInvocation(goArgs, cwd);
    // A missing -C directory, `go help`, `go env`…: go says it best, weft stays out of the way.
    if (!inv.instrument || !existsSync(inv.dir)) return { go, args: goArgs, env, cwd, build: null, log };
    // A -toolexec of the user's on the command line fails before anything starts; one in
    // GOFLAGS once go env has said what they are.
    checkNoUserToolexec(inv, modelGoCommand(inv.line, ''));
    // The shim does not depend on the flags: it is checked (or built) while go env runs.
    const shimReady = ensureShim({ go, env });
    shimReady.catch(() => undefined);
    // The one model of this go command: its flags and GOFLAGS as go reads them (the
    // environment's, else `go env -w`'s), from the build's one `go env` run, which runs beside
    // the configuration's load.
    const factsReady = goFactsOf({ go, dir: inv.dir, env, warm: input.daemon?.warm });
    const commandReady = factsReady.then((facts) => {
      const command = modelGoCommand(inv.line, facts.goflags);
      checkNoUserToolexec(inv, command);
      return command;
    });
    commandReady.catch(() => undefined);
    if (input.phase !== undefined) input.phase.sub = inv.sub;
    const modeSetting = parseModeSetting(flags.mode ?? env['WEFT_MODE'], flags.mode !== undefined ? '--weft-mode' : 'WEFT_MODE');
    // Without kept plans (a daemon's, or stored ones in the weave cache), planning lists the
    // build: go list starts once go env has said what GOFLAGS are, and runs while the
    // configuration loads. Where a stored plan may answer, it is not started: a plan that holds
    // runs no go list at all.
    const keepsPlans = input.daemon !== undefined || storedPlansEnabled(env);
    const listingReady: Promise<PlanListing | undefined> = modeSetting !== 'toolexec' && !keepsPlans
      ? commandReady.then((command) => startPlanListing({ go, dir: inv.dir, env, command }))
      : Promise.resolve(undefined);
    listingReady.catch(() => undefined);

    const [shimResult, commandResult, preparedResult] = await Promise.allSettled([
      shimReady,
      commandReady,
      prepareBuild({ go, dir: inv.dir, env, log, configFlag: opts.config, cwd, commandOf: (goflags) => modelGoCommand(inv.line, goflags), facts: factsReady, strict: opts.strict, ...(input.daemon !== undefined ? { warm: input.daemon.warm } : {}) }),
    ]);
    if (shimResult.status === 'rejected' || commandResult.status === 'rejected' || preparedResult.status === 'rejected') {
      void listingReady.then((l) => l?.cancel(), () => undefined);
      // Whichever part succeeded must not leave a worker pool behind.
      if (preparedResult.status === 'fulfilled') await disposeBuildContext(preparedResult.value.ctx);
      throw [commandResult, shimResult, preparedResult].find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    }
    const facts = await factsReady;
    const command = commandResult.value;
    const shim = shimResult.value;
    const ctx = preparedResult.value.ctx;
    if (input.phase !== undefined) {
      input.phase.ctx = ctx;
      input.phase.name = 'planning';
    }
    try {
      // A daemon keeps its plans in memory; an in-process build, in the weave cache (CI).
      const weaveDir = join(weftCacheDir(env), 'weave');
      const keyExtra = JSON.stringify(facts.toolEnv);
      const plans = input.daemon?.plans ?? (storedPlansEnabled(env) ? storedPlans({ dir: weaveDir, keyExtra }) : undefined);
      const listing = await listingReady.catch(() => undefined);
      const chosen = chooseMode(ctx, modeSetting, flags.mode !== undefined, { go, dir: inv.dir, env, command, ...(listing !== undefined ? { listing } : {}) }, plans);
      // A configuration without aspects plans nothing: its early listing is not waited for.
      chosen.finally(() => listing?.cancel()).catch(() => undefined);
      const { plan, mode, flags: runFlags, overlay, reuse, record, persist } = await chosen;
      ctx.stats.mode = mode;
      log.info(`${mode.name} build: ${mode.reason}${mode.name === 'overlay' ? `; ${mode.overlayFiles} files overlaid, ${mode.linkFiles} link files` : ''}${plan !== null ? `; ${plan.counts.compileMarks} of ${plan.counts.listed} packages marked (${plan.counts.woven} woven, ${plan.counts.deferred} decided at compile time, ${plan.counts.dependents} dependents), planned in ${plan.counts.millis} ms${reuse !== null ? ` (plan ${planReuseText(reuse)})` : ''}` : ''}`);
      // A daemon's background refresh (src/daemon/plan-cache.ts) wanted the plan only.
      if (input.planOnly === true) {
        persist?.();
        input.onPlan?.(plan);
        await disposeBuildContext(ctx);
        return { go, args: goArgs, env, cwd, build: null, log };
      }
      if (plan !== null) await waitForTestGate(env['WEFT_TEST_PAUSE_AFTER_PLAN']);
      // Overlay mode: go does the weaving's part itself, no shim asks anything, no server.
      const server = overlay ? null : await listenJobServer(ctx);
      try {
        // WEFT_STATS_JSON=<file> and --weft-stats=json (on stderr) give the same JSON report.
        const statsJson = env['WEFT_STATS_JSON'];
        const statsJsonFile = statsJson !== undefined && statsJson !== '' ? statsJson : null;
        const statsFile = server !== null && (opts.stats !== 'off' || statsJsonFile !== null) ? join(server.dir ?? '', 'shim-stats') : null;
        const goEnv: NodeJS.ProcessEnv = { ...env };
        // go's own work directory ($WORK) inside one this process owns: go killed with SIGKILL
        // leaves it behind, and the next build removes it with ours (unless the user chose GOTMPDIR,
        // or asked go to keep $WORK with -work).
        const work = command.last('work');
        if ((env['GOTMPDIR'] ?? '') === '' && (work === undefined || work === 'false')) {
          const gotmp = makeOwnedTempDir('weft-gotmp-', env['TMPDIR'] !== undefined && env['TMPDIR'] !== '' ? env['TMPDIR'] : tmpdir());
          ctx.disposers.push(() => rmSync(gotmp, { recursive: true, force: true }));
          goEnv['GOTMPDIR'] = gotmp;
        }
        delete goEnv['WEFT_SHIM_LINKS'];
        delete goEnv['WEFT_SHIM_MODE'];
        delete goEnv['WEFT_SHIM_ROUTE'];
        delete goEnv['WEFT_VERSION_SUFFIX'];
        delete goEnv['WEFT_STATS_FILE'];
        delete goEnv['WEFT_SHIM_DEDUPE'];
        if (server !== null) {
          goEnv['WEFT_SOCKET'] = server.socketPath;
          goEnv['WEFT_VERSION'] = ctx.weftVersion;
          // Planned: -V=full answered unchanged and unmarked tools exec'd at once (shim/main.go).
          if (plan !== null) {
            goEnv['WEFT_SHIM_MODE'] = 'planned';
            // Links are patched with link-time packages only when the aspects can inject any.
            if (ctx.linker !== null) goEnv['WEFT_SHIM_LINKS'] = '1';
            if (plan.routeFile !== null) goEnv['WEFT_SHIM_ROUTE'] = plan.routeFile;
          } else {
            goEnv['WEFT_VERSION_SUFFIX'] = ctx.suffix;
          }
          if (statsFile !== null) goEnv['WEFT_STATS_FILE'] = statsFile;
          if (ctx.shareCompilesIn !== null) {
            const share = makeOwnedTempDir('weft-share-', env['TMPDIR'] !== undefined && env['TMPDIR'] !== '' ? env['TMPDIR'] : tmpdir());
            // Removed last, once the nested runs whose compiles write there have stopped.
            ctx.disposers.unshift(() => rmSync(share, { recursive: true, force: true }));
            ctx.shareCompilesIn(share);
            goEnv['WEFT_SHIM_DEDUPE'] = share;
          }
        }
        const args = overlay ? withLastFlags(inv, [], runFlags) : withToolexec(inv, shim, runFlags);
        // A planned build knows what woven code injects: built now, in one nested go run that
        // ends before go starts, so go finds their archives in GOCACHE. Started beside go instead
        // (git history: "built beside go"), it cost more CPU than it saved on two busy cores: the
        // build's compiles needing small parts of it ran nested runs of their own, and both go
        // commands asked the server for the marked packages. An overlay build imports them in
        // the overlaid files: go builds them itself.
        // Where plans are stored, the archives that run printed are kept beside the plan
        // (src/plan/injected-exports.ts): the next build of the same plan finds them in GOCACHE
        // and runs nothing.
        if (plan !== null && !overlay && ctx.prebuildInjected !== null && plan.injected.length > 0) {
          const t0 = performance.now();
          // -a asks go to rebuild everything: the injected packages too, through the run.
          const forced = command.last('a');
          const planKey = storedPlansEnabled(env) && (forced === undefined || forced === 'false') ? storedPlanKey(ctx, { go, dir: inv.dir, env, command }, ctx.moduleRoot, keyExtra) : null;
          const kept = planKey !== null ? injectedExports({ dir: weaveDir, planKey, root: ctx.moduleRoot, plan, gocache: facts.gocache, gocacheprog: facts.gocacheprog }) : null;
          const known = kept?.known();
          if (known !== undefined && 'why' in known) log.debug(`injected packages' archives: ${known.why}`);
          const built = await ctx.prebuildInjected(plan.injected, readGoCommand(args, command.goflags), { ...goEnv, ...facts.toolEnv }, cwd, known !== undefined && 'exports' in known ? known.exports : undefined);
          ctx.stats.injectedPrebuild = built.adopted ? 'kept' : 'built';
          if (!built.adopted && kept !== null && !kept.record(built.exports)) log.debug('the injected packages\' archives are not all in GOCACHE: not kept');
          log.info(`${built.adopted ? 'found the archives of' : 'built'} the ${plan.injected.length} injected packages before go: ${Math.round(performance.now() - t0)} ms`);
        }
        log.debug(`running ${go} ${args.join(' ')} (socket ${server?.socketPath ?? 'none'}; weft ready after ${Math.round(performance.now())} ms)`);
        const progress = flags.progress ?? parseProgressSetting(env['WEFT_PROGRESS'] ?? '', 'WEFT_PROGRESS');
        const daemon = input.daemon !== undefined ? { warm: input.daemon.warmStart, planReused: reuse } : null;
        // Asks nothing of weft while go runs, and its inputs are recorded: the Go front end may
        // run it again without Node while they hold. Not with -modfile: the plan's record holds
        // go.mod, go.sum and go.work by their usual names only.
        const replayable = input.daemon === undefined && overlay && runFlags.length === 0 && plan !== null && plan.injected.length === 0 && mode.name === 'overlay' && mode.overlayFiles === 0 && mode.linkFiles === 0 && opts.stats === 'off' && record !== undefined && command.last('modfile') === undefined && !Object.keys(env).some((k) => k.startsWith('WEFT_TEST_'));
        const replay = replayable ? replayDraftOf({ input, env, goEnv, go, args, cwd, facts, ctx, record, dir: inv.dir }) : null;
        const build: PreparedRun = { inv, ctx, plan, server, stats: opts.stats, statsFile, statsJsonFile, progress, childrenBefore, daemon, replay, replayEncoded: null, whileGo: [] };
        if (persist !== undefined) build.whileGo.push(persist);
        if (replay !== null && plan !== null && record !== undefined) {
          build.whileGo.push(() => {
            build.replayEncoded = fileScreens(ctx, plan, record).then(
              (screens) => encodeReplayDraft({ ...replay, screens }),
              (e: unknown) => {
                log.debug(`no edit screens for the replay record (${(e as Error).message})`);
                return encodeReplayDraft(replay);
              },
            );
          });
        }
        return { go, args, env: goEnv, cwd, log, build };
      } catch (e) {
        await server?.close();
        throw e;
      }
    } catch (e) {
      await disposeBuildContext(ctx);
      throw e;
    }
  } catch (e) {
    log.close();
    throw e;
  }
}

/**
 * After go: the planned build's stale check and the statistics (text on stderr, JSON on stderr
 * or in WEFT_STATS_JSON). Resolves with weft's exit code.
 */
export async function finishGoRun(spec: GoRunSpec, goCode: number, o: { figures: RunFigures; stderr: (text: string) => void }): Promise<number> {
  const b = spec.build;
  if (b === null) return goCode;
  workWhileGoRuns(spec);
  let code = goCode;
  if (b.plan !== null && code === 0) code = await checkPlanHeld(b.ctx, b.plan, spec.env, o.stderr);
  const replayEncoded = b.replayEncoded === null ? null : await b.replayEncoded;
  if (b.replay !== null && replayEncoded !== null && code === 0) {
    try {
      storeReplayRecord(join(weftCacheDir(b.replay.env), 'weave'), replayEncoded);
      b.ctx.log.debug('replay record written: the Go front end may run this build again without Node');
    } catch (e) {
      b.ctx.log.debug(`no replay record (${(e as Error).message})`);
    }
  }
  if (b.stats !== 'off' || b.statsJsonFile !== null) {
    const shimStats = b.statsFile !== null ? readShimStats(b.statsFile) : null;
    const snapshot = { ...b.ctx.stats.snapshot(shimStats), processes: subtractCounts(childCounts(), b.childrenBefore) };
    // Where weft's own memory is at the end: the JS heap of the main thread, what it holds
    // outside it (buffers, WASM memories), and the process's peak (worker threads included).
    const mem = process.memoryUsage();
    const memory = { peakRssKb: process.resourceUsage().maxRSS, rssKb: Math.round(mem.rss / 1024), heapUsedKb: Math.round(mem.heapUsed / 1024), externalKb: Math.round(mem.external / 1024), arrayBuffersKb: Math.round(mem.arrayBuffers / 1024) };
    const f = o.figures;
    const json = JSON.stringify({ ...snapshot, wallMs: f.goWallMs, commandWallMs: f.wallMs, weftCpuMs: f.cpuMs, weftCpuCovers: f.cpuCovers, exitCode: code, daemon: b.daemon, memory }) + '\n';
    if (b.stats === 'text') {
      const daemon = b.daemon !== null ? `weft stats: daemon ${b.daemon.warm ? 'warm' : 'cold'}${b.daemon.planReused !== null ? `, plan ${planReuseText(b.daemon.planReused)}` : ''}\n` : '';
      o.stderr(`${formatStats(snapshot)}\nweft stats: go ran ${f.goWallMs} ms (wall)${f.wallMs !== null ? `; weft ${f.wallMs} ms (wall, since ${f.wallFrom})` : ''}\nweft stats: ${f.cpuWho} cpu ${f.cpuMs} ms (${f.cpuCovers}; go's and the shim's processes not included)\n${daemon}`);
    }
    else if (b.stats === 'json') o.stderr(json);
    if (b.statsJsonFile !== null) writeFileSync(b.statsJsonFile, json);
  }
  return code;
}

/**
 * Does what a prepared build left for the time go runs (keeping the plan, encoding the replay
 * record): called once go has started, and by finishGoRun for whatever is left.
 */
export function workWhileGoRuns(spec: GoRunSpec): void {
  const jobs = spec.build?.whileGo.splice(0) ?? [];
  for (const job of jobs) {
    try {
      job();
    } catch (e) {
      spec.log.debug(`after go started: ${(e as Error).message}`);
    }
  }
}

/** The time and CPU figures of one build, each saying what it covers. */
export interface RunFigures {
  /** go's own run, wall clock. */
  goWallMs: number;
  /** The whole command, wall clock (null when not known: a daemon does not see the front end start). */
  wallMs: number | null;
  wallFrom: string;
  /** The CPU of `cpuWho` (user + system). */
  cpuMs: number;
  cpuWho: string;
  cpuCovers: string;
}

/** Closes the build's job server and context (idempotent; after finishGoRun, or instead of it when go never ran). */
export async function releaseGoRun(spec: GoRunSpec): Promise<void> {
  try {
    if (spec.build !== null) {
      await spec.build.server?.close();
      await disposeBuildContext(spec.build.ctx);
    }
  } finally {
    spec.log.close();
  }
}

function planReuseText(r: PlanReuse): PlanReuseName {
  return r === true ? 'reused' : r === false ? 'made' : r;
}

function subtractCounts(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(now)) if (n - (before[k] ?? 0) > 0) out[k] = n - (before[k] ?? 0);
  return out;
}

/**
 * Plans the build unless told not to. `auto` runs an overlay build when go's -overlay can carry
 * the plan's weaving (src/plan/overlay-mode.ts), else a planned one; a build that cannot be
 * planned (go list fails: go will say why) runs in toolexec mode. Returns the mode and the flags
 * the run adds after the user's (`overlay`: with no -toolexec).
 */
async function chooseMode(
  ctx: BuildContext,
  setting: ModeSetting,
  fromFlag: boolean,
  opts: { go: string; dir: string; env: NodeJS.ProcessEnv; command: GoCommand; listing?: PlanListing },
  plans?: PlanSource,
): Promise<{ plan: BuildPlan | null; mode: BuildMode; flags: string[]; overlay: boolean; reuse: PlanReuse | null; record?: PlanRecord; persist?: () => void }> {
  const source = fromFlag ? '--weft-mode' : 'WEFT_MODE';
  if (setting === 'toolexec') return { plan: null, mode: { name: 'toolexec', reason: `${source}=toolexec` }, flags: [], overlay: false, reuse: null };
  const unmark = opts.env['WEFT_TEST_PLAN_UNMARK'];
  try {
    const planOpts: PlanOptions = {
      ...opts,
      injectable: ctx.injectable?.() ?? null,
      ...(unmark !== undefined && unmark !== '' ? { forceUnmarked: new Set(unmark.split(',')) } : {}),
    };
    const planned: { plan: BuildPlan; reuse: PlanReuse | null; record?: PlanRecord; persist?: () => void } = plans !== undefined ? await plans(ctx, planOpts) : { plan: await planBuild(ctx, planOpts), reuse: null };
    const reuse = planned.reuse;
    let plan = planned.plan;
    ctx.stats.plan = plan.counts;
    ctx.stats.planReuse = planReuseText(reuse ?? false);
    let whyNot = 'auto: the build could be planned';
    if (setting === 'auto' || setting === 'overlay') {
      const v = decideOverlay(plan, { subcommand: opts.command.subcommand, cover: opts.command.cover, modCache: ctx.modCache });
      if (v.ok) {
        const reason = setting === 'overlay' ? `${source}=overlay` : v.woven === 0 ? 'auto: nothing to weave' : 'auto: every woven package can be overlaid';
        // No compile reaches weft: the plan's weaves are the build's.
        for (const d of plan.verdicts.values()) if (d.result !== undefined) ctx.stats.recordWeave(d.result.stats, d.result.aspects, d.result.warnings?.length ?? 0);
        plan = withWovenSnapshot(plan);
        const mode: BuildMode = { name: 'overlay', reason, overlayFiles: v.files.size - v.linkFiles, linkFiles: v.linkFiles };
        return { plan, mode, flags: writeOverlayBuild(ctx, plan, v.files), overlay: true, reuse, ...(planned.record !== undefined ? { record: planned.record } : {}), ...(planned.persist !== undefined ? { persist: planned.persist } : {}) };
      }
      if (setting === 'overlay') {
        throw new WeftError('E_USAGE', `${source}=overlay: this build cannot be carried by an overlay: ${v.reason}`, { hint: 'use --weft-mode=auto (it falls back to a planned build) or --weft-mode=planned' });
      }
      whyNot = `auto: no overlay build, ${v.reason}`;
    }
    ctx.planned = { mark: plan.mark, routed: plan.routed };
    return { plan, mode: { name: 'planned', reason: setting === 'planned' ? `${source}=planned` : whyNot }, flags: plan.flags, overlay: false, reuse, ...(planned.persist !== undefined ? { persist: planned.persist } : {}) };
  } catch (e) {
    if (setting !== 'auto' || !(e instanceof WeftError) || e.code !== 'E_PLAN') throw e;
    return { plan: null, mode: { name: 'toolexec', reason: `auto: ${e.message}` }, flags: [], overlay: false, reuse: null };
  }
}

/**
 * The replay record's draft, or null when the front end could not find it: it looks under the
 * module root it finds from go's directory (the nearest go.mod), from a directory inside it.
 */
function replayDraftOf(o: { input: GoCommandInput; env: NodeJS.ProcessEnv; goEnv: NodeJS.ProcessEnv; go: string; args: string[]; cwd: string; facts: GoFacts; ctx: BuildContext; record: PlanRecord; dir: string }): ReplayDraft | null {
  const root = o.ctx.moduleRoot;
  if (root === '' || findModuleRoot(o.dir) !== root) return null;
  const rel = relative(root, o.cwd);
  if (rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) return null;
  return {
    key: { identity: daemonIdentity(), cwd: rel === '' ? '.' : rel, args: o.input.args, env: o.env, goenv: goenvDigest(o.facts.goenvFile) },
    root,
    cwd: o.cwd,
    go: o.go,
    args: o.args,
    env: o.env,
    goEnv: o.goEnv,
    configFiles: o.ctx.config.files,
    configAbsent: o.ctx.config.absent ?? [],
    goenvFile: o.facts.goenvFile,
    record: o.record,
  };
}

/** After a planned build: a source file that changed while go ran must not leave a package silently unwoven. */
async function checkPlanHeld(ctx: BuildContext, plan: BuildPlan, env: NodeJS.ProcessEnv, stderr: (text: string) => void): Promise<number> {
  const stale = await staleAfterBuild(ctx, plan, env);
  if (stale.length === 0) return 0;
  const err = new WeftError('E_PLAN', `files of ${stale.join(', ')} changed during the build, and the aspects match them now: the build may lack their instrumentation`, {
    hint: 'run the build again (it recompiles those packages with their aspects)',
  });
  stderr(`${formatErrorData(err.toData())}\n`);
  return 1;
}

/**
 * The temporary directories a build makes (owned: src/owned-temp.ts): the overlays, the route
 * file of a planned build, go's work directory, the shared compiles' directory, `weft prepare`'s.
 */
const TEMP_PREFIXES = [OVERLAY_PREFIX, 'weft-route-', 'weft-gotmp-', 'weft-share-', 'weft-prepare-'];

/**
 * Removes what weft processes killed with SIGKILL left: temporary directories and socket
 * directories whose owner is gone. Never throws; resolves with how many were removed.
 */
export async function sweepLeftovers(keep?: string): Promise<number> {
  try {
    // An overlay directory of an older weft names no owner: removed once it is an hour old.
    const temp = sweepDeadOwners(tmpdir(), TEMP_PREFIXES, (name) => name.startsWith(OVERLAY_PREFIX)).length;
    return temp + (await sweepStaleSocketDirs(undefined, keep));
  } catch {
    return 0;
  }
}
