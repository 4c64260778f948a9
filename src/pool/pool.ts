// One Piscina pool per job server, shared by every kind of CPU work (scanning here, weaving in
// src/weave/worker.ts): callers name their own worker file per task, so the pool needs to know
// nothing about what runs in it.
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WeftError, fromErrorData, toErrorData, type WeftErrorData } from '../errors.js';
import type { RunnerTask } from './task-runner.js';

const TASK_RUNNER = new URL('./task-runner.js', import.meta.url);

export interface PoolOptions {
  /** Worker threads (default: os.availableParallelism()). All start at once so the first compile does not wait. */
  size?: number;
}

export interface PoolStats {
  /** Live worker threads. */
  threads: number;
  /** Tasks finished (successfully or not). */
  tasks: number;
  failed: number;
  /** Tasks submitted and not yet settled (running or queued). */
  pending: number;
  /** Sum over tasks of submit→settle time on the calling thread, in µs (queueing included). */
  taskMicros: number;
  /** Sum over tasks of the time worker threads spent running them, in µs. */
  busyMicros: number;
  /** Piscina's estimate of the share of thread time spent running tasks (0..1). */
  utilization: number;
}

export interface RunOptions {
  /** Abort the task (a running task's thread is terminated and replaced): rejects with E_WORKER. */
  signal?: AbortSignal;
  /** Give up after this many ms (the thread is terminated and replaced): rejects with E_TIMEOUT. */
  timeoutMs?: number;
}

export interface WorkerPool {
  readonly size: number;
  /**
   * Runs `task` through the default export of `workerFile` (an ES module; a URL or a path) in a
   * worker thread. Objects in `transferList` are moved, not copied. A failure in the worker
   * rejects with WeftError E_WORKER; the pool keeps serving.
   */
  run<T>(workerFile: URL | string, task: unknown, transferList?: readonly Transferable[], options?: RunOptions): Promise<T>;
  /**
   * Loads worker files ahead of the first task (their module graph, and their optional `warm()`
   * export, e.g. the scan worker's WASM instance) in every thread, so the first compile request
   * does not pay for it. Best effort: a thread that misses it loads on first use.
   */
  warm(workerFiles: readonly (URL | string)[]): Promise<void>;
  /** Waits for running tasks, then stops every thread. Later run() calls reject with E_CLOSED. */
  close(): Promise<void>;
  stats(): PoolStats;
}

/** Each thread's V8 young generation, MiB. */
const YOUNG_GENERATION_MB = 8;

export function createPool(opts: PoolOptions = {}): WorkerPool {
  return new PiscinaPool(opts.size ?? availableParallelism());
}

