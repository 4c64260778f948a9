// The one entry file every pool thread loads. It runs the default export of the worker file a
// task names (imported once per thread) and adds the time it ran to a counter shared with the
// pool, so stats() can report real busy time at microsecond resolution (Piscina's own timing
// is in whole milliseconds). The handler's result, Piscina.move() wrappers included, and its
// errors pass through untouched.
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workerData } from 'piscina';

export interface RunnerTask {
  /** Absolute path of the worker file whose default export handles `task`. */
  file: string;
  task: unknown;
  /** Only load the file and call its optional `warm()` export (pool start-up). */
  warm?: boolean;
}

type Handler = (task: unknown) => unknown;
const warmed = new Set<string>();

/** [busy µs, tasks run] — see PiscinaPool. */
const counters: BigInt64Array | null = (workerData as { weftCounters?: SharedArrayBuffer } | undefined)?.weftCounters
  ? new BigInt64Array((workerData as { weftCounters: SharedArrayBuffer }).weftCounters)
  : null;
const handlers = new Map<string, Handler>();
/**
 * Fault injection for the e2e tests: WEFT_TEST_WORKER_EXIT=<worker file name> makes a thread die
 * in the middle of such a task, after the work and before the reply, as a native crash or an
 * out-of-memory abort would end it.
 */
const exitDuring = process.env['WEFT_TEST_WORKER_EXIT'] ?? '';

async function handlerFor(file: string): Promise<Handler> {
  const known = handlers.get(file);
  if (known) return known;
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown; warm?: unknown };
  if (typeof mod.warm === 'function' && !warmed.has(file)) {
    warmed.add(file);
    await (mod.warm as () => unknown)();
  }
  if (typeof mod.default !== 'function') {
    throw { code: 'E_WORKER', message: `worker file ${file} has no default export function`, location: { file } };
  }
  handlers.set(file, mod.default as Handler);
  return mod.default as Handler;
}

export default async function runTask(msg: RunnerTask): Promise<unknown> {
  const handler = await handlerFor(msg.file);
  if (msg.warm) return null;
  const t0 = performance.now();
  try {
    const result = await handler(msg.task);
    if (exitDuring !== '' && basename(msg.file, '.js') === exitDuring) process.exit(70);
    return result;
  } finally {
    if (counters) {
      Atomics.add(counters, 0, BigInt(Math.round((performance.now() - t0) * 1000)));
      Atomics.add(counters, 1, 1n);
    }
  }
}
