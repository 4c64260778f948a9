// Pool worker entry: one task weaves one package (read, pre-filter, parse the candidates,
// weave, answer a WeaveOutcome). The resolved config is cached per thread by fingerprint so it
// is cloned into each worker once, not with every package.
import type { ResolvedConfig } from '../config/types.js';
import { toErrorData } from '../errors.js';
import type { WeaveOutcome, WeavePackageInput } from './api.js';
import { weavePackage } from './weave-package.js';

export interface WeaveTask {
  input: WeavePackageInput;
  fingerprint: string;
  /** Sent when the worker said it does not have this fingerprint yet. */
  config?: ResolvedConfig;
}

/** The message a worker answers with when it needs the config sent along. */
export const NEED_CONFIG = 'weft-worker: config not cached';

const configs = new Map<string, ResolvedConfig>();

export default async function weaveTask(task: WeaveTask): Promise<WeaveOutcome> {
  try {
    let config = configs.get(task.fingerprint);
    if (!config) {
      if (!task.config) return { ok: false, error: { code: 'E_WORKER', message: NEED_CONFIG } };
      config = task.config;
      if (configs.size >= 4) configs.clear();
      configs.set(task.fingerprint, config);
    }
    const result = await weavePackage(task.input, config);
    return { ok: true, result };
  } catch (e) {
    return { ok: false, error: toErrorData(e) };
  }
}