class PiscinaPool implements WorkerPool {
  readonly size: number;
  readonly #piscina: Piscina;
  /** [busy µs, tasks run], added to by task-runner.ts in every thread. */
  readonly #counters = new BigInt64Array(new SharedArrayBuffer(16));
  #closed: Promise<void> | null = null;
  #tasks = 0;
  #failed = 0;
  #pending = 0;
  #taskMicros = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new WeftError('E_WORKER', `pool size must be a positive integer, got ${size}`);
    }
    this.size = size;
    this.#piscina = new Piscina({
      filename: fileURLToPath(TASK_RUNNER), minThreads: size, maxThreads: size, idleTimeout: Infinity,
      // A weave allocates a syntax tree that lives until the package is done, so V8's default
      // young generation (tens of MiB a thread, grown by exactly this kind of work) only adds
      // resident memory: with 8 MiB, the dd-trace-go fixture's cold build peaked at 232 MiB
      // instead of 272 (two threads), in the same CPU time.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      workerData: { weftCounters: this.#counters.buffer },
    });
  }

  async run<T>(workerFile: URL | string, task: unknown, transferList?: readonly Transferable[], options: RunOptions = {}): Promise<T> {
    if (this.#closed) throw new WeftError('E_CLOSED', 'the worker pool is closed');
    const filename = toFilename(workerFile);
    const t0 = performance.now();
    this.#pending++;
    try {
      const msg: RunnerTask = { file: filename, task };
      const signals: AbortSignal[] = [];
      if (options.signal) signals.push(options.signal);
      if (options.timeoutMs !== undefined) signals.push(AbortSignal.timeout(options.timeoutMs));
      const runOptions: { transferList?: never; signal?: AbortSignal } = {};
      if (transferList) runOptions.transferList = [...transferList] as never;
      if (signals.length > 0) runOptions.signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
      return (await this.#piscina.run(msg, runOptions)) as T;
    } catch (e) {
      this.#failed++;
      if (options.timeoutMs !== undefined && e instanceof Error && e.name === 'AbortError' && !options.signal?.aborted) {
        throw new WeftError('E_TIMEOUT', `worker ${basename(filename)} did not finish within ${options.timeoutMs} ms`,
          { hint: 'the task was stopped and its thread replaced', cause: e });
      }
      throw workerFailure(filename, e);
    } finally {
      this.#pending--;
      this.#tasks++;
      this.#taskMicros += Math.round((performance.now() - t0) * 1000);
    }
  }

  async warm(workerFiles: readonly (URL | string)[]): Promise<void> {
    if (this.#closed) throw new WeftError('E_CLOSED', 'the worker pool is closed');
    const jobs: Promise<unknown>[] = [];
    for (const f of workerFiles) {
      const file = toFilename(f);
      // One job per thread: idle threads each take one, as all start idle.
      for (let t = 0; t < this.size; t++) {
        const msg: RunnerTask = { file, task: null, warm: true };
        jobs.push(this.#piscina.run(msg).catch((e: unknown) => { throw workerFailure(file, e); }));
      }
    }
    await Promise.all(jobs);
  }

  close(): Promise<void> {
    this.#closed ??= this.#piscina.close();
    return this.#closed;
  }

  stats(): PoolStats {
    return {
      threads: this.#piscina.threads.length,
      tasks: this.#tasks,
      failed: this.#failed,
      pending: this.#pending,
      taskMicros: this.#taskMicros,
      busyMicros: Number(Atomics.load(this.#counters, 0)),
      utilization: this.#piscina.utilization,
    };
  }
}

function toFilename(workerFile: URL | string): string {
  return typeof workerFile === 'string' && !workerFile.startsWith('file:') ? resolve(workerFile) : fileURLToPath(workerFile);
}

/**
 * What a worker threw, as the caller's WeftError. Worker files should throw WeftErrorData
 * (toErrorData) rather than an Error: structured clone keeps only an Error's message and stack.
 */
function workerFailure(filename: string, thrown: unknown): WeftError {
  // Piscina rejects the task of a thread that ended (a crash, an abort) with this message.
  if (thrown instanceof Error && /^worker exited/i.test(thrown.message)) {
    return new WeftError('E_WORKER', `a worker thread died while running ${basename(filename)} (${thrown.message}); the pool replaced it`, {
      hint: 'run the build again; if it happens again, run it with WEFT_LOG=debug and report the log',
      cause: thrown,
    });
  }
  const data: WeftErrorData = toErrorData(thrown);
  const inner = fromErrorData(data);
  const details = [...inner.details];
  if (data.code !== 'E_INTERNAL' && data.code !== 'E_WORKER') details.unshift(`worker error code: ${data.code}`);
  const extra: ConstructorParameters<typeof WeftError>[2] = { details, cause: thrown };
  if (inner.location) extra.location = inner.location;
  if (inner.aspect !== undefined) extra.aspect = inner.aspect;
  if (inner.hint !== undefined) extra.hint = inner.hint;
  // E_INTERNAL data carries the stack as its message: keep only its first line in the message.
  const message = data.code === 'E_INTERNAL' ? (data.message.split('\n')[0] ?? data.message) : data.message;
  return new WeftError('E_WORKER', `worker ${basename(filename)} failed: ${message}`, extra);
}
