// The type oracle as seen from the server: one child process per build, started at the first
// question, speaking the oracle protocol over its stdin/stdout. Every call has a timeout; the
// process dying (killed, crashed) rejects every pending and later call with E_ORACLE naming how it
// ended, so a build fails with a clear error instead of hanging; close() ends it with the build.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { WeftError } from '../errors.js';
import { countChild } from '../children.js';
import {
  encodeOracleFrame,
  makeOracleHello,
  oracleFrameDecoder,
  validateOracleMessage,
  type CheckReply,
  type CheckRequest,
} from '../protocol/index.js';

export type CheckInput = Omit<CheckRequest, 't' | 'id'>;

export interface TypeOracle {
  /** One batch of questions about one package. Rejects with E_ORACLE / E_TIMEOUT / E_CLOSED. */
  check(input: CheckInput, signal?: AbortSignal): Promise<CheckReply>;
  /** Ends the process (stdin closed, then SIGKILL after a grace period); pending calls reject with E_CLOSED. */
  close(): Promise<void>;
  /** The process id once started (for tests and logs). */
  readonly pid: number | undefined;
}

export interface StartOracleOptions {
  /** The oracle binary (ensureOracle). */
  binary: string;
  weftVersion: string;
  /** Longest one batch may take (default 2 minutes: a big package with cold export data takes seconds). */
  callTimeoutMs?: number;
  /** How long close() waits for a clean exit before SIGKILL (default 2 s). */
  closeGraceMs?: number;
}

const HINT = 'the type oracle is a child process of weft that type-checks packages whose join points need types; run the build again, and report the error if it recurs';

export function startOracle(opts: StartOracleOptions): TypeOracle {
  const timeoutMs = opts.callTimeoutMs ?? 120_000;
  let child: ChildProcessWithoutNullStreams;
  try {
    countChild('type oracle');
    child = spawn(opts.binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    throw new WeftError('E_ORACLE', `cannot start the type oracle ${opts.binary}: ${(e as Error).message}`, { hint: HINT, cause: e });
  }
  const decoder = oracleFrameDecoder();
  const pending = new Map<number, { resolve: (r: CheckReply) => void; reject: (e: WeftError) => void }>();
  let nextId = 1;
  let dead: WeftError | null = null;
  let closing = false;
  let stderrTail = '';
  let helloOk: (v: void) => void = () => undefined;
  let helloFailed: (e: WeftError) => void = () => undefined;
  const hello = new Promise<void>((res, rej) => {
    helloOk = res;
    helloFailed = rej;
  });
  hello.catch(() => undefined);
  const exited = new Promise<void>((res) => child.once('close', () => res()));

  const fail = (err: WeftError): void => {
    if (dead !== null) return;
    dead = err;
    helloFailed(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderrTail = (stderrTail + s).slice(-4096);
  });
  child.stdout.on('data', (chunk: Buffer) => {
    let msgs: unknown[];
    try {
      msgs = decoder.push(chunk);
    } catch (e) {
      fail(e instanceof WeftError ? e : new WeftError('E_PROTOCOL', String(e)));
      return;
    }
    for (const raw of msgs) {
      try {
        const m = validateOracleMessage(raw);
        if (m.t === 'hello') {
          if (m.ok) helloOk();
          else fail(new WeftError('E_ORACLE', m.error?.message ?? 'the type oracle refused the handshake', { hint: m.error?.hint ?? HINT }));
          continue;
        }
        const p = pending.get(m.id);
        if (p === undefined) throw new WeftError('E_PROTOCOL', `the type oracle answered batch ${m.id}, which was not asked`);
        pending.delete(m.id);
        p.resolve(m);
      } catch (e) {
        fail(e instanceof WeftError ? e : new WeftError('E_PROTOCOL', String(e)));
      }
    }
  });
  child.on('error', (e) => fail(new WeftError('E_ORACLE', `the type oracle ${opts.binary} failed: ${e.message}`, { hint: HINT, cause: e })));
  child.on('close', (code, signal) => {
    if (closing) return fail(new WeftError('E_CLOSED', 'the type oracle was closed with questions pending'));
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    fail(new WeftError('E_ORACLE', `the type oracle (pid ${child.pid}) ${how} while the build needed type information`, {
      hint: HINT,
      details: stderrTail.trim() === '' ? [] : stderrTail.trim().split('\n').slice(-10),
    }));
  });
  // A write to a dead oracle fails with EPIPE; 'close' reports why it died.
  child.stdin.on('error', () => undefined);
  child.stdin.write(encodeOracleFrame(makeOracleHello(opts.weftVersion)));

  return {
    get pid() {
      return child.pid;
    },
    async check(input, signal) {
      if (dead !== null) throw dead;
      signal?.throwIfAborted();
      const id = nextId++;
      const reply = new Promise<CheckReply>((resolve, reject) => pending.set(id, { resolve, reject }));
      // It may be rejected after a timeout or abort already settled this call.
      reply.catch(() => undefined);
      child.stdin.write(encodeOracleFrame({ t: 'check', id, ...input }));
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const limits = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new WeftError('E_TIMEOUT', `the type oracle did not answer about ${input.pkg} within ${timeoutMs} ms`, { hint: HINT });
          reject(err);
          // A hung oracle would hold every later package too: end it.
          fail(new WeftError('E_ORACLE', `the type oracle hung on ${input.pkg} and was stopped`, { hint: HINT }));
        }, timeoutMs);
        timer.unref();
        if (signal !== undefined) {
          onAbort = () => {
            pending.delete(id);
            reject(signal.reason instanceof Error ? signal.reason : new WeftError('E_CLOSED', 'the compile was cancelled'));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
      });
      try {
        await Promise.race([hello, limits]);
        return await Promise.race([reply, limits]);
      } finally {
        clearTimeout(timer);
        if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      }
    },
    async close() {
      if (closing) return exited;
      closing = true;
      if (dead === null) {
        child.stdin.end();
        const grace = setTimeout(() => child.kill('SIGKILL'), opts.closeGraceMs ?? 2000);
        grace.unref();
        await exited;
        clearTimeout(grace);
      }
      await exited;
    },
  };
}
