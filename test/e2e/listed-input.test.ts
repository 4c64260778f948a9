// The weaver's input a plan (and `weft diff`/`explain`) derives from `go list` must be the one
// the compile presents: the weave cache key holds the compile's -lang and its importcfg's
// packages, so a plan that guesses either differently weaves the package a second time, in the
// compile. Checked against what real go would run (`go test -n` on an empty GOCACHE prints
// every compile with its importcfg): std packages (-lang of the toolchain, vendored imports
// under importmap), a module whose go directive names a patch release, a dependency whose go.mod
// has no go directive, test variants and test mains.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runGoList, type ListedPackage } from '../../src/resolve/index.js';
import { weaveInputOfListed } from '../../src/weaving/weave-input.js';
import { hasGo, makeTestEnv, run, testGo } from './helpers.js';

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/li\n\ngo 1.23.0\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n',
  'dep/go.mod': 'module example.com/dep\n',
  'dep/dep.go': 'package dep\n\nfunc Dep() int { return 1 }\n',
  'a/a.go': 'package a\n\nimport (\n\t"net/http"\n\n\t"example.com/dep"\n)\n\nfunc A() int { return len(http.StatusText(200)) + dep.Dep() }\n',
  'a/a_internal_test.go': 'package a\n\nimport "testing"\n\nfunc TestA(t *testing.T) { _ = A() }\n',
  'a/a_test.go': 'package a_test\n\nimport (\n\t"testing"\n\n\t"example.com/li/b"\n)\n\nfunc TestB(t *testing.T) { _ = b.B() }\n',
  'b/b.go': 'package b\n\nimport "example.com/li/a"\n\nfunc B() int { return a.A() }\n',
  'cmd/app/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/li/b"\n)\n\nfunc main() { fmt.Println(b.B()) }\n',
};

interface Compile {
  pkg: string;
  lang: string;
  files: string[];
  importcfg: string[];
}

/** The compiles of a `go build -n`/`go test -n` transcript, each with its importcfg's packages. */
function compilesOf(transcript: string): Compile[] {
  const cfgs = new Map<string, string[]>();
  const lines = transcript.split('\n');
  const out: Compile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const cat = /^cat >(\S+\/importcfg) << 'EOF'/.exec(lines[i]!);
    if (cat !== null) {
      const pkgs: string[] = [];
      for (i++; i < lines.length && lines[i] !== 'EOF'; i++) {
        const m = /^(?:packagefile|importmap) ([^=]+)=/.exec(lines[i]!);
        if (m !== null) pkgs.push(m[1]!);
      }
      cfgs.set(cat[1]!, pkgs);
      continue;
    }
    if (!/\/compile(\.exe)? -o /.test(lines[i]!)) continue;
    const args = lines[i]!.split(' ');
    const value = (flag: string): string => {
      const j = args.indexOf(flag);
      if (j >= 0) return args[j + 1]!;
      const eq = args.find((a) => a.startsWith(`${flag}=`));
      return eq === undefined ? '' : eq.slice(flag.length + 1);
    };
    const pack = args.indexOf('-pack');
    out.push({ pkg: value('-p'), lang: value('-lang'), files: args.slice(pack + 1).filter((f) => f.endsWith('.go')).map((f) => basename(f)).sort(), importcfg: cfgs.get(value('-importcfg')) ?? [] });
  }
  return out;
}

describe('the weaver input derived from go list is the compile\'s', { skip: !hasGo && 'go is not installed' }, () => {
  let mod = '';
  let env: NodeJS.ProcessEnv = {};
  let cleanup = (): void => {};

  before(() => {
    mod = mkdtempSync(join(tmpdir(), 'weft-e2e-listed-input-'));
    for (const [f, text] of Object.entries(FILES)) {
      mkdirSync(join(mod, f, '..'), { recursive: true });
      writeFileSync(join(mod, f), text);
    }
    // An empty GOCACHE: -n prints a compile only when the cache lacks it.
    ({ env, cleanup } = makeTestEnv('listed-input', { privateGocache: true }));
  });

  after(() => {
    cleanup();
    rmSync(mod, { recursive: true, force: true });
  });

  it('gives every listed package the -lang and importcfg packages of its compile', async () => {
    const v = await run(testGo, ['env', 'GOVERSION'], { cwd: mod, env });
    const goVersion = v.stdout.trim();
    // One package per go command: with several, -n prints an importcfg the real build does not write.
    const compiles: Compile[] = [];
    for (const args of [['test', '-n', './a'], ['build', '-n', './cmd/app']]) {
      const n = await run(testGo, args, { cwd: mod, env });
      assert.equal(n.code, 0, n.stderr);
      compiles.push(...compilesOf(n.stderr + n.stdout));
    }
    const listed = await runGoList(['./...'], { go: testGo, dir: mod, env, flags: [], test: true, export: false, deps: false });
    const checked: string[] = [];
    for (const p of listed.packages as ListedPackage[]) {
      const input = weaveInputOfListed({ goVersion, moduleRoot: mod }, p, {});
      // cgo packages compile generated files; the plan leaves them to the compile anyway.
      if (input === null || (p.CgoFiles?.length ?? 0) > 0) continue;
      const files = input.files.map((f) => basename(f)).sort();
      const c = compiles.find((x) => x.pkg === input.importPath && x.files.join(' ') === files.join(' '));
      if (c === undefined) continue;
      assert.equal(input.lang, c.lang, `-lang of ${p.ImportPath}`);
      assert.deepEqual([...input.importcfgPackages].sort(), [...c.importcfg].sort(), `importcfg packages of ${p.ImportPath}`);
      checked.push(p.ImportPath);
    }
    for (const want of ['net/http', 'runtime', 'example.com/dep', 'example.com/li/a', 'example.com/li/a [example.com/li/a.test]', 'example.com/li/a_test [example.com/li/a.test]', 'example.com/li/b [example.com/li/a.test]', 'example.com/li/cmd/app']) {
      assert.ok(checked.includes(want), `${want} was compared (compared: ${checked.length})`);
    }
  });
});
