// Framing: a 4-byte big-endian length, then that many bytes of msgpack. The decoder is fed
// whatever chunks the socket delivers; it copies only when a frame spans several chunks, and it
// refuses an oversize frame from its header alone so a bad peer cannot make us buffer 4 GiB.
import { WeftError } from '../errors.js';
import { decodeMessage, packView } from './codec.js';
import { MAX_FRAME_BYTES } from './messages.js';

const HEADER_BYTES = 4;

/** Encodes one message as a complete frame (length prefix + msgpack body). */
export function encodeFrame(msg: unknown, maxFrameBytes: number = MAX_FRAME_BYTES): Buffer {
  return frameBody(packView(msg), maxFrameBytes);
}

/** Prefixes an encoded body with its length. */
export function frameBody(body: Buffer, maxFrameBytes: number): Buffer {
  if (body.length > maxFrameBytes) {
    throw new WeftError('E_PROTOCOL', `refusing to send a ${body.length}-byte frame: the limit is ${maxFrameBytes} bytes`, {
      hint: 'this is a bug in weft (a message grew too large); please report it',
    });
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

/**
 * Turns a stream of chunks into decoded messages (not yet validated: use validateShimMessage /
 * validateServerMessage). After an error the decoder stays failed and rethrows it.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: WeftError | undefined;

  private readonly decode: (body: Uint8Array) => unknown;

  /** `decode` turns one body into a value (default: msgpack; the oracle's frames carry JSON). */
  constructor(opts: { maxFrameBytes?: number; decode?: (body: Uint8Array) => unknown } = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.decode = opts.decode ?? decodeMessage;
  }

  /** Bytes received but not yet part of a complete frame. */
  get pending(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns every message completed by it (often none or one). */
  push(chunk: Uint8Array): unknown[] {
    if (this.failed) throw this.failed;
    if (chunk.length === 0) return [];
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.chunks.push(buf);
    this.buffered += buf.length;
    const out: unknown[] = [];
    try {
      for (;;) {
        if (this.buffered < HEADER_BYTES) break;
        const len = this.peekLength();
        if (len > this.maxFrameBytes) {
          throw new WeftError('E_PROTOCOL', `received a frame that declares ${len} bytes, more than the limit of ${this.maxFrameBytes}`, {
            hint: 'the peer is not a weft shim/server of this version, or the stream is corrupt; rebuild the shim (it is rebuilt automatically when its source changes)',
          });
        }
        if (this.buffered < HEADER_BYTES + len) break;
        out.push(this.decode(this.take(HEADER_BYTES + len).subarray(HEADER_BYTES)));
      }
    } catch (err) {
      this.failed = err instanceof WeftError ? err : new WeftError('E_PROTOCOL', String(err), { cause: err });
      this.chunks = [];
      this.buffered = 0;
      throw this.failed;
    }
    return out;
  }

  /** Call at end of stream: throws E_PROTOCOL if a frame was cut short. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.buffered === 0) return;
    const need = this.buffered >= HEADER_BYTES ? `${HEADER_BYTES + this.peekLength()}` : `at least ${HEADER_BYTES}`;
    const err = new WeftError('E_PROTOCOL', `the connection ended in the middle of a frame: got ${this.buffered} of ${need} bytes`, {
      hint: 'the peer exited or was killed while sending; look for its error above',
    });
    this.failed = err;
    throw err;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length >= HEADER_BYTES) return first.readUInt32BE(0);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readUInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes; no copy when they lie in one chunk. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let result: Buffer;
    if (first.length >= n) {
      result = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      result = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return result;
  }
}
