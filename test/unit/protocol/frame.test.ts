import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../../src/errors.js';
import {
  FrameDecoder,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  checkHello,
  encodeFrame,
  makeHelloReply,
  validateServerMessage,
  validateShimMessage,
  validateToolReply,
  validateToolRequest,
} from '../../../src/protocol/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const fixtureDir = join(root, 'test', 'fixtures', 'protocol');

function fromJSON(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJSON);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['$bin'] === 'string' && Object.keys(o).length === 1) return Buffer.from(o['$bin'], 'base64');
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJSON(x)]));
  }
  return v;
}

function isProtocolError(re: RegExp) {
  return (err: unknown) => err instanceof WeftError && err.code === 'E_PROTOCOL' && re.test(err.message);
}

const good = readdirSync(fixtureDir).filter((f) => f.endsWith('.bin') && !f.startsWith('bad-'));
const bad = readdirSync(fixtureDir).filter((f) => f.endsWith('.bin') && f.startsWith('bad-'));

test('there are stored sample frames of every message kind', () => {
  assert.ok(good.length >= 8, `found ${good.length}`);
  for (const prefix of ['hello.', 'hello-reply', 'tool-request', 'tool-reply']) {
    assert.ok(good.some((f) => f.startsWith(prefix)), prefix);
  }
});

for (const file of good) {
  test(`fixture ${file}: decodes to its .json, validates, and re-encodes byte for byte`, () => {
    const raw = readFileSync(join(fixtureDir, file));
    const want = fromJSON(JSON.parse(readFileSync(join(fixtureDir, file.replace(/\.bin$/, '.json')), 'utf8')));
    const dec = new FrameDecoder();
    const msgs = dec.push(raw);
    dec.end();
    assert.equal(msgs.length, 1);
    const msg = msgs[0];
    assert.deepEqual(msg, want);
    if (file.startsWith('tool-request') || file === 'hello.bin') validateShimMessage(msg);
    else validateServerMessage(msg);
    assert.deepEqual(encodeFrame(msg), raw);
  });
}

for (const file of bad) {
  test(`fixture ${file}: refused with E_PROTOCOL`, () => {
    const raw = readFileSync(join(fixtureDir, file));
    const how = JSON.parse(readFileSync(join(fixtureDir, file.replace(/\.bin$/, '.json')), 'utf8')) as { reject: string; message?: string; field?: string };
    const dec = new FrameDecoder();
    switch (how.reject) {
      case 'truncated':
        assert.deepEqual(dec.push(raw), []);
        assert.throws(() => dec.end(), isProtocolError(/ended in the middle of a frame: got \d+ of \d+ bytes/));
        break;
      case 'oversize':
        assert.throws(() => dec.push(raw), isProtocolError(/declares \d+ bytes, more than the limit/));
        break;
      case 'malformed':
        assert.throws(() => dec.push(raw), isProtocolError(/malformed msgpack/));
        break;
      case 'invalid': {
        const [msg] = dec.push(raw);
        assert.throws(() => validateServerMessage(msg), (err: unknown) =>
          err instanceof WeftError && err.code === 'E_PROTOCOL' && err.message.includes(how.message!) && err.message.includes(`"${how.field}"`));
        break;
      }
      default:
        assert.fail(`unknown reject kind ${how.reject}`);
    }
  });
}

test('FrameDecoder reassembles frames split at every byte and several frames per chunk', () => {
  const a = { t: 'hello', v: PROTOCOL_VERSION, weft: 'x' };
  const b = { t: 'reply', id: 2, ok: true, args: ['a'.repeat(1000)] };
  const stream = Buffer.concat([encodeFrame(a), encodeFrame(b), encodeFrame(a)]);
  for (const size of [1, 2, 3, 5, 7, 64, stream.length]) {
    const dec = new FrameDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i += size) out.push(...dec.push(stream.subarray(i, i + size)));
    dec.end();
    assert.deepEqual(out, [a, b, a], `chunk size ${size}`);
    assert.equal(dec.pending, 0);
  }
});

test('FrameDecoder refuses an oversize frame from its header, before the body arrives', () => {
  const dec = new FrameDecoder({ maxFrameBytes: 100 });
  const header = Buffer.alloc(4);
  header.writeUInt32BE(101);
  assert.throws(() => dec.push(header), isProtocolError(/declares 101 bytes, more than the limit of 100/));
  // it stays failed: a later chunk does not resynchronise on garbage
  assert.throws(() => dec.push(Buffer.from([0xc0])), isProtocolError(/declares 101/));
  const def = new FrameDecoder();
  const big = Buffer.alloc(4);
  big.writeUInt32BE(MAX_FRAME_BYTES + 1);
  assert.throws(() => def.push(big), isProtocolError(/more than the limit/));
});

test('FrameDecoder reports a truncated header and an empty frame', () => {
  const dec = new FrameDecoder();
  dec.push(Buffer.from([0, 0]));
  assert.throws(() => dec.end(), isProtocolError(/got 2 of at least 4 bytes/));
  assert.throws(() => new FrameDecoder().push(Buffer.alloc(4)), isProtocolError(/empty frame/));
});

