// JSON bodies of the oracle's frames and the checks that a decoded reply is what it claims.
import { WeftError } from '../errors.js';
import { frameBody, FrameDecoder } from './frame.js';
import { ORACLE_MAX_FRAME_BYTES, ORACLE_PROTOCOL_VERSION, type CheckReply, type OracleHello, type OracleHelloReply, type OracleToServer } from './oracle-messages.js';

const hint = 'the type oracle and the job server disagree on the wire format; delete the oracle folder of the weft cache directory (it is rebuilt from the installed sources)';

export function encodeOracleFrame(msg: unknown): Buffer {
  return frameBody(Buffer.from(JSON.stringify(msg), 'utf8'), ORACLE_MAX_FRAME_BYTES);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(body));
  } catch (err) {
    throw new WeftError('E_PROTOCOL', `received a malformed oracle frame (${body.length} bytes): ${(err as Error).message}`, { hint, cause: err });
  }
}

export function oracleFrameDecoder(): FrameDecoder {
  return new FrameDecoder({ maxFrameBytes: ORACLE_MAX_FRAME_BYTES, decode: decodeJson });
}

export function makeOracleHello(weft: string): OracleHello {
  return { t: 'hello', v: ORACLE_PROTOCOL_VERSION, weft };
}

type Obj = Record<string, unknown>;

function bad(what: string, field: string, expected: string): WeftError {
  return new WeftError('E_PROTOCOL', `malformed oracle ${what}: field "${field}" must be ${expected}`, { hint });
}

function obj(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new WeftError('E_PROTOCOL', `malformed oracle ${what}: expected an object`, { hint });
  return x as Obj;
}

function need(o: Obj, k: string, type: 'string' | 'number' | 'boolean', what: string, optional = false): void {
  if (optional && (o[k] === undefined || o[k] === null)) return;
  if (typeof o[k] !== type) throw bad(what, k, `a ${type}`);
}

function checkError(x: unknown, what: string): void {
  const e = obj(x, `${what} error`);
  need(e, 'code', 'string', `${what} error`);
  need(e, 'message', 'string', `${what} error`);
  if (!String(e['code']).startsWith('E_')) throw bad(`${what} error`, 'code', 'an E_ code');
}

export function validateOracleHelloReply(x: unknown): OracleHelloReply {
  const o = obj(x, 'HelloReply');
  if (o['t'] !== 'hello') throw bad('HelloReply', 't', '"hello"');
  need(o, 'v', 'number', 'HelloReply');
  need(o, 'weft', 'string', 'HelloReply');
  need(o, 'ok', 'boolean', 'HelloReply');
  need(o, 'go', 'string', 'HelloReply');
  if (o['ok'] === false) checkError(o['error'], 'HelloReply');
  return o as unknown as OracleHelloReply;
}

export function validateCheckReply(x: unknown): CheckReply {
  const o = obj(x, 'CheckReply');
  if (o['t'] !== 'check') throw bad('CheckReply', 't', '"check"');
  need(o, 'id', 'number', 'CheckReply');
  need(o, 'ok', 'boolean', 'CheckReply');
  need(o, 'checked', 'boolean', 'CheckReply');
  need(o, 'micros', 'number', 'CheckReply');
  if (o['ok'] === false) checkError(o['error'], 'CheckReply');
  if (!Array.isArray(o['answers'])) throw bad('CheckReply', 'answers', 'an array');
  (o['answers'] as unknown[]).forEach((a, i) => {
    const w = `CheckReply answers[${i}]`;
    const ao = obj(a, w);
    need(ao, 'type', 'string', w, true);
    need(ao, 'pointer', 'boolean', w, true);
    need(ao, 'implements', 'boolean', w, true);
    need(ao, 'error', 'string', w, true);
    if (ao['named'] !== undefined && ao['named'] !== null) {
      const n = obj(ao['named'], `${w} named`);
      need(n, 'path', 'string', `${w} named`);
      need(n, 'name', 'string', `${w} named`);
    }
  });
  if (!Array.isArray(o['loaded'])) throw bad('CheckReply', 'loaded', 'an array');
  (o['loaded'] as unknown[]).forEach((l, i) => {
    const lo = obj(l, `CheckReply loaded[${i}]`);
    for (const k of ['path', 'file', 'id']) need(lo, k, 'string', `CheckReply loaded[${i}]`);
  });
  return o as unknown as CheckReply;
}

export function validateOracleMessage(x: unknown): OracleToServer {
  const t = typeof x === 'object' && x !== null ? (x as Obj)['t'] : undefined;
  if (t === 'hello') return validateOracleHelloReply(x);
  if (t === 'check') return validateCheckReply(x);
  throw new WeftError('E_PROTOCOL', `malformed message from the type oracle: field "t" must be "hello" or "check"`, { hint });
}
