// msgpack bodies of frames, and the checks that a decoded value really is the message it claims
// to be. The shim decodes by hand (shim/msgpack.go), so the encoding is kept plain: maps with
// string keys, no records, no extensions, the smallest header for every length. Undefined
// optional fields are left out, never sent as msgpack's "undefined" extension.
import { C1, Packr, Unpackr } from 'msgpackr';
import { WeftError } from '../errors.js';
import {
  PROTOCOL_VERSION,
  type AppendMember,
  type Hello,
  type HelloReply,
  type ServerToShim,
  type ShimToServer,
  type ToolReply,
  type ToolRequest,
} from './messages.js';

// skipValues is honoured by msgpackr 2.x but missing from its typings.
const packr = new Packr({ useRecords: false, variableMapSize: true, skipValues: [undefined], useFloat32: 0 } as ConstructorParameters<typeof Packr>[0]);
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Encodes one message as a msgpack body (no length prefix). */
export function encodeMessage(msg: unknown): Buffer {
  return Buffer.from(packView(msg));
}

/**
 * The msgpack body as a view of msgpackr's reusable buffer: valid only until the next encode,
 * so callers copy it at once (encodeFrame copies it straight into the frame).
 */
export function packView(msg: unknown): Buffer {
  return packr.pack(msg);
}

/** Decodes one msgpack body. Throws WeftError E_PROTOCOL when it is not exactly one value. */
export function decodeMessage(body: Uint8Array): unknown {
  if (body.length === 0) throw new WeftError('E_PROTOCOL', 'received an empty frame (no msgpack value)');
  try {
    const v: unknown = unpackr.unpack(body);
    // msgpackr turns the never-used byte 0xc1 into a marker object instead of failing.
    if (v === C1) throw new Error('0xc1 is not a msgpack value');
    return v;
  } catch (err) {
    throw new WeftError('E_PROTOCOL', `received a malformed msgpack frame (${body.length} bytes): ${(err as Error).message}`, {
      hint: 'the shim and the job server disagree on the wire format; rebuild the shim (it is rebuilt automatically when its source changes)',
      cause: err,
    });
  }
}

export type Obj = Record<string, unknown>;

