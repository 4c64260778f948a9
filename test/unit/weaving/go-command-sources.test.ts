// Every go flag weft reads gives the same model of the go command whether it comes from the
// command line, from GOFLAGS in the environment or from `go env -w` (the GOENV file), the last
// two as the real go reports them through the build's one `go env` run (readGoFacts). A private
// GOENV file per case: the machine's go configuration is never read nor written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readGoFacts } from '../../../src/weaving/prepare.js';
import { planKey } from '../../../src/plan/plan-record.js';
import { extractBuildFlags } from '../../../src/toolexec/build-flags.js';
import { joinGoflags, readGoCommand, type GoCommand } from '../../../src/toolexec/go-command-line.js';

const go = process.env['WEFT_TEST_GO'] || 'go';
const hasGo = spawnSync(go, ['version'], { stdio: 'ignore' }).status === 0;

/** Each flag of go build that weft reads (the build flags kept for nested go runs, and what decides modes and keys), one value each. */
const CASES: readonly (readonly string[])[] = [
  ['-tags=b,a'],
  ['-cover'],
  ['-covermode=atomic'],
  ['-coverpkg=./...'],
  ['-race'],
  ['-msan'],
  ['-asan'],
  ['-trimpath'],
  ['-gcflags=all=-N -l'],
  ['-ldflags=-s -w'],
  ['-asmflags=all=-trimpath=/x'],
  ['-gccgoflags=all=-O2'],
  ['-mod=mod'],
  ['-modfile=MODFILE'],
  ['-overlay=OVERLAY'],
  ['-pgo=off'],
  ['-buildmode=pie'],
  ['-installsuffix=x'],
  ['-compiler=gc'],
  ['-pkgdir=/tmp/weft-pkgdir'],
  ['-linkshared'],
  ['-buildvcs=false'],
  ['-toolexec=/bin/true x'],
  ['-race', '-cover'],
  ['-tags=x', '-covermode=count', '-trimpath'],
];

/** What weft reads of a go command: everything but where each flag came from. */
function view(cmd: GoCommand, dir: string): unknown {
  return {
    buildFlags: extractBuildFlags(cmd, {}, dir, ['m']).flags,
    flags: cmd.allFlags,
    tags: cmd.tags,
    cover: cmd.cover,
    coverMode: cmd.coverMode,
    overlay: cmd.overlay,
    toolexec: cmd.toolexec?.value ?? null,
    planKey: planKey({ suffix: 's' }, { go, dir, env: {}, command: cmd }),
    packages: cmd.packages,
  };
}

describe('a flag gives the same model from the command line, GOFLAGS and `go env -w`', { skip: !hasGo && 'go is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-go-command-sources-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.23\n');
  writeFileSync(join(dir, 'alt.mod'), 'module m\n\ngo 1.23\n');
  writeFileSync(join(dir, 'overlay.json'), '{"Replace":{}}');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...process.env, GOTOOLCHAIN: process.env['WEFT_TEST_GOTOOLCHAIN'] || 'local', GOFLAGS: '', ...extra });
  let n = 0;

  for (const raw of CASES) {
    it(raw.join(' '), async () => {
      const fields = raw.map((f) => f.replace('MODFILE', join(dir, 'alt.mod')).replace('OVERLAY', join(dir, 'overlay.json')));
      const goenv = join(dir, `env${n++}`);
      const line = readGoCommand(['build', ...fields, '.'], '');

      const fromEnv = await readGoFacts(go, dir, env({ GOFLAGS: joinGoflags(fields), GOENV: goenv }));
      assert.equal(fromEnv.goflags, joinGoflags(fields));
      const w = spawnSync(go, ['env', '-w', `GOFLAGS=${joinGoflags(fields)}`], { cwd: dir, env: env({ GOENV: goenv }), encoding: 'utf8' });
      assert.equal(w.status, 0, w.stderr);
      const fromFile = await readGoFacts(go, dir, env({ GOENV: goenv }));
      assert.equal(fromFile.goflags, joinGoflags(fields), 'go reports the GOENV file\'s GOFLAGS');
      assert.equal(fromFile.goenvFile, goenv);

      const expected = view(line, dir);
      assert.deepEqual(view(readGoCommand(['build', '.'], fromEnv.goflags), dir), expected, 'GOFLAGS in the environment');
      assert.deepEqual(view(readGoCommand(['build', '.'], fromFile.goflags), dir), expected, 'GOFLAGS from go env -w');
      // The environment's GOFLAGS replace the file's, as in go.
      const both = await readGoFacts(go, dir, env({ GOENV: goenv, GOFLAGS: '-mod=readonly' }));
      assert.equal(both.goflags, '-mod=readonly');
    });
  }
});
