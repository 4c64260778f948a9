// The one rule on a real build: a join point the type oracle cannot answer (an interface whose
// package is not in the build) leaves the function unwoven with a warning that go prints under
// `# pkg` (and weft counts), while the decidable aspects of the same package are woven (a
// method-call whose receiver type only the oracle sees included); `--weft-strict` (or WEFT_STRICT=1)
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
  - id: nowhere-closer
    join-point:
      all-of:
        - package-filter: example.com/undecided
        - function-body:
            function:
              - argument-implements: example.com/nowhere.Closer
    advice:
      - prepend-statements:
          template: 'println("closer woven")'
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
    assert.match(r.stderr, /^weft: warning: .*main\.go:10:15: aspect "nowhere-closer" not woven: argument-implements example\.com\/nowhere\.Closer: whether \*sql\.DB implements it needs type information \(the type oracle could not answer: .*example\.com\/nowhere.*\)$/m);
    assert.equal((r.stats as unknown as { warnings: number }).warnings, 1);
    const out = await run(join(mod, 'app'), [], { cwd: mod, env });
    assert.equal(out.code, 0, out.stderr);
    // The parameter's type is in sight: that call is woven; `db := open()` is typed by the oracle.
    assert.match(out.stderr, /query woven/);
    // database/sql is the receiver's own package: its `.Query(` calls on values of unwritten types need types too.
    assert.equal((r.stats as unknown as { types: { packages: string[] } }).types.packages.join(), 'database/sql,example.com/undecided');
    assert.doesNotMatch(out.stderr, /closer woven/);
    assert.equal(out.stdout, 'done\n');
  });

  it('--weft-strict: the same compile fails (E_UNDECIDABLE), cached lenient results notwithstanding', async () => {
    rmSync(join(mod, 'app'), { force: true });
    const r = await runWeftGo(['build', '--weft-strict', '-o', 'app', '.'], { cwd: mod, env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /main\.go:10:15: aspect "nowhere-closer" not woven: argument-implements example\.com\/nowhere\.Closer/);
    assert.match(r.stderr, /strict mode: example\.com\/undecided has 1 candidate\(s\) weft could not decide or weave/);
    assert.ok(!r.stderr.includes('weft: warning:'), 'in strict mode it is an error, not a warning');
    const again = await runWeftGo(['build', '-o', 'app', '.'], { cwd: mod, env: { ...env, WEFT_STRICT: '1' } });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /strict mode: example\.com\/undecided/);
  });
});
