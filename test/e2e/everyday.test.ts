// The everyday commands on a real module and the real go: --weft-stats=json, the progress line
// (through a real pseudo-terminal, script(1)), and the commands added next to them. One module
// and the test run's GOCACHE, so std is compiled once.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { stripLineDirectives } from '../../src/weave/index.js';
import { copyFixture, hasCommand, hasGo, makeTestEnv, renderScreen, run, runWeft, weftBin, type StatsJson } from './helpers.js';

export const GREET_ASPECTS = `meta: {name: everyday, description: trace greet}
aspects:
  - id: trace-greet
    join-point:
      all-of:
        - import-path: example.com/pipeline/internal/greet
        - function-body:
            function: [{name: Hello}]
    advice:
      prepend-statements:
        imports: {fmt: fmt}
        template: fmt.Print("")
`;


const hasScript = hasCommand('script');

describe('everyday commands', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = copyFixture('pipeline');
    ({ env, cleanup } = makeTestEnv('everyday'));
    writeFileSync(join(mod, 'weft.yml'), GREET_ASPECTS);
  });
  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('--weft-stats=json prints the WEFT_STATS_JSON report as one line on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-statsjson-'));
    try {
      const file = join(dir, 'stats.json');
      const r = await runWeft(['go', 'build', '--weft-stats=json', './...'], { cwd: mod, env: { ...env, WEFT_STATS_JSON: file } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      const line = r.stderr.trimEnd().split('\n').at(-1)!;
      const onStderr = JSON.parse(line) as StatsJson;
      const inFile = JSON.parse(readFileSync(file, 'utf8')) as StatsJson;
      assert.deepEqual(onStderr, inFile);
      assert.equal(onStderr.exitCode, 0);
      // greet is in the main module: auto hands go the woven file, no compile asks weft.
      assert.equal(onStderr.mode?.name, 'overlay');
      assert.equal(onStderr.compileRequests, 0);
      assert.equal(onStderr.plan?.woven, 1);
      assert.deepEqual((onStderr as unknown as { aspects: Record<string, number> }).aspects, { 'trace-greet': 1 });
      // The CPU figure counts from the process start (Node's start and loading weft alone take
      // well over 50 ms of CPU), not only while go ran: an overlay build's Node idles then.
      const figures = onStderr as unknown as { weftCpuMs: number; weftCpuCovers: string; commandWallMs: number; failed: unknown[] };
      assert.match(figures.weftCpuCovers, /since the process started/);
      assert.ok(figures.weftCpuMs >= 50, `weft process cpu ${figures.weftCpuMs} ms`);
      assert.ok(figures.commandWallMs >= onStderr.wallMs, 'the command took at least as long as go');
      assert.deepEqual(figures.failed, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weft diff: the woven code as a unified diff that patch(1) applies; --stat counts it', async () => {
    const r = await runWeft(['diff', './...'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^--- a\/internal\/greet\/greet\.go\n\+\+\+ b\/internal\/greet\/greet\.go\n@@ /);
    assert.match(r.stdout, /^\+__weft_fmt\.Print\(""\)$/m);
    assert.doesNotMatch(r.stdout, /\x1b|line /, 'no colour on a pipe, no //line directives');
    assert.match(r.stderr, /weft diff: 1 of \d+ packages woven by 1 aspects of .*weft\.yml/);
    // The diff is right: applied to a copy, it gives the woven file minus its //line directives.
    const copy = mkdtempSync(join(tmpdir(), 'weft-e2e-diff-'));
    try {
      mkdirSync(join(copy, 'internal', 'greet'), { recursive: true });
      writeFileSync(join(copy, 'internal', 'greet', 'greet.go'), readFileSync(join(mod, 'internal', 'greet', 'greet.go')));
      const p = spawnSync('patch', ['-p1', '-s', '-d', copy], { input: r.stdout, encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      const weave = await runWeft(['weave', '--config', 'weft.yml', '--import-path', 'example.com/pipeline/internal/greet', 'internal/greet/greet.go'], { cwd: mod, env });
      assert.equal(readFileSync(join(copy, 'internal', 'greet', 'greet.go'), 'utf8'), stripLineDirectives(weave.stdout));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    const stat = await runWeft(['diff', '--stat', './...'], { cwd: mod, env });
    assert.equal(stat.stdout, ' internal/greet/greet.go |    4 ++++\n 1 files changed, 4 insertions(+), 0 deletions(-)\n');
    const colour = await runWeft(['diff', '--color=always', './internal/greet'], { cwd: mod, env });
    assert.match(colour.stdout, /\x1b\[32m\+__weft_fmt\.Print\(""\)\x1b\[0m/);
    const none = await runWeft(['diff', './internal/strs'], { cwd: mod, env });
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /0 of 1 packages woven/);
    const bad = await runWeft(['diff', './nope'], { cwd: mod, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /go list found no package for \.\/nope/);
  });

  it('weft doctor: every check passes on a healthy module, exit 0', async () => {
    const r = await runWeft(['doctor'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const subject of ['go', 'shim', 'weft cache', 'socket directory', 'GOCACHE', 'config', 'runtime', 'GOFLAGS']) {
      assert.match(r.stdout, new RegExp(`^ok +${subject} `, 'm'), subject);
    }
    assert.match(r.stdout, /^ok +config +.*weft\.yml: 1 aspects$/m);
    assert.match(r.stdout, /aspects: trace-greet/);
    assert.match(r.stdout, /^ok +runtime +fmt \(std\)$/m);
    assert.match(r.stdout, /no problems found\n$/);
  });

  it('weft doctor: each problem with its fix, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-e2e-doctor-'));
    try {
      const cfg = join(dir, 'inject.yml');
      writeFileSync(cfg, GREET_ASPECTS.replace('imports: {fmt: fmt}', 'imports: {fmt: example.com/not/required}'));
      const notADir = join(dir, 'file');
      writeFileSync(notADir, '');
      const r = await runWeft(['--config', cfg, 'doctor'], { cwd: mod, env: { ...env, GOFLAGS: '-toolexec=/usr/bin/env', WEFT_CACHE: join(notADir, 'cache') } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^PROBLEM runtime +example\.com\/not\/required, injected by the aspects, is not available/m);
      assert.match(r.stdout, /fix: weft pin example\.com\/not\/required/);
      assert.match(r.stdout, /^PROBLEM GOFLAGS +-toolexec=\/usr\/bin\/env is set/m);
      assert.match(r.stdout, /^PROBLEM weft cache +.*file is not a directory$/m);
      assert.match(r.stdout, /fix: set WEFT_CACHE to a writable directory/);
      assert.match(r.stdout, /^PROBLEM shim /m);
      assert.match(r.stdout, /4 problems found\n$/);
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, GREET_ASPECTS.replace('template: fmt.Print("")', 'template: "{{ .Nope"'));
      const j = await runWeft(['--config', bad, 'doctor', '--json'], { cwd: mod, env });
      assert.equal(j.code, 1);
      const report = JSON.parse(j.stdout) as { problems: number; findings: { status: string; subject: string; details?: string[] }[] };
      assert.equal(report.problems, 1);
      const config = report.findings.find((f) => f.subject === 'config')!;
      assert.equal(config.status, 'problem');
      assert.match(config.details?.[0] ?? '', /bad\.yml:\d+: .*advice template does not parse/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('weft explain: a package and a file, per aspect, with matches and reasons', async () => {
    const r = await runWeft(['explain', './internal/greet'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^package example\.com\/pipeline\/internal\/greet: woven by trace-greet$/m);
    assert.match(r.stdout, /^  aspect trace-greet \(.*weft\.yml:3\): WOVEN$/m);
    assert.match(r.stdout, /^      internal\/greet\/greet\.go: passes; found "func" "Hello"$/m);
    assert.match(r.stdout, /^    match    internal\/greet\/greet\.go:6: body of func Hello: /m);
    const other = await runWeft(['explain', 'internal/strs/strs.go', '--aspect', 'trace-greet'], { cwd: mod, env });
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /aspect trace-greet .*: not woven\n    package: rejects the package \(import-path example\.com\/pipeline\/internal\/greet: no/);
    const both = await runWeft(['explain', '--config', './internal/greet'], { cwd: mod, env });
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout, /^1 file loaded, 1 aspect in all/m);
    assert.match(both.stdout, /^package example\.com\/pipeline\/internal\/greet: woven by trace-greet$/m);
    const none = await runWeft(['explain'], { cwd: mod, env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs a package, a file or --config/);
  });

  describe('progress line', () => {
    before(() => {
      mkdirSync(join(mod, 'internal', 'broken'), { recursive: true });
      writeFileSync(join(mod, 'internal', 'broken', 'broken.go'), 'package broken\n\nvar X = nope\n');
    });
    after(() => rmSync(join(mod, 'internal', 'broken'), { recursive: true, force: true }));

    it('on a terminal: drawn in place on stderr, cleared at the end, go\'s errors on lines of their own', { skip: !hasScript && 'script(1) is not installed' }, async () => {
      // -a: every package is compiled, so weft answers many requests while the line is up.
      const cmd = `stty cols 200; ${process.execPath} ${weftBin} go build -a ./...`;
      const r = await run('script', ['-qefc', cmd, '/dev/null'], { cwd: mod, env: { ...env, COLUMNS: '200' } });
      assert.equal(r.code, 1, r.stdout);
      const raw = r.stdout;
      assert.match(raw, /\r\x1b\[Kweft: reading the configuration · \d+\.\d s/, 'the line is up from the start');
      assert.match(raw, /\r\x1b\[Kweft: go build \((overlay|planned|toolexec)\) · .* · \d+\.\d s/, 'the line was drawn in place while go ran');
      const screen = renderScreen(raw.replace(/\r\n/g, '\n')).filter((l) => l !== '');
      assert.ok(!screen.some((l) => l.startsWith('weft: ')), `the line is cleared at the end:\n${screen.join('\n')}`);
      assert.ok(screen.includes('# example.com/pipeline/internal/broken'), screen.join('\n'));
      assert.ok(screen.some((l) => /^internal[/]broken[/]broken\.go:3:9: undefined: nope$/.test(l)), screen.join('\n'));
    });

    it('on a non-terminal: nothing, unless --weft-progress, which prints plain lines', async () => {
      const quiet = await runWeft(['go', 'build', './...'], { cwd: mod, env });
      assert.equal(quiet.code, 1);
      assert.doesNotMatch(quiet.stderr, /^weft: /m);
      assert.match(quiet.stderr, /^# example\.com\/pipeline\/internal\/broken$/m);
      const loud = await runWeft(['go', 'build', '--weft-progress', './...'], { cwd: mod, env });
      assert.equal(loud.code, 1);
      assert.equal(loud.stdout, '');
      assert.doesNotMatch(loud.stderr, /[\r\x1b]/);
      assert.match(loud.stderr, /^weft: go build \((overlay|planned|toolexec)\) · .* · \d+\.\d s$/m);
      assert.match(loud.stderr, /^internal\/broken\/broken\.go:3:9: undefined: nope$/m);
    });
  });
});
