// Answering one package's type questions for the weaver: the check request is built from the
// compile itself (its files, -lang, -importcfg, the target platform, the build tags), the
// interfaces the package does not import get export archives of their own, and the answers come
// back as TypeFacts keyed the way the weaver looks them up, with what the oracle read.
import { basename, dirname } from 'node:path';
import type { LoadedPackage, TypeQuestion } from '../protocol/oracle-messages.js';
import type { ToolRequest } from '../protocol/messages.js';
import type { CompileCommand } from '../toolexec/compile-args.js';
import { readImportcfg } from '../toolexec/importcfg.js';
import type { TypeFacts, WeaveOutcome, WeavePackageInput } from '../weave/index.js';
import { questionKey } from '../weave/type-facts.js';
import type { TypeOracle } from './client.js';

export interface TypeCheckRecord {
  /** TOOLEXEC_IMPORTPATH of the compile (its -p when unset). */
  pkg: string;
  /** Time the oracle spent on the batch (check included when it ran). */
  oracleMicros: number;
  /** Time from sending the batch to having the answers, on the server. */
  roundTripMicros: number;
  /** False when the batch reused the package checked for an earlier batch. */
  checked: boolean;
}

export interface TypeServiceOptions {
  /** Starts the oracle for this compile's toolchain at its first question (the same one afterwards). */
  oracle: (req: ToolRequest) => Promise<TypeOracle>;
  /** Export archives for packages the compile does not import (interfaces asked about). */
  exportArchives?: (req: ToolRequest, cmd: CompileCommand, pkgs: readonly string[]) => Promise<Map<string, string>>;
  /** The build's -tags (GoCommand.tags: sorted, comma-separated; '' for none). */
  tags: string;
  onCheck?: (r: TypeCheckRecord) => void;
  log?: (msg: string) => void;
}

/** Facts for the weaver plus what the oracle read (the weave-cache key of a typed package). */
export interface AnsweredFacts extends TypeFacts {
  loaded: LoadedPackage[];
}

export interface TypeService {
  answer(req: ToolRequest, cmd: CompileCommand, questions: readonly TypeQuestion[], prior: AnsweredFacts | undefined, signal: AbortSignal): Promise<AnsweredFacts>;
}

export function createTypeService(opts: TypeServiceOptions): TypeService {
  const tags = opts.tags.split(',').filter((t) => t !== '');
  return {
    async answer(req, cmd, questions, prior, signal) {
      const facts: AnsweredFacts = { answers: { ...(prior?.answers ?? {}) }, loaded: prior?.loaded ?? [] };
      if (cmd.importcfg === null) return { ...facts, error: `the compile of ${cmd.packagePath} has no -importcfg to read its dependencies' types from` };
      const cfg = readImportcfg(cmd.importcfg);
      const imported = (p: string): boolean => cfg.packageFiles.has(p) || cfg.importMap.has(p);
      const foreign = [...new Set(questions.flatMap((q) => (q.k === 'implements' ? [q.iface.path] : [])))]
        .filter((p) => p !== '' && p !== 'unsafe' && p !== cmd.packagePath && !imported(p))
        .sort();
      const extra: Record<string, string> = {};
      if (foreign.length > 0 && opts.exportArchives !== undefined) {
        try {
          for (const [p, file] of await opts.exportArchives(req, cmd, foreign)) if (foreign.includes(p)) extra[p] = file;
        } catch (e) {
          // The questions about those interfaces come back unanswerable from the oracle.
          opts.log?.(`type oracle: no export data for ${foreign.join(', ')} (asked by ${cmd.packagePath}): ${(e as Error).message}`);
        }
      }
      const [goos, goarch] = targetOf(req);
      const oracle = await opts.oracle(req);
      const t0 = performance.now();
      const reply = await oracle.check({
        pkg: cmd.packagePath,
        files: cmd.goFiles.map((f) => f.path),
        lang: cmd.lang,
        goos,
        goarch,
        tags,
        importcfg: cmd.importcfg,
        extra,
        questions: [...questions],
      }, signal);
      opts.onCheck?.({ pkg: req.pkg !== '' ? req.pkg : cmd.packagePath, oracleMicros: reply.micros, roundTripMicros: Math.round((performance.now() - t0) * 1000), checked: reply.checked });
      facts.loaded = reply.loaded;
      if (!reply.ok) return { ...facts, error: reply.error.message };
      questions.forEach((q, i) => {
        const a = reply.answers[i];
        facts.answers[questionKey(q)] = a ?? { error: 'the type oracle gave no answer' };
      });
      return facts;
    },
  };
}

/** GOOS/GOARCH of the compile: its environment, else the toolchain's own (`pkg/tool/<os>_<arch>/compile`). */
function targetOf(req: ToolRequest): [string, string] {
  const [hostOs = '', ...arch] = basename(dirname(req.path)).split('_');
  return [req.env['GOOS'] || hostOs, req.env['GOARCH'] || arch.join('_')];
}

/** Rounds of questions per package: a second only when a template asked what no match had. */
export const MAX_TYPE_ROUNDS = 3;

/**
 * Two-pass matching around any weaver: weave with an empty TypeFacts, and while the result lists
 * typeQuestions, have them answered (one oracle batch for the package) and weave again. Returns
 * the final outcome and the facts it used (undefined when no question came up).
 */
export async function weaveWithTypes(
  weave: (input: WeavePackageInput) => Promise<WeaveOutcome>,
  base: WeavePackageInput,
  answer: ((questions: readonly TypeQuestion[], prior: AnsweredFacts | undefined) => Promise<AnsweredFacts>) | null,
): Promise<{ outcome: WeaveOutcome; facts: AnsweredFacts | undefined }> {
  if (answer === null) return { outcome: await weave(base), facts: undefined };
  let outcome = await weave({ ...base, types: { answers: {} } });
  let facts: AnsweredFacts | undefined;
  for (let round = 1; outcome.ok && outcome.result.typeQuestions !== undefined; round++) {
    facts = await answer(outcome.result.typeQuestions, facts);
    outcome = await weave({ ...base, types: { answers: facts.answers, ...(facts.error !== undefined ? { error: facts.error } : {}), final: round >= MAX_TYPE_ROUNDS } });
  }
  if (outcome.ok && facts !== undefined) outcome.result.typeInputs = facts.loaded.map((l) => ({ path: l.path, id: l.id }));
  return { outcome, facts };
}
