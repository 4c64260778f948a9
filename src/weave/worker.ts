// Pool worker entry: one task weaves one package (read, pre-filter, parse the candidates,
// weave, answer a WeaveOutcome). createWeaver also calls it on its own thread for a package it
// is told to weave there (WeaveCallOptions.onThisThread). The resolved config is cached per thread by fingerprint so it
// is cloned into each worker once, not with every package.
import type { ResolvedConfig } from '../config/types.js';
import { toErrorData } from '../errors.js';
import type { WeaveOutcome, WeavePackageInput } from './api.js';
import { loadGoParser, parseGoSync } from './syntax.js';
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

/**
 * Pool start-up (WorkerPool.warm): loads the Go grammar and parses a small file once, so the
 * first package woven in this thread does not also pay for the grammar and cold parsing code.
 */
export async function warm(): Promise<void> {
  parseGoSync(await loadGoParser(), WARM_SOURCE);
}

const WARM_SOURCE = 'package warm\n\nimport "fmt"\n\ntype T struct{ n int }\n\nfunc (t *T) Get() int { return t.n }\n\nfunc main() {\n\tx := &T{n: 1}\n\tfmt.Println(x.Get())\n}\n';

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
