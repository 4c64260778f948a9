import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildStats, formatStats, parseShimStats } from '../../../src/weaving/index.js';

describe('stats', () => {
  it('counts requests by tool and outcome with sum and median server time', () => {
    const s = new BuildStats();
    s.recordRequest('compile', 100, 'unchanged');
    s.recordRequest('compile', 300, 'woven');
    s.recordRequest('compile', 200, 'unchanged');
    s.recordRequest('link', 1000, 'error');
    const snap = s.snapshot();
    assert.equal(snap.compileRequests, 3);
    assert.equal(snap.linkRequests, 1);
    assert.equal(snap.unchanged, 2);
    assert.equal(snap.woven, 1);
    assert.equal(snap.errors, 1);
    assert.equal(snap.serverMicrosSum, 1600);
    assert.equal(snap.serverMicrosP50, 250);
    assert.equal(snap.serverMicrosMax, 1000);
  });

  it('names the package and the reason of every failed request', () => {
    const s = new BuildStats();
    s.recordRequest('compile', 100, 'unchanged');
    s.recordRequest('compile', 100, 'error', { pkg: 'example.com/a', why: 'E_PLAN: example.com/a was planned as untouched' });
    s.recordRequest('link', 100, 'error', { pkg: '', why: 'E_CLOSED: the server is closing' });
    const snap = s.snapshot();
    assert.equal(snap.errors, 2);
    assert.deepEqual(snap.failed, [
      { tool: 'compile', pkg: 'example.com/a', why: 'E_PLAN: example.com/a was planned as untouched' },
      { tool: 'link', pkg: '', why: 'E_CLOSED: the server is closing' },
    ]);
    const text = formatStats(snap);
    assert.match(text, /weft stats: failed: compile of example\.com\/a \(E_PLAN: example\.com\/a was planned as untouched\)/);
    assert.match(text, /weft stats: failed: link \(E_CLOSED: the server is closing\)/);
  });

  it('an overlay build says go sent weft no requests instead of counting zeros', () => {
    const s = new BuildStats();
    s.mode = { name: 'overlay', reason: 'auto: every woven package can be overlaid', overlayFiles: 3, linkFiles: 0 };
    const text = formatStats(s.snapshot());
    assert.doesNotMatch(text, /0 compile \+ 0 link requests/);
    assert.match(text, /weft stats: no compile or link requests: an overlay build runs go without weft's shim/);
  });

  it('parses the shim stats lines and tolerates garbage', () => {
    const shim = parseShimStats('compile ipc 120\nasm exec 3\ncompile vfull 900\ncompile ipc 80\nbroken line\n\nlink ipc x\n');
    assert.equal(shim.invocations, 4);
    assert.deepEqual(shim.byKind, { ipc: 2, exec: 1, vfull: 1 });
    assert.deepEqual(shim.byTool, { compile: 3, asm: 1 });
    assert.equal(shim.shimMicros, 1103);
    assert.equal(shim.malformed, 2);
    const text = formatStats(new BuildStats().snapshot(shim));
    assert.match(text, /4 tool invocations/);
    assert.match(text, /compile 3, asm 1/);
  });
});

describe('light empty config', () => {
  it('equals src/config emptyConfig() (same fingerprint, so GOCACHE entries agree)', async () => {
    const { lightEmptyConfig } = await import('../../../src/weaving/index.js');
    const { emptyConfig } = await import('../../../src/config/index.js');
    assert.deepEqual(await lightEmptyConfig(), emptyConfig());
  });
});

describe('durations (WEFT_CALL_TIMEOUT, WEFT_IDLE_TIMEOUT)', () => {
  it('reads seconds and Go durations; bad text gives the fallback', async () => {
    const { parseDuration } = await import('../../../src/weaving/index.js');
    assert.equal(parseDuration('90', 1), 90_000);
    assert.equal(parseDuration('500ms', 1), 500);
    assert.equal(parseDuration('1m30s', 1), 90_000);
    assert.equal(parseDuration('2h', 1), 7_200_000);
    assert.equal(parseDuration('soon', 7), 7);
    assert.equal(parseDuration(undefined, 7), 7);
  });
});
