// What the server does with one compile or link request. The compile path is the hot path of
// every build: for a package no aspect touches it must cost a parse of the argument list and
// nothing else, so anything expensive lives behind the weaver hook.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import type { ToolReply, ToolRequest } from '../protocol/messages.js';
import { expandResponseFiles, parseCompileArgs, type CompileCommand } from '../toolexec/compile-args.js';
import type { WeavePackageResult } from '../weave/api.js';
import { formatWarning } from '../weave/undecided.js';
import { MARK_FILE, MARK_FLAG, type BuildContext, type ToolPlan } from '../weaving/build-context.js';
import type { RequestOutcome } from '../weaving/stats.js';

export interface HandledRequest {
  plan: ToolPlan;
  outcome: RequestOutcome;
}

/** The reply that tells the shim to run the tool as planned. */
export function replyOf(req: ToolRequest, plan: ToolPlan): ToolReply {
  const reply: ToolReply = { t: 'reply', id: req.id, ok: true, args: plan.args };
  if (plan.append !== undefined && plan.append.length > 0) reply.append = plan.append;
  if (plan.warnings !== undefined && plan.warnings.length > 0) reply.warnings = plan.warnings;
  return reply;
}

export async function handleToolRequest(ctx: BuildContext, req: ToolRequest, signal: AbortSignal): Promise<HandledRequest> {
  if (req.tool !== 'compile' && req.tool !== 'link') throw new WeftError('E_PROTOCOL', `the server handles compile and link requests, not ${JSON.stringify(req.tool)}`);
  const { args, mark } = takeMark(req.args);
  const unmarked = args === req.args ? req : { ...req, args };
  if (ctx.planned !== null) {
    if (mark !== null && mark !== ctx.planned.mark) {
      throw new WeftError('E_PLAN', `${req.pkg || req.tool} carries the weft mark ${mark}, but this build planned ${ctx.planned.mark}`, {
        hint: 'a -gcflags/-ldflags value with -weftmark= came from another weft build (GOFLAGS?); remove it and build again',
      });
    }
    // Unmarked packages keep plain go's cache keys: nothing may be woven into them. A link is
    // patched only with the link deps its archives carry, which only marked packages have.
    if (mark === null && req.tool === 'compile') return refuseUnplanned(ctx, unmarked, signal);
  }
  return req.tool === 'compile' ? handleCompile(ctx, unmarked, signal) : handleLink(ctx, unmarked, signal);
}

/**
 * Removes the plan's mark — the -gcflags flag or the overlay file — from a tool's arguments
 * (also from a response file, which go uses for long command lines): the tools must not see
 * the flag, and the file holds nothing but a package clause.
 */
export function takeMark(args: string[]): { args: string[]; mark: string | null } {
  const expanded = args.some((a) => a.startsWith('@') && a.length > 1) ? expandResponseFiles(args) : args;
  let mark: string | null = null;
  const out: string[] = [];
  for (const a of expanded) {
    // Not the -trimpath value, which maps the overlaid file back to where go thinks it is.
    const file = a.includes('=>') ? null : MARK_FILE.exec(a);
    if (a.startsWith(MARK_FLAG)) mark = a.slice(MARK_FLAG.length);
    else if (file !== null) mark = file[1]!;
    else out.push(a);
  }
  // Unmarked: the very same array, so an unchanged request is answered byte for byte.
  if (mark === null) return { args, mark };
  // Still a response file, or a long command line would fail with E2BIG.
  const rsp = args.find((a) => a.startsWith('@') && a.length > 1);
  return { args: rsp !== undefined ? writeResponseFileSync(out, dirname(rsp.slice(1)), 'weft-unmarked.rsp') : out, mark };
}

/**
 * A compile the plan left unmarked reached the server (a response file, or a shim told to ask
 * about everything): it runs unchanged, unless the aspects would weave it now — then the plan
 * was stale, and the build fails rather than store a woven object under plain go's key.
 */
async function refuseUnplanned(ctx: BuildContext, req: ToolRequest, signal: AbortSignal): Promise<HandledRequest> {
  if (req.args.some((a) => a.endsWith('.go') || (a.startsWith('@') && a.length > 1))) {
    const result = await ctx.weaver(req, parseCompileArgs(req.args), signal);
    if (result !== null && (result.files.length > 0 || result.extraFiles.length > 0 || (result.warnings?.length ?? 0) > 0)) {
      throw new WeftError('E_PLAN', `${req.pkg || 'this package'} was planned as untouched, but aspects ${result.aspects.join(', ') || '(undecided)'} match it now`, {
        hint: 'a source file changed after weft planned the build; run the build again',
      });
    }
  }
  return { plan: { args: req.args }, outcome: 'unchanged' };
}