export function bad(what: string, field: string, expected: string, got: unknown): WeftError {
  return new WeftError('E_PROTOCOL', `malformed ${what}: field "${field}" must be ${expected}, got ${describe(got)}`, {
    hint: 'the shim and the job server disagree on the wire format; rebuild the shim (it is rebuilt automatically when its source changes)',
  });
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing (missing)';
  if (x === null) return 'nil';
  if (Array.isArray(x)) return 'an array';
  if (x instanceof Uint8Array) return 'binary data';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`;
  if (typeof x === 'object') return 'a map';
  return `${typeof x} ${String(x)}`;
}

export function asObject(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof Uint8Array) {
    throw new WeftError('E_PROTOCOL', `malformed ${what}: expected a map, got ${describe(x)}`);
  }
  return x as Obj;
}

export function str(o: Obj, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw bad(what, k, 'a string', v);
  return v;
}

export function int(o: Obj, k: string, what: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(what, k, 'an integer', v);
  return v;
}

export function bool(o: Obj, k: string, what: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw bad(what, k, 'a boolean', v);
  return v;
}

export function tag(o: Obj, expected: string, what: string): void {
  if (o['t'] !== expected) throw bad(what, 't', JSON.stringify(expected), o['t']);
}

export function strings(o: Obj, k: string, what: string): string[] {
  const v = o[k];
  if (!Array.isArray(v)) throw bad(what, k, 'an array of strings', v);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw bad(what, `${k}[${i}]`, 'a string', v[i]);
  }
  return v as string[];
}

export function optStr(o: Obj, k: string, what: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(what, k, 'a string', v);
  return v;
}

// Checks an error without rebuilding it: validation never reorders or rewrites a message.
function checkErrorData(x: unknown, what: string): void {
  const o = asObject(x, `${what} error`);
  const code = str(o, 'code', `${what} error`);
  if (!code.startsWith('E_')) throw bad(`${what} error`, 'code', 'an E_ code', code);
  str(o, 'message', `${what} error`);
  optStr(o, 'hint', `${what} error`);
  optStr(o, 'aspect', `${what} error`);
  if (o['location'] !== undefined && o['location'] !== null) {
    const l = asObject(o['location'], `${what} error location`);
    str(l, 'file', `${what} error location`);
    if (l['line'] !== undefined && l['line'] !== null) int(l, 'line', `${what} error location`);
    if (l['column'] !== undefined && l['column'] !== null) int(l, 'column', `${what} error location`);
  }
  if (o['details'] !== undefined && o['details'] !== null) strings(o, 'details', `${what} error`);
}

/** Checks that a decoded value is a Hello. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateHello(x: unknown): Hello {
  const o = asObject(x, 'Hello');
  tag(o, 'hello', 'Hello');
  int(o, 'v', 'Hello');
  str(o, 'weft', 'Hello');
  return o as unknown as Hello;
}

/** Checks that a decoded value is a HelloReply. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateHelloReply(x: unknown): HelloReply {
  const o = asObject(x, 'HelloReply');
  tag(o, 'hello', 'HelloReply');
  int(o, 'v', 'HelloReply');
  str(o, 'weft', 'HelloReply');
  const ok = bool(o, 'ok', 'HelloReply');
  if (!ok && (o['error'] === undefined || o['error'] === null)) throw bad('HelloReply', 'error', 'set when ok is false', o['error']);
  if (o['error'] !== undefined && o['error'] !== null) checkErrorData(o['error'], 'HelloReply');
  optStr(o, 'suffix', 'HelloReply');
  return o as unknown as HelloReply;
}

/** Checks that a decoded value is a ToolRequest. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateToolRequest(x: unknown): ToolRequest {
  const o = asObject(x, 'ToolRequest');
  tag(o, 'tool', 'ToolRequest');
  int(o, 'id', 'ToolRequest');
  const tool = str(o, 'tool', 'ToolRequest');
  if (tool !== 'compile' && tool !== 'link') throw bad('ToolRequest', 'tool', '"compile" or "link"', tool);
  str(o, 'path', 'ToolRequest');
  strings(o, 'args', 'ToolRequest');
  str(o, 'cwd', 'ToolRequest');
  str(o, 'pkg', 'ToolRequest');
  const env = asObject(o['env'], 'ToolRequest env');
  for (const k of Object.keys(env)) {
    if (typeof env[k] !== 'string') throw bad('ToolRequest', `env.${k}`, 'a string', env[k]);
  }
  int(o, 'pid', 'ToolRequest');
  return o as unknown as ToolRequest;
}

/** Checks that a decoded value is a ToolReply. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateToolReply(x: unknown): ToolReply {
  const o = asObject(x, 'ToolReply');
  tag(o, 'reply', 'ToolReply');
  int(o, 'id', 'ToolReply');
  const ok = bool(o, 'ok', 'ToolReply');
  if (!ok) {
    checkErrorData(o['error'], 'ToolReply');
    return o as unknown as ToolReply;
  }
  strings(o, 'args', 'ToolReply');
  const append = o['append'];
  if (append !== undefined && append !== null) {
    if (!Array.isArray(append)) throw bad('ToolReply', 'append', 'an array', append);
    append.forEach((m: unknown, i: number) => validateAppendMember(m, `ToolReply append[${i}]`));
  }
  if (o['warnings'] !== undefined && o['warnings'] !== null) strings(o, 'warnings', 'ToolReply');
  return o as unknown as ToolReply;
}

function validateAppendMember(x: unknown, what: string): AppendMember {
  const o = asObject(x, what);
  str(o, 'archive', what);
  const name = str(o, 'name', what);
  // ar headers hold 16 name bytes and GNU ar ends short names with '/': 15 is what always fits.
  if (name.length === 0 || Buffer.byteLength(name) > 15 || name.includes('/') || /\s/.test(name)) {
    throw bad(what, 'name', 'an ar member name of 1-15 bytes without "/" or spaces', name);
  }
  if (!(o['data'] instanceof Uint8Array)) throw bad(what, 'data', 'binary data', o['data']);
  return o as unknown as AppendMember;
}

/** Validates the first or second message a server reads from a shim. */
export function validateShimMessage(x: unknown): ShimToServer {
  const t = typeof x === 'object' && x !== null ? (x as Obj)['t'] : undefined;
  if (t === 'hello') return validateHello(x);
  if (t === 'tool') return validateToolRequest(x);
  throw new WeftError('E_PROTOCOL', `malformed message from the shim: field "t" must be "hello" or "tool", got ${describe(t)}`);
}

/** Validates a message a shim (or a test) reads from the server. */
export function validateServerMessage(x: unknown): ServerToShim {
  const t = typeof x === 'object' && x !== null ? (x as Obj)['t'] : undefined;
  if (t === 'hello') return validateHelloReply(x);
  if (t === 'reply') return validateToolReply(x);
  throw new WeftError('E_PROTOCOL', `malformed message from the server: field "t" must be "hello" or "reply", got ${describe(t)}`);
}

/**
 * Compares a shim's Hello with this side's protocol version. Returns undefined when they can
 * talk, otherwise the WeftError to send back in the HelloReply and to show the user.
 */
export function checkHello(hello: Hello, ours: { weft?: string; v?: number } = {}): WeftError | undefined {
  const v = ours.v ?? PROTOCOL_VERSION;
  if (hello.v === v) return undefined;
  const weft = ours.weft !== undefined ? ` (weft ${ours.weft})` : '';
  return new WeftError(
    'E_PROTOCOL',
    `protocol version mismatch: the shim speaks protocol ${hello.v} (built for weft ${hello.weft}) but this job server speaks protocol ${v}${weft}`,
    {
      hint: 'the -toolexec program is a shim from another weft version. Use the shim of this weft (`weft toolexec-path`, or run through `weft go ...`); ' +
        'it is rebuilt automatically when its source changes, so deleting the shim folder of the weft cache directory also fixes it',
    },
  );
}

/** The server's answer to a Hello: ok, or the mismatch error from checkHello. */
export function makeHelloReply(hello: Hello, ours: { weft: string; suffix?: string }): HelloReply {
  const err = checkHello(hello, ours);
  const reply: HelloReply = { t: 'hello', v: PROTOCOL_VERSION, weft: ours.weft, ok: err === undefined };
  if (err !== undefined) reply.error = err.toData();
  if (ours.suffix !== undefined) reply.suffix = ours.suffix;
  return reply;
}
