import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeFrame, envFromList, envToList, FrameDecoder, validateDaemonMessage, validateFrontMessage } from '../../../src/protocol/index.js';
import { WeftError } from '../../../src/errors.js';

const build = { t: 'build', identity: '0.1.0+abc', cwd: '/m', args: ['build', './...'], env: ['PATH=/bin', 'A=b=c'], stderrTTY: false, stdoutTTY: true };

function roundTrip(msg: unknown): unknown {
  const [decoded] = new FrameDecoder().push(encodeFrame(msg));
  return decoded;
}

test('every front end message passes the check after a round trip through a frame', () => {
  for (const m of [build, { ...build, progress: true }, { t: 'done', id: 'r1', code: 2, wallMs: 1500 }, { t: 'status' }, { t: 'stop' }]) {
    assert.deepEqual(validateFrontMessage(roundTrip(m)), m);
  }
});

test('every daemon message passes the check after a round trip through a frame', () => {
  for (const m of [
    { t: 'stderr', text: '' },
    { t: 'run', id: 'r1', go: '/usr/bin/go', args: ['build'], env: ['X=1'], dir: '/m' },
    { t: 'exit', code: 0 },
    { t: 'progress', fields: ['go build (planned)', '3 compile requests answered'] },
    { t: 'fallback', reason: 'the daemon for /a got a build of /b', warn: true },
    { t: 'replace', reason: 'other weft' },
    { t: 'status', pid: 1, identity: 'x', module: '/m', startedMs: Date.now(), builds: 3, idleMs: 10, rssBytes: 1 << 26, idleExitMs: 600000 },
    { t: 'stopped' },
  ]) {
    assert.deepEqual(validateDaemonMessage(roundTrip(m)), m);
  }
});

function protocolError(f: () => unknown): WeftError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof WeftError);
    assert.equal(e.code, 'E_PROTOCOL');
    assert.match(e.hint ?? '', /daemon/);
    return e;
  }
  assert.fail('expected an E_PROTOCOL error');
}

test('a malformed message is refused with the name of the bad field', () => {
  assert.match(protocolError(() => validateFrontMessage({ ...build, identity: 7 })).message, /daemon build request: field "identity" must be a string, got number 7/);
  assert.match(protocolError(() => validateFrontMessage({ ...build, args: ['a', 1] })).message, /field "args\[1\]" must be a string/);
  assert.match(protocolError(() => validateFrontMessage({ ...build, env: ['PATH=/bin', 'novalue'] })).message, /field "env\[1\]" must be a "NAME=value" string/);
  assert.match(protocolError(() => validateFrontMessage({ ...build, stderrTTY: 'yes' })).message, /field "stderrTTY" must be a boolean/);
  assert.match(protocolError(() => validateFrontMessage({ ...build, progress: 1 })).message, /field "progress" must be a boolean/);
  assert.match(protocolError(() => validateDaemonMessage({ t: 'progress', fields: 'go build' })).message, /daemon progress message: field "fields"/);
  assert.match(protocolError(() => validateFrontMessage({ t: 'done', id: 'x', code: 1.5, wallMs: 1 })).message, /field "code" must be an integer/);
  assert.match(protocolError(() => validateFrontMessage({ t: 'hello' })).message, /field "t" must be "build", "done", "status" or "stop"/);
  assert.match(protocolError(() => validateFrontMessage([1])).message, /expected a map, got an array/);
  assert.match(protocolError(() => validateDaemonMessage({ t: 'run', id: 'x', go: '/go', args: [], env: [], dir: 3 })).message, /daemon run message: field "dir" must be a string/);
  assert.match(protocolError(() => validateDaemonMessage({ t: 'fallback', reason: 'r' })).message, /field "warn" must be a boolean, got nothing \(missing\)/);
  assert.match(protocolError(() => validateDaemonMessage({ t: 'status', pid: 1, identity: 'x', module: '/m', startedMs: 1, builds: 1, idleMs: 1, rssBytes: 1 })).message, /field "idleExitMs" must be an integer/);
  assert.match(protocolError(() => validateDaemonMessage({ t: 'exit' })).message, /daemon exit message: field "code"/);
  assert.match(protocolError(() => validateDaemonMessage(decodeMessage(Buffer.from([0x81, 0xa1, 0x74, 0xa3, 0x62, 0x61, 0x64])))).message, /field "t"/);
});

test('environments travel as NAME=value strings; values may hold "="', () => {
  const env = { PATH: '/bin', X: 'a=b', EMPTY: '', UNSET: undefined };
  const list = envToList(env);
  assert.deepEqual(list, ['PATH=/bin', 'X=a=b', 'EMPTY=']);
  assert.deepEqual(envFromList(list), { PATH: '/bin', X: 'a=b', EMPTY: '' });
});
