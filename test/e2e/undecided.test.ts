// The one rule on a real build: a method-call join point whose receiver type weft cannot see
// leaves the call unwoven with a warning that go prints under `# pkg` (and weft counts), while
// the decidable aspects of the same package are woven; `--weft-strict` (or WEFT_STRICT=1)
// fails that compile instead, with E_UNDECIDABLE, even when GOCACHE holds the lenient result.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, run, runWeftGo } from './helpers.js';

const MAIN = `package main

import (
	"database/sql"
	"fmt"
)

func open() *sql.DB { return nil }

func query(db *sql.DB) {
	defer func() { _ = recover() }()
	_, _ = db.Query("select 1")
}

func main() {
	db := open()
	if false {
		_, _ = db.Query("select 2")
	}
	query(db)
	fmt.Println("done")
}
`;

const ASPECTS = `meta:
  name: undecided
  description: one decidable and one undecidable method call
aspects:
  - id: sql-query
    join-point:
      method-call:
        receiver: database/sql.DB
        match: pointer-only
        name: Query
    advice:
      - wrap-expression:
          imports: {sql: database/sql}
          template: 'func() (*sql.Rows, error) { println("query woven"); return {{ . }} }()'
`;

describe('undecided candidates in a real build', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = mkdtempSync(join(tmpdir(), 'weft-e2e-undecided-'));
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(mod, 'go.mod'), 'module example.com/undecided\n\ngo 1.22\n');
    writeFileSync(join(mod, 'main.go'), MAIN);
    writeFileSync(join(mod, 'weft.yml'), ASPECTS);
    ({ env, cleanup } = makeTestEnv('undecided'));
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('default mode: the build succeeds, go shows the warning under # pkg, the decidable call is woven', async () => {
    const r = await runWeftGo(['build', '-o', 'app', '.'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^# example\.com\/undecided\n/m);
    assert.match(r.stderr, /^weft: warning: .*main\.go:18:10: aspect "sql-query" not woven: method-call database\/sql\.DB\.Query: the type of `db` needs type information$/m);
    assert.equal((r.stats as unknown as { warnings: number }).warnings, 1);
    const out = await run(join(mod, 'app'), [], { cwd: mod, env });
    assert.equal(out.code, 0, out.stderr);
    // The parameter's type is in sight: that call is woven.
    assert.match(out.stderr, /query woven/);
    assert.equal(out.stdout, 'done\n');
  });

  it('--weft-strict: the same compile fails (E_UNDECIDABLE), cached lenient results notwithstanding', async () => {
    rmSync(join(mod, 'app'), { force: true });
    const r = await runWeftGo(['build', '--weft-strict', '-o', 'app', '.'], { cwd: mod, env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /main\.go:18:10: aspect "sql-query" not woven: method-call database\/sql\.DB\.Query/);
    assert.match(r.stderr, /strict mode: example\.com\/undecided has 1 candidate\(s\) weft could not decide or weave/);
    assert.ok(!r.stderr.includes('weft: warning:'), 'in strict mode it is an error, not a warning');
    const again = await runWeftGo(['build', '-o', 'app', '.'], { cwd: mod, env: { ...env, WEFT_STRICT: '1' } });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /strict mode: example\.com\/undecided/);
  });
});
