// Plugging the weaver into a build. Only a configuration with aspects loads the weaver, and only
// a build in which some package passes the pre-filter pays for the worker pool: packages are
// screened on this thread (see createWeaver), so a build whose packages hold no needle (or a
// fully cached one) never starts a thread. Planning, which screens a whole build before go
// starts, sends the scans to the pool when there are enough of them (screenPackages), and weaves
// small packages itself while the pool has no threads (weaveHereWhileIdle). With no
// aspects, the default hook answers every compile "unchanged" at once.
import type { Transferable } from 'node:worker_threads';
import { fromErrorData, WeftError } from '../errors.js';
import { collectGarbage } from '../heap.js';
import type { RunOptions, WorkerPool } from '../pool/index.js';
import { weaveWithTypes } from '../oracle/index.js';
import { undecidableError } from '../weave/undecided.js';
import type { BuildContext } from './build-context.js';
import { installTypeService } from './type-oracle.js';
import { cachedWeave, openWeaveCache } from './weave-cache.js';
import { readImportcfgPackages, weaveInputOf } from './weave-input.js';

/** `env` decides the weave cache (WEFT_WEAVE_CACHE, WEFT_CACHE…); without one (tests) there is none. */
/**
 * `shared`: a pool that outlives the build (a daemon's, see createWeavePool), left open at the
 * end; without it the build makes its own and closes it.
 */
export async function installWeaver(ctx: BuildContext, env: NodeJS.ProcessEnv = { WEFT_WEAVE_CACHE: 'off' }, shared?: WorkerPool): Promise<void> {
  if (ctx.config.aspects.length === 0) return;
  const { createWeaver, screenPackages } = await import('../weave/index.js');
  const own = shared === undefined ? await createWeavePool(ctx.log) : null;
  const pool = shared ?? own!;
  if (own !== null) ctx.disposers.push(() => own.close());
  const weave = createWeaver({ config: ctx.config, pool });
  // Planning screens before go starts, while the cores are idle: there the scans may go to the pool.
  // WEFT_TEST_PLAN_POOL_FILES: the tests' way to run either path whatever the fixture's size.
  const poolMinFiles = Number(env['WEFT_TEST_PLAN_POOL_FILES'] || NaN);
  ctx.planScreen = (inputs) => screenPackages(inputs, ctx.config, { pool, ...(Number.isFinite(poolMinFiles) ? { poolMinFiles } : {}) });
  const cache = await openWeaveCache(ctx, env);
  const weaveModule = cache !== null ? await import('../weave/index.js') : null;
  const types = installTypeService(ctx);
  // A planned build weaves what it can before go starts: the compile's first pass (syntactic;
  // type questions come back unanswered), through the same cache the compile will ask.
  // Before go starts nothing else needs this thread: while the build's own pool has no threads,
  // small packages are woven here (a kept plan re-screening one edited package starts none).
  // A daemon's shared pool is warm: it weaves there.
  const onThisThread = own !== null ? weaveHereWhileIdle(own, PLAN_HERE_BYTES) : (): boolean => false;
  ctx.planWeaver = (input, env, signal, screened) =>
    weave(types === null ? input : { ...input, types: { answers: {} } }, {
      ...(signal !== undefined ? { signal } : {}),
      ...(screened !== undefined ? { screened } : {}),
      ...(cache !== null ? { around: cachedWeave(ctx, cache, weaveModule!, env) } : {}),
      onThisThread,
    });
  ctx.weaver = async (req, cmd, signal) => {
    const base = weaveInputOf(ctx, req, cmd);
    const call = {
      importcfgPackages: () => {
        signal.throwIfAborted();
        return readImportcfgPackages(cmd.importcfg);
      },
      signal,
      // The cache wraps each pass of the two below; a pass's type answers are part of its key.
      ...(cache !== null ? { around: cachedWeave(ctx, cache, weaveModule!, req.env) } : {}),
    };
    // Two-pass matching: the oracle is asked only about what the syntactic pass could not decide.
    const { outcome } = await weaveWithTypes((input) => weave(input, call), base, types === null ? null : (questions, prior) => {
      signal.throwIfAborted();
      return types.answer(req, cmd, questions, prior, signal);
    });
    if (!outcome.ok) throw fromErrorData(outcome.error);
    const warnings = outcome.result.warnings ?? [];
    ctx.stats.recordWeave(outcome.result.stats, outcome.result.aspects, warnings.length);
    if (warnings.length > 0 && ctx.strict) throw undecidableError(req.pkg !== '' ? req.pkg : cmd.packagePath, warnings);
    return outcome.result;
  };
}

/**
 * What a plan weaves on the main thread, at most, before its pool has started (bytes of source,
 * in all): parsing runs at ~3.5 MB/s, so a few tens of ms, against ~250 ms of CPU per thread to
 * start a pool.
 */
const PLAN_HERE_BYTES = 64 * 1024;

/**
 * Whether a package of `bytes` is woven on this thread (WeaveCallOptions.onThisThread): yes while
 * `pool` has not started its threads and the packages woven here total at most `budget` bytes.
 */
export function weaveHereWhileIdle(pool: LazyPool, budget: number): (bytes: number) => boolean {
  let left = budget;
  return (bytes) => {
    if (pool.started || bytes > left) return false;
    left -= bytes;
    return true;
  };
}

/** The weave and scan workers' pool; its threads start with the first task that needs them. */
export async function createWeavePool(log: Pick<BuildContext['log'], 'debug'>): Promise<LazyPool> {
  const poolModule = await import('../pool/index.js');
  return lazyPool(() => {
    // The planning's garbage goes before the threads' memory comes (src/heap.ts).
    collectGarbage();
    return poolModule.createPool();
  }, (pool, file) => {
    // Every thread loads a worker file (the weave worker's grammar, the scanner's WASM) in
    // parallel with the first task that needs it, rather than each with its own first task.
    // Only files in use: a plan that only scans never loads the grammar.
    pool.warm([file]).catch((e: unknown) => log.debug(`warming the ${String(file)} workers: ${(e as Error).message}`));
  });
}

/** A WorkerPool whose threads start with the first task (or warm-up); `started` says whether they have. */
export type LazyPool = WorkerPool & { readonly started: boolean };

/**
 * A WorkerPool whose threads start with the first task (or warm-up), not before. `firstUse` is
 * called once per worker file, just before the first task that names it.
 */
export function lazyPool(create: () => WorkerPool, firstUse?: (pool: WorkerPool, workerFile: URL | string) => void): LazyPool {
  let pool: WorkerPool | null = null;
  let closed = false;
  const used = new Set<string>();
  const get = (): WorkerPool => (pool ??= create());
  return {
    get size() {
      return get().size;
    },
    get started() {
      return pool !== null;
    },
    run<T>(workerFile: URL | string, task: unknown, transferList?: readonly Transferable[], options?: RunOptions): Promise<T> {
      if (closed && pool === null) return Promise.reject(new WeftError('E_CLOSED', 'the worker pool is closed'));
      const p = get();
      if (firstUse !== undefined && !closed && !used.has(String(workerFile))) {
        used.add(String(workerFile));
        firstUse(p, workerFile);
      }
      return p.run<T>(workerFile, task, transferList, options);
    },
    warm: (files) => get().warm(files),
    close: () => {
      closed = true;
      return pool !== null ? pool.close() : Promise.resolve();
    },
    stats: () => get().stats(),
  };
}
