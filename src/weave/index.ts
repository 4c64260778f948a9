// src/weave: parses Go with tree-sitter, matches orchestrion-schema join points, renders advice
// templates, applies byte-range edits with //line directives and re-parses the result. One
// file per join-point kind (join-points/) and advice kind (advice/), each in one registry.
// Library code: it must not spawn processes, and imports only config types, errors, template,
// wasm and pool (never server, cli, toolexec or resolve).
import type { ResolvedConfig } from '../config/types.js';
import { toErrorData } from '../errors.js';
import type { WorkerPool } from '../pool/index.js';
import type { WeaveOutcome, WeavePackageInput } from './api.js';
import { planAspects } from './weave-file.js';
import { emptyResult, mainModulePath, matchingImportPath } from './weave-package.js';
import { NEED_CONFIG, type WeaveTask } from './worker.js';

export type * from './api.js';
export { weavePackage, matchingImportPath, type WeaveDeps } from './weave-package.js';
export { weaveCommand, type WeaveCommandOptions } from './command.js';
export { indexOfPrefilter, defaultPrefilter, type Prefilter } from './prefilter.js';
export { planAspects };
export { JOIN_POINTS, registry as joinPointRegistry } from './join-points/index.js';
export { ADVICE } from './advice/index.js';
export { allOf, anyOf, needle, evaluateFormula, collectNeedles, formatFormula, type Formula } from './needles.js';
export { parseGo, loadGoParser } from './syntax.js';

/** The worker module the pool runs weave tasks with. */
export const WEAVE_WORKER_URL = new URL('./worker.js', import.meta.url);

export interface WeaverOptions {
  config: ResolvedConfig;
  pool: WorkerPool;
}

/** For the server: weaves each package in the pool; errors come back as data in the outcome. */
export function createWeaver(opts: WeaverOptions): (input: WeavePackageInput) => Promise<WeaveOutcome> {
  const { config, pool } = opts;
  // Package-level join points decide most packages without reading a byte: answer those here,
  // without a round trip to a worker (package-name needs the files, so it always goes to the pool).
  const decidable = !JSON.stringify(config.aspects.map((a) => a.joinPoint)).includes('"package-name"');
  return async (input) => {
    try {
      if (config.aspects.length === 0 || input.files.length === 0) return { ok: true, result: emptyResult() };
      if (decidable) {
        const importPath = matchingImportPath(input);
        const plans = planAspects(config.aspects, { importPath, packageName: '', isTestMain: input.isTestMain, moduleRoot: input.moduleRoot, toolexecImportPath: input.toolexecImportPath, modulePath: await mainModulePath(input.moduleRoot) });
        if (plans.length === 0) return { ok: true, result: emptyResult() };
      }
      const task: WeaveTask = { input, fingerprint: config.fingerprint };
      let outcome = await pool.run<WeaveOutcome>(WEAVE_WORKER_URL, task);
      if (!outcome.ok && outcome.error.message === NEED_CONFIG) {
        outcome = await pool.run<WeaveOutcome>(WEAVE_WORKER_URL, { ...task, config });
      }
      return outcome;
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  };
}
