// The pack's run-time switches (packs/otel/internal/instrumentations: OTEL_GO_ENABLED_INSTRUMENTATIONS
// and OTEL_GO_DISABLED_INSTRUMENTATIONS) run their own Go tests. The package needs only the
// standard library, so it is tested in a module of its own: no download of the pack's dependencies.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hasGo, makeTestEnv, repoRoot, run } from './helpers.js';

describe('the pack\'s run-time switches (go test)', { skip: !hasGo && 'go is not installed' }, () => {
  it('pass their Go tests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-instrumentations-'));
    const { env, cleanup } = makeTestEnv('instrumentations');
    try {
      cpSync(join(repoRoot, 'packs', 'otel', 'internal', 'instrumentations'), dir, { recursive: true });
      writeFileSync(join(dir, 'go.mod'), 'module example.com/instrumentations\n\ngo 1.22\n');
      const r = await run('go', ['test', '-count=1', '.'], { cwd: dir, env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^ok\s/m);
    } finally {
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
