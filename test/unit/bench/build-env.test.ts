// The build benchmarks' environment helpers that need no go: the environment every build gets,
// the trash that keeps deletions out of the timed part, and what /proc says about a process.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { goEnvBase, processCpuMs, procStatus, statusOf, Trash, usePrivateRuntimeDir } from '../../bench/build-env.js';

describe('benchmark environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-bench-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has no CI and no WEFT_* setting, pins the toolchain and, once asked, a private XDG_RUNTIME_DIR', () => {
    const saved = { CI: process.env['CI'], WEFT_DAEMON: process.env['WEFT_DAEMON'] };
    process.env['CI'] = 'true';
    process.env['WEFT_DAEMON'] = 'off';
    try {
      const run = usePrivateRuntimeDir(dir);
      const env = goEnvBase();
      assert.equal(env['CI'], undefined);
      assert.equal(env['WEFT_DAEMON'], undefined);
      assert.equal(env['GOTOOLCHAIN'], 'local');
      assert.equal(env['XDG_RUNTIME_DIR'], run);
      assert.ok(existsSync(run));
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });

  it('the trash takes a directory away at once and ignores one that is not there', () => {
    const trash = new Trash(join(dir, 'trash'));
    const cache = join(dir, 'gocache');
    mkdirSync(join(cache, 'aa'), { recursive: true });
    writeFileSync(join(cache, 'aa', 'x'), 'x');
    trash.discard(cache);
    trash.discard(join(dir, 'missing'));
    assert.equal(existsSync(cache), false);
    assert.deepEqual(readdirSync(trash.dir), ['1-gocache']);
  });

  it('reads a process\'s RSS and CPU from /proc, and null for a pid that does not exist', () => {
    assert.ok((procStatus(process.pid)?.['VmRSS'] ?? 0) > 0);
    assert.ok((processCpuMs(process.pid) ?? -1) >= 0);
    assert.equal(procStatus(2 ** 22 + 1), null);
    assert.equal(processCpuMs(2 ** 22 + 1), null);
  });

  it('reads the daemon status from an array, an object or a `daemon` field, and nothing from a usage error', () => {
    const one = { pid: 42, rssBytes: 1048576, builds: 3, module: '/m' };
    assert.deepEqual(statusOf(JSON.stringify([one], null, 2)), one);
    assert.deepEqual(statusOf(`weft: a note\n${JSON.stringify([{ module: '/x' }, one])}`), one);
    assert.deepEqual(statusOf(JSON.stringify(one)), one);
    assert.deepEqual(statusOf(JSON.stringify({ daemon: one })), one);
    assert.deepEqual(statusOf('[]'), {});
    assert.equal(statusOf("weft: unknown command 'daemon'"), null);
  });
});
