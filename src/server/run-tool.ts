// Running a tool the way the shim does, for `weft toolexec` (the orchestrion-style, one Node
// start per tool path): pass through, answer -V=full with the suffix, or exec compile/link with
// the arguments the server planned and append archive members afterwards.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { WeftError } from '../errors.js';
import type { AppendMember } from '../protocol/index.js';

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

/** Appends members to an ar archive (Go's `_pkg_.a`): 60-byte header, data, pad to even length. */
export function appendArchiveMembers(members: readonly AppendMember[]): void {
  for (const m of members) {
    let fd: number;
    try {
      fd = openSync(m.archive, 'a');
    } catch (e) {
      throw new WeftError('E_TOOLEXEC', `cannot open archive ${m.archive} to append ${m.name}: ${(e as Error).message}`);
    }
    try {
      // ar members start on even offsets; the go tools pad every member, but be safe.
      if (fstatSync(fd).size % 2 === 1) writeSync(fd, '\n');
      const header =
        pad(m.name, 16) + pad('0', 12) + pad('0', 6) + pad('0', 6) + pad('644', 8) + pad(String(m.data.length), 10) + '`\n';
      writeSync(fd, header);
      writeSync(fd, m.data);
      if (m.data.length % 2 === 1) writeSync(fd, '\n');
    } finally {
      closeSync(fd);
    }
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}
