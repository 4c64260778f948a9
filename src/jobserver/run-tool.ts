// Running a tool the way the shim does, for `weft toolexec` (the orchestrion-style, one Node
// start per tool path): pass through, answer -V=full with the suffix, or exec compile/link with
// the arguments the server planned and append archive members afterwards.
import { spawn } from 'node:child_process';
import { WeftError } from '../errors.js';
import type { AppendMember } from '../protocol/index.js';
import { appendArchiveMember } from '../toolexec/archive.js';

/** Runs a tool with inherited stdio; resolves with its exit code (128+signal when killed). */
export function runTool(path: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: 'inherit', env });
    child.once('error', (e) => reject(new WeftError('E_TOOLEXEC', `cannot run ${path}: ${e.message}`)));
    child.once('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

/** Runs `<tool> -V=full` and appends the suffix to the end of its first line (never adds lines). */
export function runVersionQuery(path: string, args: readonly string[], suffix: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['inherit', 'pipe', 'inherit'], env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', (e) => reject(new WeftError('E_TOOLEXEC', `cannot run ${path}: ${e.message}`)));
    child.once('close', (code, signal) => {
      const out = Buffer.concat(chunks).toString('utf8');
      process.stdout.write(appendSuffix(out, suffix));
      resolve(exitCodeOf(code, signal));
    });
  });
}

export function appendSuffix(output: string, suffix: string): string {
  if (suffix === '') return output;
  const nl = output.indexOf('\n');
  return nl < 0 ? `${output} ${suffix}` : `${output.slice(0, nl)} ${suffix}${output.slice(nl)}`;
}

export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const num = signal !== null ? SIGNALS[signal] : undefined;
  return 128 + (num ?? 15);
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

/** Appends the members the server planned to the archives the tool just wrote (one writer: src/toolexec/archive.ts). */
export function appendArchiveMembers(members: readonly AppendMember[]): void {
  for (const m of members) appendArchiveMember(m.archive, m.name, m.data);
}
