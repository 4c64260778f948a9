// The oracle client's failure handling, against stand-in processes and the real oracle: a
// process that never answers times out (and is stopped), one that is killed or exits rejects
// every pending and later call with E_ORACLE saying how it ended, a refused handshake says why,
// close() ends a healthy oracle, and the real oracle answers a batch about a package it cannot
// check with E_TYPES instead of failing.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeftError } from '../../../src/errors.js';
import { startOracle, type CheckInput } from '../../../src/oracle/index.js';
import { ensureOracle, gorootOfTool } from '../../../src/install/ensure-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-oracle-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const input: CheckInput = { pkg: 'example.com/x', files: [join(dir, 'x.go')], lang: 'go1.22', goos: 'linux', goarch: 'amd64', tags: [], importcfg: join(dir, 'importcfg'), extra: {}, questions: [{ k: 'type', file: join(dir, 'x.go'), start: 0, end: 1 }] };

const isCode = (code: string, re: RegExp) => (e: unknown): boolean => e instanceof WeftError && e.code === code && re.test(e.message);

describe('oracle client', () => {
  it('a process that never answers: the call times out and the process is stopped', async () => {
    const o = startOracle({ binary: script('silent', 'exec sleep 60'), weftVersion: 't', callTimeoutMs: 300 });
    await assert.rejects(o.check(input), isCode('E_TIMEOUT', /did not answer about example\.com\/x/));
    await assert.rejects(o.check(input), isCode('E_ORACLE', /hung on example\.com\/x and was stopped/));
    await o.close();
  });

  it('killed while a call is pending: that call and later ones fail with E_ORACLE naming the signal', async () => {
    const o = startOracle({ binary: script('sleeper', 'exec sleep 60'), weftVersion: 't' });
    const pending = o.check(input);
    setTimeout(() => process.kill(o.pid!, 'SIGKILL'), 100);
    await assert.rejects(pending, isCode('E_ORACLE', new RegExp(`\\(pid ${o.pid}\\) was killed by SIGKILL`)));
    await assert.rejects(o.check(input), isCode('E_ORACLE', /killed by SIGKILL/));
    await o.close();
  });

  it('a process that exits shows its exit code and the end of its stderr', async () => {
    const o = startOracle({ binary: script('crash', 'echo "panic: boom" >&2; exit 3'), weftVersion: 't' });
    await assert.rejects(o.check(input), (e: unknown) => e instanceof WeftError && e.code === 'E_ORACLE' && /exited with code 3/.test(e.message) && e.details.includes('panic: boom'));
  });

  it('a binary that does not exist fails the call with E_ORACLE', async () => {
    const o = startOracle({ binary: join(dir, 'missing'), weftVersion: 't' });
    await assert.rejects(o.check(input), (e: unknown) => e instanceof WeftError && e.code === 'E_ORACLE');
  });

  it('the real oracle: handshake, an unreadable importcfg answered as E_TYPES, close ends the process', async () => {
    const env = spawnSync('go', ['env', 'GOROOT', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).stdout.trim().split('\n');
    const compilePath = join(env[0]!, 'pkg', 'tool', `${env[1]}_${env[2]}`, 'compile');
    assert.equal(gorootOfTool(compilePath), env[0]);
    const binary = await ensureOracle({ compilePath, cacheDir: join(tmpdir(), 'weft-unit-oracle-cache') });
    writeFileSync(join(dir, 'x.go'), 'package x\n');
    const o = startOracle({ binary, weftVersion: 't' });
    const reply = await o.check(input);
    assert.equal(reply.ok, false);
    assert.ok(!reply.ok && reply.error.code === 'E_TYPES' && /cannot read the compile's importcfg/.test(reply.error.message), JSON.stringify(reply));
    const pid = o.pid!;
    await o.close();
    assert.throws(() => process.kill(pid, 0), 'the process is gone');
    await assert.rejects(o.check(input), (e: unknown) => e instanceof WeftError && (e.code === 'E_CLOSED' || e.code === 'E_ORACLE'));
  });

  it('gorootOfTool refuses a compiler outside a Go installation', () => {
    assert.throws(() => gorootOfTool('/go/compile'), isCode('E_GO_NOT_FOUND', /cannot find the Go toolchain of the compiler \/go\/compile/));
  });
});