export async function handleLink(ctx: BuildContext, req: ToolRequest, signal: AbortSignal): Promise<HandledRequest> {
  if (ctx.linker === null) return { plan: { args: req.args }, outcome: 'unchanged' };
  const plan = await ctx.linker(req, signal);
  return plan === null ? { plan: { args: req.args }, outcome: 'unchanged' } : { plan, outcome: 'woven' };
}

export async function handleCompile(ctx: BuildContext, req: ToolRequest, signal: AbortSignal): Promise<HandledRequest> {
  // A compile without source files (a version or flag query) has nothing to weave.
  if (!req.args.some((a) => a.endsWith('.go') || (a.startsWith('@') && a.length > 1))) return { plan: { args: req.args }, outcome: 'unchanged' };
  const cmd = parseCompileArgs(req.args);
  const result = await ctx.weaver(req, cmd, signal);
  signal.throwIfAborted();
  const changed = result !== null && (result.files.length > 0 || result.extraFiles.length > 0);
  const workDir = dirname(cmd.output);
  // Replying with the request's own arguments (not the response-file expansion) keeps an
  // unchanged compile byte-for-byte what the go command asked for.
  let plan: ToolPlan = { args: changed ? await writeWovenFiles(cmd, result, workDir) : req.args };
  if (ctx.importcfg !== null) {
    plan = await ctx.importcfg({ req, cmd, result, workDir, plan, signal });
    signal.throwIfAborted();
  }
  if (plan.args !== req.args && usesResponseFile(req.args)) plan = { ...plan, args: await writeResponseFile(plan.args, workDir) };
  // Strict mode has failed the compile in the weaver hook already; here they are warnings.
  if (result?.warnings !== undefined && result.warnings.length > 0) plan = { ...plan, warnings: result.warnings.map(formatWarning) };
  return { plan, outcome: changed || plan.args !== req.args || (plan.append?.length ?? 0) > 0 ? 'woven' : 'unchanged' };
}

/**
 * Writes the woven files into the compile's own $WORK/bNNN directory (go deletes it after the
 * build, and it is private to this compile) and returns the argument list pointing at them.
 * Synchronously: a file of source text lands in the page cache in microseconds, where each
 * async write costs three trips through libuv's thread pool (open, write, close), queued
 * behind every other request's file work.
 */
export async function writeWovenFiles(cmd: CompileCommand, result: WeavePackageResult, workDir: string): Promise<string[]> {
  const args = [...cmd.args];
  const byPath = new Map(cmd.goFiles.map((f) => [f.path, f.index]));
  let n = 0;
  for (const f of result.files) {
    const index = byPath.get(f.original);
    if (index === undefined) {
      throw new WeftError('E_INTERNAL', `the weaver returned ${f.original}, which is not a source file of the compile of ${cmd.packagePath}`);
    }
    // A numeric prefix keeps names unique when two directories of one package share a base name
    // (cgo's generated files) while the base name stays recognisable in `-work` directories.
    const out = join(workDir, `weft-${n++}-${basename(f.original)}`);
    writeFileSync(out, f.text);
    args[index] = out;
  }
  for (const e of result.extraFiles) {
    const out = join(workDir, `weft-${n++}-${basename(e.name)}`);
    writeFileSync(out, e.text);
    args.push(out);
  }
  if (result.lang !== '') setLang(args, cmd.filesStart, result.lang);
  return args;
}

function setLang(args: string[], filesStart: number, lang: string): void {
  for (let i = 0; i < filesStart; i++) {
    const a = args[i]!;
    if (a.startsWith('-lang=')) {
      args[i] = `-lang=${lang}`;
      return;
    }
    if (a === '-lang' && i + 1 < filesStart) {
      args[i + 1] = lang;
      return;
    }
  }
  args.splice(filesStart, 0, `-lang=${lang}`);
}

function usesResponseFile(args: readonly string[]): boolean {
  return args.some((a) => a.startsWith('@') && a.length > 1);
}

/** The go command used a response file because the list is long; keep doing so (E2BIG otherwise). */
async function writeResponseFile(args: readonly string[], workDir: string): Promise<string[]> {
  return writeResponseFileSync(args, workDir, 'weft-args.rsp');
}

function writeResponseFileSync(args: readonly string[], dir: string, name: string): string[] {
  const file = join(dir, name);
  const lines = args.map((a) => (a.includes('\n') || a.startsWith('"') ? JSON.stringify(a) : a));
  writeFileSync(file, lines.join('\n') + '\n');
  return [`@${file}`];
}
