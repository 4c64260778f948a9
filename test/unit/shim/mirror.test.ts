// shim/protocol.go mirrors src/protocol/messages.ts by hand: this catches the two drifting apart
// (a new forwarded variable, a version bump, a changed frame limit on one side only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORWARDED_ENV, MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { shimSrc } from './helpers.js';

const goSource = readFileSync(join(shimSrc, 'protocol.go'), 'utf8');

test('protocolVersion in protocol.go equals PROTOCOL_VERSION', () => {
  const m = /const protocolVersion = (\d+)/.exec(goSource);
  assert.ok(m, 'protocolVersion constant not found');
  assert.equal(Number(m[1]), PROTOCOL_VERSION);
});

test('maxFrameBytes in protocol.go equals MAX_FRAME_BYTES', () => {
  const m = /const maxFrameBytes = ([\d *]+)\n/.exec(goSource);
  assert.ok(m, 'maxFrameBytes constant not found');
  const value = m[1]!.split('*').map((x) => Number(x.trim())).reduce((a, b) => a * b, 1);
  assert.equal(value, MAX_FRAME_BYTES);
});

test('forwardedEnv in protocol.go lists FORWARDED_ENV in the same order', () => {
  const m = /var forwardedEnv = \[\]string\{([^}]*)\}/.exec(goSource);
  assert.ok(m, 'forwardedEnv not found');
  const names = [...m[1]!.matchAll(/"([A-Z0-9_]+)"/g)].map((x) => x[1]);
  assert.deepEqual(names, [...FORWARDED_ENV]);
});
