// Worker entry for the per-package scan task (see scan-task.ts). Loaded once per worker
// thread: the WASM scanner is instantiated on first use and prepared needle sets are cached by
// id, so a task costs only reading and scanning its files.
import { move } from 'piscina';
import { WeftError, toErrorData } from '../errors.js';
import { getThreadScanner, type NeedleSet, type Scanner } from '../wasm/scanner.js';
import { allocPacked, PACKED_FILE_HEADER, PACKED_HEADER, unpackNeedles, type ScanTask } from './scan-task.js';

const sets = new Map<string, NeedleSet>();
/** Sets kept per worker; a build uses one, tests a few. */
const MAX_SETS = 16;

function needleSetFor(task: ScanTask, s: Scanner): NeedleSet {
  const cached = sets.get(task.needleSetId);
  if (cached) return cached;
  const needles = task.needles ?? (task.packed ? unpackNeedles(task.packed) : null);
  if (!needles) {
    throw new WeftError('E_WORKER', `needle set ${task.needleSetId} is not cached in this worker and the task did not send its needles`,
      { hint: 'send the needles with every task (scanPackage does)' });
  }
  const set = s.prepareNeedles(needles);
  if (sets.size >= MAX_SETS) sets.delete(sets.keys().next().value as string);
  sets.set(task.needleSetId, set);
  return set;
}

/** Pool start-up: instantiate the WASM module before the first package arrives. */
export function warm(): void {
  getThreadScanner();
}

export default function scanPackageTask(task: ScanTask): unknown {
  const t0 = performance.now();
  let current: string | undefined;
  try {
    const scanner = getThreadScanner();
    const set = needleSetFor(task, scanner);
    const packed = allocPacked(task.files.length, set.count);
    const stride = PACKED_FILE_HEADER + set.words;
    const withHash = task.hash !== false;
    for (let i = 0; i < task.files.length; i++) {
      current = task.files[i]!;
      const at = PACKED_HEADER + i * stride;
      const r = scanner.scanFileInto(current, set, packed, at + PACKED_FILE_HEADER, { hash: withHash });
      packed[at] = r.size >>> 0;
      packed[at + 1] = Math.floor(r.size / 2 ** 32);
      packed[at + 2] = Number(r.hash & 0xffffffffn);
      packed[at + 3] = Number(r.hash >> 32n);
    }
    packed[3] = Math.min(0xffffffff, Math.round((performance.now() - t0) * 1000));
    packed[4] = scanner.variant === 'simd' ? 1 : 0;
    return move(packed);
  } catch (e) {
    // Plain data survives the thread boundary; an Error would lose its code and location.
    const data = toErrorData(e);
    if (current !== undefined && data.location === undefined) {
      data.location = { file: current };
      if (data.code === 'E_INTERNAL') data.message = `cannot scan ${current}: ${(e as Error).message ?? String(e)}`;
    }
    throw data;
  }
}
