// One build the daemon runs for a front end, with the same code as an in-process `weft go`
// (src/build/driver.ts: prepareGoRun, finishGoRun), and the background re-planning after a
// watched directory changed.
import { WeftError, describeTopLevelError, formatErrorData } from '../errors.js';
import { envFromList, envToList, type DaemonBuild } from '../protocol/index.js';
import { finishGoRun, prepareGoRun, releaseGoRun } from '../build/driver.js';
import { extractWeftFlags, parseGoInvocation } from '../build/go-args.js';
import { BuildPhase } from '../build/progress.js';
import { findModuleRoot } from '../weaving/module-root.js';
import { runId, type DaemonConnection, type DaemonShared } from './daemon.js';

/**
 * One build for a front end, exactly as `weft go` would run it in-process: prepare, tell the
 * front end to run go, wait for "done", finish (stale check, statistics), answer the exit code.
 */
export async function serveBuild(req: DaemonBuild, conn: DaemonConnection, shared: DaemonShared): Promise<void> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const stderr = (text: string): void => conn.send({ t: 'stderr', text });
  let moduleRoot: string | null;
  try {
    const { goArgs } = extractWeftFlags(req.args);
    moduleRoot = findModuleRoot(parseGoInvocation(goArgs, req.cwd).dir);
  } catch (e) {
    const { text, code } = describeTopLevelError(e);
    stderr(text);
    conn.send({ t: 'exit', code });
    return;
  }
  // A front end that reached the wrong daemon (a -C it read differently, a stale socket name)
  // must not build with another module's kept plans and configuration.
  if (moduleRoot !== shared.moduleRoot) {
    conn.send({ t: 'fallback', reason: `the daemon for ${shared.moduleRoot} got a build of ${moduleRoot ?? 'no module'}`, warn: true });
    return;
  }
  // The front end draws the progress line; what the build is doing is known here.
  const phase = new BuildPhase();
  const streaming = req.progress === true ? streamProgress(phase, conn) : null;
  // No progress frame after the build's last word.
  const c: DaemonConnection = streaming === null ? conn : {
    next: () => conn.next(),
    send: (m) => {
      if (m.t === 'exit' || m.t === 'fallback') streaming.stop();
      conn.send(m);
    },
  };
  try {
    await buildFor(req, c, shared, { t0, cpu0, phase, stderr });
  } finally {
    streaming?.stop();
  }
}

async function buildFor(req: DaemonBuild, conn: DaemonConnection, shared: DaemonShared, o: { t0: number; cpu0: NodeJS.CpuUsage; phase: BuildPhase; stderr: (text: string) => void }): Promise<void> {
  const { t0, cpu0, phase, stderr } = o;
  const env = envFromList(req.env);
  let spec;
  try {
    spec = await prepareGoRun({
      phase,
      args: req.args,
      globals: {},
      env,
      cwd: req.cwd,
      daemon: { warm: shared.warm, plans: (ctx, o) => shared.plans.plan(ctx, o, () => refreshPlan(req, shared)), warmStart: shared.buildsBefore > 0, stderr },
    });
  } catch (e) {
    const { text, code } = describeTopLevelError(e);
    stderr(text);
    conn.send({ t: 'exit', code });
    return;
  }
  // Stopped now (weft daemon stop --now): every compile still to ask the job server fails with
  // the reason, and the front end hears it; go's failure is the build's.
  let stoppedNow = false;
  const onStopNow = (): void => {
    stoppedNow = true;
    const reason = shared.stopNow.reason as WeftError;
    spec.build?.server?.core.refuse(reason);
    stderr(`${formatErrorData(reason.toData())}\n`);
  };
  if (shared.stopNow.aborted) {
    await releaseGoRun(spec);
    stderr(`${formatErrorData((shared.stopNow.reason as WeftError).toData())}\n`);
    conn.send({ t: 'exit', code: 1 });
    return;
  }
  shared.stopNow.addEventListener('abort', onStopNow, { once: true });
  try {
    const id = runId();
    phase.name = 'go';
    conn.send({ t: 'run', id, go: spec.go, args: spec.args, env: envToList(spec.env), dir: spec.cwd });
    const done = await conn.next();
    if (done.t !== 'done' || done.id !== id) throw new WeftError('E_PROTOCOL', `expected "done" for run ${id}, got ${done.t}`);
    const cpu = process.cpuUsage(cpu0);
    const figures = {
      goWallMs: done.wallMs,
      wallMs: Date.now() - t0,
      wallFrom: 'the daemon got the build',
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      cpuWho: 'daemon',
      cpuCovers: 'this build in the daemon: configuration, planning, weaving and serving go; the front end not included',
    };
    const code = await finishGoRun(spec, done.code, { figures, stderr });
    conn.send({ t: 'exit', code: stoppedNow && code === 0 ? 1 : code });
  } finally {
    shared.stopNow.removeEventListener('abort', onStopNow);
    // Stopped now while go may still run: its overlay and work files stay (go reads them); they
    // are this daemon's, so the next weft process removes them once it is gone (src/owned-temp.ts).
    if (stoppedNow) await spec.build?.server?.close();
    else await releaseGoRun(spec);
  }
}

/** Sends the phase's fields whenever they change (and at least every 2 s: also a heartbeat). */
function streamProgress(phase: BuildPhase, conn: DaemonConnection): { stop(): void } {
  let last = '';
  let lastAt = 0;
  const tick = (): void => {
    const fields = phase.fields();
    const key = fields.join('\n');
    if (key === last && Date.now() - lastAt < 2000) return;
    last = key;
    lastAt = Date.now();
    conn.send({ t: 'progress', fields });
  };
  tick();
  const timer = setInterval(tick, 200);
  return { stop: () => clearInterval(timer) };
}

/**
 * After a watched directory changed: prepare this build's plan again, as its next run would, so
 * that the run finds it current. Nothing runs; what it logs goes to the daemon's log.
 */
async function refreshPlan(req: DaemonBuild, shared: DaemonShared): Promise<void> {
  const t0 = Date.now();
  const spec = await prepareGoRun({
    args: req.args,
    globals: {},
    env: envFromList(req.env),
    cwd: req.cwd,
    planOnly: true,
    daemon: { warm: shared.warm, plans: (ctx, o) => shared.plans.plan(ctx, o), warmStart: true, stderr: (text) => shared.log.info(`refresh: ${text.trimEnd()}`) },
  });
  await releaseGoRun(spec);
  shared.log.info(`plan of ${req.args.join(' ')} in ${req.cwd} refreshed after a change (${Date.now() - t0} ms)`);
}
