// The client side of the protocol in TypeScript: what `weft toolexec` uses to reach a running
// job server, and what tests use as a stand-in shim. The Go shim is the production client.
import { createConnection } from 'node:net';
import { fromErrorData, WeftError } from '../errors.js';
import {
  encodeFrame,
  FrameDecoder,
  PROTOCOL_VERSION,
  validateHelloReply,
  validateToolReply,
  type HelloReply,
  type ToolReply,
  type ToolRequest,
} from '../protocol/index.js';
import { weftVersion } from '../install/version.js';

export interface CallOptions {
  timeoutMs?: number;
  /** Protocol version to announce (tests of the mismatch path). */
  protocolVersion?: number;
}

export interface CallResult {
  hello: HelloReply;
  reply: ToolReply | null;
}

/**
 * Connects, says Hello and, when `req` is given, sends it and waits for the reply. A refused
 * hello or a lost connection becomes a WeftError naming the socket.
 */
export function callServer(socketPath: string, req: ToolRequest | null, opts: CallOptions = {}): Promise<CallResult> {
  return new Promise<CallResult>((resolve, reject) => {
    const socket = createConnection(socketPath);
    const decoder = new FrameDecoder();
    let hello: HelloReply | null = null;
    let done = false;
    const finish = (err: WeftError | null, result?: CallResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err !== null) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => {
      finish(new WeftError('E_TIMEOUT', `no answer from the weft job server at ${socketPath} within ${opts.timeoutMs ?? 600_000} ms`));
    }, opts.timeoutMs ?? 600_000);
    timer.unref();
    socket.on('connect', () => {
      socket.write(encodeFrame({ t: 'hello', v: opts.protocolVersion ?? PROTOCOL_VERSION, weft: weftVersion() }));
      if (req !== null) socket.write(encodeFrame(req));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const m of decoder.push(chunk)) {
          if (hello === null) {
            hello = validateHelloReply(m);
            if (!hello.ok) return finish(hello.error !== undefined ? fromErrorData(hello.error) : new WeftError('E_PROTOCOL', 'the job server refused the handshake'));
            if (req === null) return finish(null, { hello, reply: null });
          } else {
            return finish(null, { hello, reply: validateToolReply(m) });
          }
        }
      } catch (e) {
        finish(e instanceof WeftError ? e : new WeftError('E_PROTOCOL', String(e)));
      }
    });
    const lost = (why: string): void =>
      finish(new WeftError('E_SOCKET', `lost connection to the weft job server at ${socketPath}: ${why}`, {
        hint: 'the build cannot continue; was the weft process killed?',
      }));
    socket.on('error', (e) => lost(e.message));
    socket.on('close', () => lost('the connection closed before the reply'));
  });
}
