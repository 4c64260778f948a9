// Screening a whole build's packages at once, for planning: it runs before go starts, while the
// cores are idle, and may scan thousands of files. The package-level half (planAspects, the
// needles) stays on this thread, which holds the configuration; pool threads read and scan the
// files; decideScreening turns their answers into the verdicts screenPackage would give.
import type { ResolvedConfig } from '../config/types.js';
import { createScanNeedles, scanPackage, type FileScan, type WorkerPool } from '../pool/index.js';
import { hasNeedle } from '../wasm/index.js';
import type { WeavePackageInput } from './api.js';
import { defaultPrefilter } from './prefilter.js';
import { decideScreening, mainModulePath, prepareScreening, scanHere, type ScanNeeded, type ScreenOptions, type Screening } from './weave-package.js';

/**
 * Below this many files to scan, all are scanned on this thread. Measured on 2 cores with the
 * files in the page cache (docs/performance.md), this thread scans a file in 10-20 µs and the
 * pool never won up to 2600 files: a warm pool at best tied, a cold one lost 100-150 ms to
 * thread start, and workers scan every file where this thread stops at a package's deciding
 * one. The threshold leaves the pool to plans an order of magnitude larger than any measured.
 */
export const POOL_MIN_FILES = 10_000;
/** Files per pool task: several small packages share a task, so its hand-off cost is spread (256 measured best of 8-256). */
export const TASK_FILES = 256;

export interface ScreenAllOptions extends ScreenOptions {
  /** Where the scans go when there are enough of them; null: always on this thread. */
  pool: WorkerPool | null;
  /** Overrides POOL_MIN_FILES (tests, benchmarks). */
  poolMinFiles?: number;
  /** Overrides TASK_FILES. */
  taskFiles?: number;
}

export interface ScreenedAll {
  /** One per input, in order: what screenPackage would have answered. */
  screenings: Screening[];
  /** Packages decided from scans made in the pool. */
  inPool: number;
}

export async function screenPackages(inputs: readonly WeavePackageInput[], config: ResolvedConfig, opts: ScreenAllOptions): Promise<ScreenedAll> {
  const screenings: Screening[] = new Array<Screening>(inputs.length);
  const toScan: { at: number; step: ScanNeeded }[] = [];
  let files = 0;
  // A build has one or a few module roots: ask once for each, not once per package.
  const modulePaths = new Map<string, Promise<string>>();
  for (const [at, input] of inputs.entries()) {
    let modulePath = modulePaths.get(input.moduleRoot);
    if (modulePath === undefined) modulePaths.set(input.moduleRoot, (modulePath = mainModulePath(input.moduleRoot)));
    const step = prepareScreening(input, config, await modulePath);
    if (step.verdict !== 'scan') screenings[at] = step;
    else {
      toScan.push({ at, step });
      files += input.files.length;
    }
  }
  const prefilter = opts.prefilter ?? defaultPrefilter();
  const here = (at: number, step: ScanNeeded): void => {
    screenings[at] = decideScreening(inputs[at]!, step, scanHere(prefilter, step.needles), opts.byteBudget);
  };
  if (opts.pool === null || files < (opts.poolMinFiles ?? POOL_MIN_FILES)) {
    for (const { at, step } of toScan) here(at, step);
    return { screenings, inPool: 0 };
  }
  const pool = opts.pool;
  let inPool = 0;
  const tasks: Promise<void>[] = [];
  // A task scans for one needle list: packages with the same plans (most of a build) share it.
  for (const group of groupBy(toScan, (s) => s.step.needles.join('\u0000')).values()) {
    const needles = createScanNeedles(group[0]!.step.needles);
    for (const batch of batches(group, (s) => inputs[s.at]!.files.length, opts.taskFiles ?? TASK_FILES)) {
      const paths = batch.flatMap((s) => inputs[s.at]!.files);
      tasks.push(scanPackage(pool, paths, needles, { hash: false }).then((scan) => {
        let offset = 0;
        for (const { at, step } of batch) {
          const first = offset;
          screenings[at] = decideScreening(inputs[at]!, step, (_path, i) => answerOf(scan.files[first + i]!), opts.byteBudget);
          offset += inputs[at]!.files.length;
          inPool++;
        }
      }, () => {
        // The worker stops at a file it cannot read (or the pool is gone): this thread scans
        // the batch again and decides as screenPackage does (undecided from that file on).
        for (const { at, step } of batch) here(at, step);
      }));
    }
  }
  await Promise.all(tasks);
  return { screenings, inPool };
}

function answerOf(file: FileScan): { size: number; has: (i: number) => boolean } {
  return { size: file.size, has: (i) => hasNeedle(file, i) };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

/** Consecutive runs of items holding at least `size` files each (the last may hold fewer). */
function batches<T>(items: readonly T[], filesOf: (item: T) => number, size: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let n = 0;
  for (const item of items) {
    current.push(item);
    n += filesOf(item);
    if (n >= size) {
      out.push(current);
      current = [];
      n = 0;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}
