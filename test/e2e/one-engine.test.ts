// One engine: `weft weave`, `weft diff` and `weft explain` decide typed join points as a build
// does. A module whose aspects need type information (ArgumentThatImplements, result-implements,
// final-result-implements, argument-implements with a local struct implementing
// context.Context) is built with `weft go build -work`; the woven file the compile received (in
// go's kept $WORK) must be what `weft weave` prints, what `weft diff` shows and what `weft
// explain` reports as woven. Without a go.mod, or with a package that does not compile, the
// commands say why the typed candidates stay unwoven.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hasGo, makeTestEnv, run, runWeft, runWeftGo } from './helpers.js';

const MAIN = `package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

type quietCtx struct{}

func (quietCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (quietCtx) Done() <-chan struct{}       { return nil }
func (quietCtx) Err() error                  { return nil }
func (quietCtx) Value(any) any               { return nil }

func read(n int, r *strings.Reader) int { return n + r.Len() }

func open() (*os.File, error) { return os.Stdout, nil }

func last() (int, time.Duration) { return 1, time.Second }

func handle(c quietCtx) error { return c.Err() }

func main() {
	fmt.Println(read(1, strings.NewReader("ab")))
	f, _ := open()
	_ = f
	_, b := last()
	_ = b
	_ = handle(quietCtx{})
	_ = context.Background
}
`;

const ASPECTS = `meta:
  name: typed
  description: join points and templates that need type information
aspects:
  - id: reader
    join-point:
      all-of:
        - package-filter: example.com/typed
        - function-body:
            function:
              - name: read
    advice:
      - prepend-statements:
          template: '{{ with .Function.ArgumentThatImplements "io.Reader" }}println("reader", {{ . }} != nil){{ end }}'
  - id: writer-result
    join-point:
      all-of:
        - package-filter: example.com/typed
        - function-body:
            function:
              - result-implements: io.Writer
    advice:
      - prepend-statements:
          template: println("writer result")
  - id: stringer-final
    join-point:
      all-of:
        - package-filter: example.com/typed
        - function-body:
            function:
              - final-result-implements: fmt.Stringer
    advice:
      - prepend-statements:
          template: println("stringer final")
  - id: local-context
    join-point:
      all-of:
        - package-filter: example.com/typed
        - function-body:
            function:
              - argument-implements: context.Context
    advice:
      - prepend-statements:
          template: println("context argument")
`;

const WOVEN_LINES = ['println("reader", r != nil)', 'println("writer result")', 'println("stringer final")', 'println("context argument")'];

/** The woven main.go a compile of the build received: go -work keeps $WORK, weft writes it there. */
function buildWoven(stderr: string): string {
  const work = /^WORK=(.+)$/m.exec(stderr)?.[1];
  assert.ok(work !== undefined, `go printed WORK=:\n${stderr}`);
  const found: string[] = [];
  for (const b of readdirSync(work)) {
    let names: string[] = [];
    try {
      names = readdirSync(join(work, b));
    } catch {
      continue;
    }
    for (const n of names) if (/^weft-\d+-main\.go$/.test(n)) found.push(join(work, b, n));
  }
  assert.equal(found.length, 1, `one woven main.go under ${work}: ${found.join(', ')}`);
  const text = readFileSync(found[0]!, 'utf8');
  rmSync(work, { recursive: true, force: true });
  return text;
}

describe('weave, diff and explain decide typed join points as a build does (real go)', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};
  let built = '';

  before(async () => {
    mod = mkdtempSync(join(tmpdir(), 'weft-e2e-one-engine-'));
    writeFileSync(join(mod, 'go.mod'), 'module example.com/typed\n\ngo 1.22\n');
    writeFileSync(join(mod, 'main.go'), MAIN);
    writeFileSync(join(mod, 'weft.yml'), ASPECTS);
    ({ env, cleanup } = makeTestEnv('one-engine'));
    const r = await runWeftGo(['build', '-work', '--weft-mode=toolexec', '-o', 'app', '.'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    built = buildWoven(r.stderr);
    const out = await run(join(mod, 'app'), [], { cwd: mod, env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, 'reader true\nwriter result\nstringer final\ncontext argument\n', 'the build wove every typed join point');
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('weft weave prints the file the build compiled', async () => {
    const r = await runWeft(['weave', '--config', 'weft.yml', '--import-path', 'example.com/typed', 'main.go'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/);
    assert.equal(r.stdout, built);
  });

  it('weft diff shows the build\'s woven file, without warnings', async () => {
    const r = await runWeft(['diff', '--color=never', '.'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning|needs type information/);
    // The diff of the original against the build's woven file, as weft diff prints it.
    const { stripLineDirectives, unifiedDiff } = await import('../../src/weave/index.js');
    assert.equal(r.stdout, unifiedDiff(MAIN, stripLineDirectives(built), { from: 'a/main.go', to: 'b/main.go' }).text);
    for (const l of WOVEN_LINES) assert.ok(r.stdout.includes(`+${l}`) || r.stdout.includes(l), `${l} in the diff:\n${r.stdout}`);
  });

  it('weft explain reports every typed aspect woven', async () => {
    const r = await runWeft(['explain', '--json', '.'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { packages: { woven: string[]; warnings: unknown[] }[] };
    assert.deepEqual([...j.packages[0]!.woven].sort(), ['local-context', 'reader', 'stringer-final', 'writer-result']);
    assert.deepEqual(j.packages[0]!.warnings, []);
  });

  it('a package that does not compile: diff says why the typed candidates stay unwoven', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'weft-e2e-one-engine-broken-'));
    try {
      writeFileSync(join(broken, 'go.mod'), 'module example.com/typed\n\ngo 1.22\n');
      writeFileSync(join(broken, 'main.go'), MAIN.replace('return n + r.Len()', 'return n + r.Len() + undefinedName'));
      writeFileSync(join(broken, 'weft.yml'), ASPECTS);
      const r = await runWeft(['diff', '--color=never', '.'], { cwd: broken, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /not woven: .*needs type information \(the type oracle could not answer: go\/types cannot check package main: .*main\.go:\d+:\d+: undefined: undefinedName\)/, `the type error is named:\n${r.stderr}`);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('no go.mod: weft weave says the typed candidates need a module', async () => {
    const loose = mkdtempSync(join(tmpdir(), 'weft-e2e-one-engine-loose-'));
    try {
      mkdirSync(loose, { recursive: true });
      writeFileSync(join(loose, 'main.go'), MAIN);
      writeFileSync(join(loose, 'weft.yml'), ASPECTS);
      const r = await runWeft(['weave', '--config', 'weft.yml', '--import-path', 'example.com/typed', 'main.go'], { cwd: loose, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /no go\.mod/, r.stderr);
    } finally {
      rmSync(loose, { recursive: true, force: true });
    }
  });
});
