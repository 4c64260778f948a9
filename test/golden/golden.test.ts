// Golden tests of the weaver: every case under test/golden/cases/<case>/ has aspects.yml and
// input.go (more inputs as input_*.go, or a _testmain.go; options in case.json); the weave goes through the same
// code path as `weft weave` and must reproduce expected.go (expected_<input>.go for other
// inputs, `<no changes>` when nothing is woven), or expected.err for error cases; warnings (what
// could not be decided, see src/weave/undecided.ts) must reproduce expected.warnings.
// UPDATE_GOLDEN=1 rewrites the expected files. Every woven package is then compiled together
// in one temporary module with `go vet ./...`, so "looks right" is never enough.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { WeftError } from '../../src/errors.js';
import { weaveFilesAsCommand } from '../../src/weave/command.js';
import { formatWarning } from '../../src/weave/undecided.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// dist/test/golden → test/golden/cases in the source tree.
const casesDir = join(here, '..', '..', '..', 'test', 'golden', 'cases');
const update = process.env.UPDATE_GOLDEN === '1';
const MODULE = 'example.com/golden';

interface CaseOptions {
  /** Import path of the woven package (default example.com/golden/<case>). */
  importPath?: string;
  /** Set false when the output is not a complete package (it is then not compiled). */
  compile?: boolean;
}

const caseNames = existsSync(casesDir) ? readdirSync(casesDir).filter((n) => existsSync(join(casesDir, n, 'aspects.yml'))).sort() : [];
const moduleDir = mkdtempSync(join(tmpdir(), 'weft-golden-'));
const compiled: string[] = [];

function normalise(text: string, dir: string): string {
  return text.split(`${dir}/`).join('');
}

function checkFile(path: string, actual: string): void {
  if (update || !existsSync(path)) {
    if (!update) assert.fail(`${path} does not exist; run with UPDATE_GOLDEN=1 to create it`);
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

describe('golden weaving', () => {
  after(() => rmSync(moduleDir, { recursive: true, force: true }));

  test('there are at least 60 cases', () => {
    assert.ok(caseNames.length >= 60, `only ${caseNames.length} golden cases`);
  });

  for (const name of caseNames) {
    test(name, async () => {
      const dir = join(casesDir, name);
      const opts: CaseOptions = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseOptions) : {};
      const importPath = opts.importPath ?? `${MODULE}/${name}`;
      const inputs = readdirSync(dir).filter((f) => f === 'input.go' || f === '_testmain.go' || /^input_.*\.go$/.test(f)).sort((a, b) => (a === 'input.go' ? -1 : b === 'input.go' ? 1 : a < b ? -1 : 1));
      const errPath = join(dir, 'expected.err');
      let result;
      try {
        const config = await loadConfig(join(dir, 'aspects.yml'));
        result = await weaveFilesAsCommand(config, importPath, inputs.map((f) => join(dir, f)));
      } catch (e) {
        if (!(e instanceof WeftError)) throw e;
        if (!existsSync(errPath) && !update) assert.fail(`unexpected error: ${e.format()}`);
        checkFile(errPath, `${normalise(e.format(), dir)}\n`);
        if (update) for (const f of readdirSync(dir)) if (/^expected.*\.go$/.test(f)) rmSync(join(dir, f));
        return;
      }
      if (existsSync(errPath)) {
        if (!update) assert.fail(`expected an error (${errPath}) but the weave succeeded`);
        rmSync(errPath);
      }
      const warnPath = join(dir, 'expected.warnings');
      const warnings = (result.warnings ?? []).map((w) => `${normalise(formatWarning(w), dir)}\n`).join('');
      if (warnings !== '' || existsSync(warnPath)) {
        if (update && warnings === '') rmSync(warnPath);
        else checkFile(warnPath, warnings);
      }
      for (const input of inputs) {
        const woven = result.files.find((f) => f.original === join(dir, input));
        const expected = join(dir, input === 'input.go' ? 'expected.go' : input === '_testmain.go' ? 'expected_testmain.go' : `expected_${input.slice('input_'.length)}`);
        checkFile(expected, woven ? normalise(woven.text, dir) : '<no changes>\n');
      }
      if (opts.compile === false || result.files.length === 0) return;
      const pkgDir = join(moduleDir, name);
      mkdirSync(pkgDir, { recursive: true });
      for (const input of inputs) {
        const woven = result.files.find((f) => f.original === join(dir, input));
        if (woven) writeFileSync(join(pkgDir, input), woven.text);
        else copyFileSync(join(dir, input), join(pkgDir, input));
      }
      compiled.push(name);
    });
  }

  test('every woven package compiles (go vet ./... in one module)', () => {
    if (compiled.length === 0) return;
    writeFileSync(join(moduleDir, 'go.mod'), `module ${MODULE}\n\ngo 1.22\n`);
    const r = spawnSync('go', ['vet', './...'], { cwd: moduleDir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' } });
    // Errors point at the original inputs through //line, which names the case.
    assert.equal(r.status, 0, `go vet failed:\n${r.stderr}${r.stdout}`);
  });
});
