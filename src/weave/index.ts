// src/weave: parses Go with tree-sitter, matches orchestrion-schema join points, renders advice
// templates, applies byte-range edits with //line directives and re-parses the result. One
// file per join-point kind (join-points/) and advice kind (advice/), each in one registry.
// Library code: it must not spawn processes, and imports only config types, errors, template,
// wasm, pool and the type oracle's message types (never toolexec, resolve or the build above).
// rooms: config errors line-diff pool protocol template wasm
import { readFileSync, statSync } from 'node:fs';
import type { ResolvedConfig } from '../config/types.js';
import { toErrorData } from '../errors.js';
import type { WorkerPool } from '../pool/index.js';
import type { WeaveOutcome, WeavePackageInput } from './api.js';
import { defaultPrefilter } from './prefilter.js';
import { planAspects } from './weave-file.js';
import { mainModulePath, screenPackage, type Screening } from './weave-package.js';
import { NEED_CONFIG, type WeaveTask } from './worker.js';

export type * from './api.js';
export { questionKey, type TypeFacts, type TypeQuestion, type TypeAnswer } from './type-facts.js';
export { weavePackage, screenPackage, editScreen, prepareScreening, decideScreening, applicableAspects, usesPackageName, mainModulePath, matchingImportPath, type WeaveDeps, type Screening, type ScreenOptions, type ScanNeeded, type FileAnswer } from './weave-package.js';
export { screenPackages, POOL_MIN_FILES, TASK_FILES, type ScreenAllOptions, type ScreenedAll } from './screen-pool.js';
export { weaveCommand, type WeaveCommandOptions } from './command.js';
export { indexOfPrefilter, defaultPrefilter, type Prefilter } from './prefilter.js';
export { planAspects };
export { JOIN_POINTS, registry as joinPointRegistry } from './join-points/index.js';
export { ADVICE } from './advice/index.js';
export { allOf, anyOf, needle, evaluateFormula, collectNeedles, necessaryNeedles, formatFormula, type Formula } from './needles.js';
export { parseGo, loadGoParser } from './syntax.js';
export { checkTemplateSpec } from './templates.js';
export { formatWarning, undecidableError, undecided, isUndecided, type Match, type Undecided } from './undecided.js';
export { stripLineDirectives, unifiedDiff, type FileDiff } from './unified-diff.js';
export { commandInput } from './command.js';

/** The worker module the pool runs weave tasks with. */
export const WEAVE_WORKER_URL = new URL('./worker.js', import.meta.url);

export interface WeaverOptions {
  config: ResolvedConfig;
  pool: WorkerPool;
}

export interface WeaveCallOptions {
  /**
   * Fills in `input.importcfgPackages` just before the package goes to a worker: the screening
   * never needs it, so the server only reads the importcfg of packages that may be woven.
   */
  importcfgPackages?: () => string[] | Promise<string[]>;
  /** The compile request's: when it is abandoned (timeout, shim gone, shutdown), the pool task is stopped too. */
  signal?: AbortSignal;
  /**
   * Wraps the weaving of a package that passed the screening (a cache): called with the
   * complete input and the function that weaves it (given an input, that one: the cache hands
   * over the bytes it hashed); may answer without calling it.
   */
  around?: (input: WeavePackageInput, weave: (input?: WeavePackageInput) => Promise<WeaveOutcome>) => Promise<WeaveOutcome>;
  /** The package's screening, already made (a plan screens all its packages at once, see screenPackages). */
  screened?: Screening;
  /**
   * Asked with the package's size in bytes when it is to be woven (past the screening and the
   * cache): true weaves it on the calling thread instead of in the pool. Starting the pool's
   * threads (each loads Node's own modules, the weaver and the grammar) costs far more than
   * weaving one small package here.
   */
  onThisThread?: (bytes: number) => boolean;
}

/** The bytes a package's weave reads: its sources as read for the screening, else the files' sizes. */
function sizeOf(input: WeavePackageInput): number {
  let bytes = 0;
  for (let i = 0; i < input.files.length; i++) {
    const read = input.sources?.[i];
    if (read !== undefined) bytes += read.byteLength;
    else {
      try {
        bytes += statSync(input.files[i]!).size;
      } catch {
        // The worker reports an unreadable file.
      }
    }
  }
  return bytes;
}

/**
 * For the server: screens each package on the calling thread (package-level plan and byte
 * pre-filter, see screenPackage) and weaves only the candidates, in the pool (or here, when the
 * call says so); errors come back as data in the outcome.
 */
export function createWeaver(opts: WeaverOptions): (input: WeavePackageInput, call?: WeaveCallOptions) => Promise<WeaveOutcome> {
  const { config, pool } = opts;
  // Loaded now (a few KB, synchronous) rather than by the first compile.
  const prefilter = config.aspects.length > 0 ? defaultPrefilter() : undefined;
  return async (input, call = {}) => {
    try {
      let screened = call.screened;
      if (screened === undefined) {
        // Each file is read once: the bytes screened are the bytes the cache keys and the worker
        // weaves, so an edit during the compile cannot pass one content and weave another.
        const sources: Uint8Array[] = input.sources !== undefined ? [...input.sources] : [];
        screened = screenPackage(input, config, await mainModulePath(input.moduleRoot), { sources, ...(prefilter !== undefined ? { prefilter } : {}) });
        if (screened.verdict === 'none') return { ok: true, result: screened.result };
        try {
          for (let i = 0; i < input.files.length; i++) sources[i] ??= readFileSync(input.files[i]!);
          input = { ...input, sources };
        } catch {
          // An unreadable file: the worker reads the files and reports it with its usual error.
        }
      }
      if (screened.verdict === 'none') return { ok: true, result: screened.result };
      if (call.importcfgPackages !== undefined) input = { ...input, importcfgPackages: await call.importcfgPackages() };
      const runOptions = call.signal !== undefined ? { signal: call.signal } : {};
      const weave = async (given: WeavePackageInput = input): Promise<WeaveOutcome> => {
        if (call.onThisThread?.(sizeOf(given)) === true) return (await import('./worker.js')).default({ input: given, fingerprint: config.fingerprint, config });
        const task: WeaveTask = { input: given, fingerprint: config.fingerprint };
        const outcome = await pool.run<WeaveOutcome>(WEAVE_WORKER_URL, task, undefined, runOptions);
        return !outcome.ok && outcome.error.message === NEED_CONFIG ? pool.run<WeaveOutcome>(WEAVE_WORKER_URL, { ...task, config }, undefined, runOptions) : outcome;
      };
      return call.around !== undefined ? await call.around(input, weave) : await weave();
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  };
}
