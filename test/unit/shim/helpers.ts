// Shared pieces of the shim tests: building the shim, fake tools, a fake job server speaking
// the real protocol, and running the shim as the go command would.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameDecoder, encodeFrame, validateShimMessage, type ShimToServer } from '../../../src/protocol/index.js';

export const root = fileURLToPath(new URL('../../../../', import.meta.url));
export const shimSrc = join(root, 'shim');

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `weft-${prefix}-`));
  tempDirs.push(d);
  return d;
}

/** Environment for running go on the shim's own sources. */
export function goEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOWORK: 'off', GOTOOLCHAIN: 'local', CGO_ENABLED: '0', ...extra };
  delete env['GOFLAGS'];
  return env;
}

/** Builds the shim with go build into dir, optionally with -X ldflags. */
export function buildShim(dir: string, ldflags: string[] = []): string {
  const out = join(dir, 'weft-shim');
  const args = ['build', '-trimpath', '-o', out];
  if (ldflags.length > 0) args.push('-ldflags', ldflags.join(' '));
  args.push('.');
  const r = spawnSync('go', args, { cwd: shimSrc, env: goEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go build of the shim failed:\n${r.stdout}${r.stderr}`);
  return out;
}

/** Writes an executable shell script named name into dir (the shim derives the tool from the name). */
export function fakeTool(dir: string, name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the shim asynchronously (the fake server lives in this process, so no spawnSync). */
export function runShim(shim: string, args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(shim, args, { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // A generous guard: the shim must never hang; if it does, the test fails instead of stalling.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`shim did not finish in time; stderr so far:\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Base environment for the shim: no WEFT_* from the outside, a known GOOS. */
export function shimEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WEFT_') && !k.startsWith('TOOLEXEC_')) env[k] = v;
  return { ...env, ...extra };
}

export type Handler = (msg: ShimToServer, sock: Socket) => void;

/** A job server on a unix socket that answers with the given handler; records what it got. */
export async function fakeServer(dir: string, handler: Handler): Promise<{ socket: string; received: ShimToServer[]; server: Server; close(): Promise<void> }> {
  const socket = join(dir, 's.sock');
  const received: ShimToServer[] = [];
  const server = createServer((sock) => {
    const dec = new FrameDecoder();
    sock.on('data', (chunk) => {
      for (const m of dec.push(chunk)) {
        const msg = validateShimMessage(m);
        received.push(msg);
        handler(msg, sock);
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    received,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function send(sock: Socket, msg: unknown): void {
  sock.write(encodeFrame(msg));
}

/** Minimal ar reader: member names and contents. */
export function readAr(buf: Buffer): Array<{ name: string; data: Buffer }> {
  if (buf.subarray(0, 8).toString('latin1') !== '!<arch>\n') throw new Error('not an ar archive');
  const out: Array<{ name: string; data: Buffer }> = [];
  let p = 8;
  while (p < buf.length) {
    const hdr = buf.subarray(p, p + 60).toString('latin1');
    if (hdr.slice(58, 60) !== '`\n') throw new Error(`bad ar header at ${p}: ${JSON.stringify(hdr)}`);
    const size = Number(hdr.slice(48, 58).trim());
    const name = hdr.slice(0, 16).trim();
    out.push({ name, data: buf.subarray(p + 60, p + 60 + size) });
    p += 60 + size + (size % 2);
  }
  if (p !== buf.length) throw new Error(`ar archive has ${p - buf.length} bytes of garbage at the end`);
  return out;
}

/** A tiny valid ar archive with one member, like the head of a Go _pkg_.a. */
export function makeAr(members: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n', 'latin1')];
  for (const m of members) {
    const hdr = m.name.padEnd(16) + '0'.padEnd(12) + '0'.padEnd(6) + '0'.padEnd(6) + '644'.padEnd(8) + String(m.data.length).padEnd(10) + '`\n';
    parts.push(Buffer.from(hdr, 'latin1'), m.data);
    if (m.data.length % 2 === 1) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
