// The woven file must make the compiler report the user's own file, line and byte column.
// Each test weaves a file with deliberate type errors, compiles the woven text with the real
// go command and compares the reported positions with the original ones.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { weavePackage } from '../../../src/weave/weave-package.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const tmp = tempDir('weft-line-');
after(() => tmp.cleanup());

const aspects = config(
  aspect('enter', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'signature-contains', args: [], returns: [] }, { kind: 'has-receiver', value: false }] }) }),
    advice({ kind: 'prepend-statements', template: tpl('fmt.Println("enter")\nfmt.Println("two lines")', { fmt: 'fmt' }) })),
  aspect('wrap', jp({ kind: 'function-call', callee: { path: 'strings', name: 'ToUpper' } }),
    advice({ kind: 'wrap-expression', template: tpl('strings.TrimSpace(\n{{ . }},\n)', { strings: 'strings' }) })),
);

/** Weaves `source` as file name in its own module, builds it, returns the compiler's error lines. */
async function compileErrors(name: string, source: string): Promise<string[]> {
  const dir = join(tmp.dir, name.replace(/\W/g, '_'));
  mkdirSync(dir, { recursive: true });
  const original = join(dir, 'main.go');
  writeFileSync(original, source);
  const result = await weavePackage(input('example.com/m', [original]), aspects);
  assert.equal(result.files.length, 1, 'the file is woven');
  const outDir = join(dir, 'woven');
  mkdirSync(outDir);
  writeFileSync(join(outDir, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
  writeFileSync(join(outDir, 'main.go'), result.files[0]!.text);
  const r = spawnSync('go', ['build', '-o', join(dir, 'bin'), '.'], { cwd: outDir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' } });
  assert.notEqual(r.status, 0, 'the deliberate errors fail the build');
  return r.stderr.split('\n').filter((l) => l.includes('.go:') || l.includes('.tmpl:')).map((l) => l.replace(`${dir}/`, '').replace(/^\.\.\//, ''));
}

describe('//line mapping', () => {
  test('errors after and inside woven regions point at the original line and column', async () => {
    const src = [
      'package main', // 1
      '', // 2
      'import "strings"', // 3
      '', // 4
      'func main() {', // 5
      '\tvar a int = "x"', // 6  error at col 14
      '\ts := strings.ToUpper(undefinedName)', // 7  error at col 23
      '\t_ = s', // 8
      '\tvar b string = 1 + "ü€" + 2', // 9
      '}', // 10
      '',
    ].join('\n');
    const errs = await compileErrors('basic', src);
    assert.ok(errs.some((e) => e.startsWith('main.go:6:14:')), `want main.go:6:14 in:\n${errs.join('\n')}`);
    assert.ok(errs.some((e) => e.startsWith('main.go:7:23:') && e.includes('undefinedName')), `want main.go:7:23 in:\n${errs.join('\n')}`);
    assert.ok(errs.some((e) => e.startsWith('main.go:9:')), `want main.go:9 in:\n${errs.join('\n')}`);
  });

  test('columns count bytes after multi-byte characters on the same line', async () => {
    const src = 'package main\n\nimport "strings"\n\nfunc main() {\n\t_, _ = "ü€𝄞", strings.ToUpper(nope)\n}\n';
    // "\t_, _ = " is 8 bytes, the literal 11 bytes (2+3+4 + quotes), ", " 2: strings at byte col 22, nope at 38.
    const errs = await compileErrors('bytes', src);
    assert.ok(errs.some((e) => e.startsWith('main.go:6:38:') && e.includes('nope')), `want main.go:6:38 in:\n${errs.join('\n')}`);
  });

  test('a file that already carries //line directives keeps its mapping', async () => {
    const src = 'package main\n\nimport "strings"\n\n//line view.tmpl:40:1\nfunc main() {\n\tx := strings.ToUpper(missing)\n\t_ = x\n}\n';
    const errs = await compileErrors('existing', src);
    // `\tx := strings.ToUpper(missing)` is line 41 of view.tmpl; `missing` at byte col 23.
    assert.ok(errs.some((e) => e.includes('view.tmpl:41:23') && e.includes('missing')), `want view.tmpl:41:23 in:\n${errs.join('\n')}`);
  });
});
