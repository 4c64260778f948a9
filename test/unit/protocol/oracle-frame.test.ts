// The oracle's frames: the stored samples decode, validate and re-encode byte for byte (the Go
// side checks the same files in oracle/protocol_test.go), and the Go mirror's constants agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../../../src/errors.js';
import {
  encodeOracleFrame,
  ORACLE_MAX_FRAME_BYTES,
  ORACLE_PROTOCOL_VERSION,
  oracleFrameDecoder,
  validateCheckReply,
  validateOracleMessage,
} from '../../../src/protocol/index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = join(root, 'test', 'fixtures', 'protocol', 'oracle');
const samples = readdirSync(dir).filter((f) => f.endsWith('.bin'));

test('there are oracle sample frames of every message kind', () => {
  for (const name of ['hello', 'hello-reply-ok', 'hello-reply-mismatch', 'check-request', 'check-reply-ok', 'check-reply-error']) {
    assert.ok(samples.includes(`${name}.bin`), name);
  }
});

for (const file of samples) {
  test(`oracle fixture ${file}: decodes to its .json and re-encodes byte for byte`, () => {
    const raw = readFileSync(join(dir, file));
    const want: unknown = JSON.parse(readFileSync(join(dir, file.replace(/\.bin$/, '.json')), 'utf8'));
    const dec = oracleFrameDecoder();
    const msgs = dec.push(raw);
    dec.end();
    assert.equal(msgs.length, 1);
    assert.deepEqual(msgs[0], want);
    if (file.startsWith('hello-reply') || file.startsWith('check-reply')) validateOracleMessage(msgs[0]);
    assert.deepEqual(encodeOracleFrame(msgs[0]), raw);
  });
}

test('a reply with a malformed answer is refused naming the field', () => {
  const ok: unknown = JSON.parse(readFileSync(join(dir, 'check-reply-ok.json'), 'utf8'));
  const broken = structuredClone(ok) as { answers: Record<string, unknown>[] };
  broken.answers[1]!['implements'] = 'yes';
  assert.throws(() => validateCheckReply(broken), (e: unknown) => e instanceof WeftError && e.code === 'E_PROTOCOL' && /answers\[1\].*"implements"/.test(e.message));
  const noError = { ...(ok as object), ok: false };
  assert.throws(() => validateCheckReply(noError), (e: unknown) => e instanceof WeftError && /error/.test(e.message));
});

test('a frame that is not JSON, or oversize, is refused', () => {
  assert.throws(() => oracleFrameDecoder().push(Buffer.from([0, 0, 0, 2, 0x7b, 0x7b])), (e: unknown) => e instanceof WeftError && e.code === 'E_PROTOCOL');
  const big = Buffer.alloc(4);
  big.writeUInt32BE(ORACLE_MAX_FRAME_BYTES + 1);
  assert.throws(() => oracleFrameDecoder().push(big), (e: unknown) => e instanceof WeftError && /limit/.test(e.message));
});

test('oracle/protocol.go mirrors the version and the frame limit', () => {
  const go = readFileSync(join(root, 'oracle', 'protocol.go'), 'utf8');
  assert.equal(Number(/const protocolVersion = (\d+)/.exec(go)?.[1]), ORACLE_PROTOCOL_VERSION);
  const m = /const maxFrameBytes = ([\d *]+)\n/.exec(go);
  assert.ok(m);
  assert.equal(m[1]!.split('*').reduce((a, b) => a * Number(b.trim()), 1), ORACLE_MAX_FRAME_BYTES);
});