test('encodeFrame leaves out undefined optional fields and refuses an oversize message', () => {
  const f = encodeFrame({ t: 'hello', v: 1, weft: 'w', suffix: undefined });
  const [msg] = new FrameDecoder().push(f);
  assert.deepEqual(Object.keys(msg as object), ['t', 'v', 'weft']);
  assert.throws(() => encodeFrame({ t: 'x', pad: 'y'.repeat(200) }, 100), isProtocolError(/refusing to send a \d+-byte frame/));
});

test('validation names the message and the bad field', () => {
  const req = { t: 'tool', id: 1, tool: 'compile', path: '/p', args: [], cwd: '/', pkg: '', env: { GOOS: 'linux' }, pid: 1 };
  assert.equal(validateToolRequest({ ...req }).tool, 'compile');
  const cases: Array<[unknown, RegExp]> = [
    [{ ...req, tool: 'asm' }, /ToolRequest: field "tool" must be "compile" or "link"/],
    [{ ...req, pid: 'x' }, /ToolRequest: field "pid" must be an integer/],
    [{ ...req, env: { GOOS: 1 } }, /ToolRequest: field "env.GOOS" must be a string/],
    [{ ...req, cwd: undefined }, /ToolRequest: field "cwd" must be a string, got nothing \(missing\)/],
    [[1, 2], /expected a map, got an array/],
  ];
  for (const [value, re] of cases) assert.throws(() => validateToolRequest(value), isProtocolError(re));
  assert.throws(() => validateToolReply({ t: 'reply', id: 1, ok: false }), isProtocolError(/ToolReply error: expected a map/));
  assert.throws(() => validateToolReply({ t: 'reply', id: 1, ok: true, args: [], append: [{ archive: '/a', name: 'x'.repeat(16), data: Buffer.alloc(8) }] }),
    isProtocolError(/append\[0\]: field "name"/));
  assert.throws(() => validateShimMessage({ t: 'reply' }), isProtocolError(/"t" must be "hello" or "tool"/));
});

test('checkHello accepts the same protocol version and explains a mismatch', () => {
  assert.equal(checkHello({ t: 'hello', v: PROTOCOL_VERSION, weft: '9.9.9' }, { weft: '0.1.0' }), undefined);
  const err = checkHello({ t: 'hello', v: PROTOCOL_VERSION + 1, weft: '9.9.9' }, { weft: '0.1.0' });
  assert.ok(err instanceof WeftError);
  assert.equal(err.code, 'E_PROTOCOL');
  assert.match(err.message, new RegExp(`protocol ${PROTOCOL_VERSION + 1} \\(built for weft 9\\.9\\.9\\).*protocol ${PROTOCOL_VERSION} \\(weft 0\\.1\\.0\\)`));
  assert.match(err.hint ?? '', /rebuilt automatically/);
  const reply = makeHelloReply({ t: 'hello', v: 0, weft: 'old' }, { weft: '0.1.0', suffix: 'weft@0.1.0;ab' });
  assert.equal(reply.ok, false);
  assert.equal(reply.error?.code, 'E_PROTOCOL');
  assert.equal(reply.suffix, 'weft@0.1.0;ab');
  const ok = makeHelloReply({ t: 'hello', v: PROTOCOL_VERSION, weft: '0.1.0' }, { weft: '0.1.0' });
  assert.deepEqual(ok, { t: 'hello', v: PROTOCOL_VERSION, weft: '0.1.0', ok: true });
  // the reply survives the wire and validation
  const [back] = new FrameDecoder().push(encodeFrame(reply));
  assert.deepEqual(validateServerMessage(back), reply);
});

test('corrupted frames fail with E_PROTOCOL or decode to something validation judges, never anything else', () => {
  const raw = readFileSync(join(fixtureDir, 'tool-reply-error.bin'));
  let seed = 12345;
  for (let round = 0; round < 2000; round++) {
    const b = Buffer.from(raw);
    for (let j = 0; j < 3; j++) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      b[4 + ((seed >>> 8) % (b.length - 4))] = seed >>> 24;
    }
    try {
      for (const m of new FrameDecoder().push(b)) validateServerMessage(m);
    } catch (err) {
      assert.ok(err instanceof WeftError && err.code === 'E_PROTOCOL', String(err));
    }
  }
  for (let i = 0; i < raw.length; i++) {
    const dec = new FrameDecoder();
    assert.deepEqual(dec.push(raw.subarray(0, i)), []);
    if (i > 0) assert.throws(() => dec.end(), isProtocolError(/ended in the middle/));
  }
});

test('checkHello works without naming our weft version', () => {
  assert.equal(checkHello({ t: 'hello', v: PROTOCOL_VERSION, weft: 'x' }), undefined);
  const err = checkHello({ t: 'hello', v: 99, weft: 'x' });
  assert.match(err?.message ?? '', /protocol 99 \(built for weft x\) but this job server speaks protocol \d+$/);
});
