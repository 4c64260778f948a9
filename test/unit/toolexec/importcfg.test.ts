import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImportcfg, formatImportcfg, addPackageFiles, writeImportcfgBeside, readImportcfg } from '../../../src/toolexec/importcfg.js';
import { WeftError } from '../../../src/errors.js';
import { makeTempDir, compilePackage, stdPackageFiles } from './go-helpers.js';

const sample = [
  '# import config',
  'packagefile fmt=/cache/fm/fmt-d',
  'importmap golang.org/x/net/http2=vendor/golang.org/x/net/http2',
  'packagefile vendor/golang.org/x/net/http2=/cache/h2-d',
  'modinfo "0w\\xaf\\f\\x92t\\b\\x02A\\t(\\xf8\\x18path\\texample.com/app"',
  '',
].join('\n');

test('parses packagefile and importmap lines and keeps every other line verbatim', () => {
  const cfg = parseImportcfg(sample);
  assert.equal(cfg.packageFiles.get('fmt'), '/cache/fm/fmt-d');
  assert.equal(cfg.importMap.get('golang.org/x/net/http2'), 'vendor/golang.org/x/net/http2');
  assert.equal(cfg.lines.length, 5);
  assert.equal(formatImportcfg(cfg), sample);
});

test('adds only missing packages, sorted, and never replaces an existing entry (test variants win)', () => {
  const cfg = parseImportcfg(sample);
  const { cfg: out, added } = addPackageFiles(cfg, [
    ['z/runtime', '/c/z'],
    ['fmt', '/other/fmt'],
    ['a/tracer', '/c/a'],
    ['golang.org/x/net/http2', '/c/h2'],
  ]);
  assert.deepEqual(added, ['a/tracer', 'z/runtime']);
  assert.equal(out.packageFiles.get('fmt'), '/cache/fm/fmt-d');
  assert.ok(formatImportcfg(out).endsWith('packagefile a/tracer=/c/a\npackagefile z/runtime=/c/z\n'));
  // the input is untouched
  assert.equal(formatImportcfg(cfg), sample);
});

test('rejects malformed lines with file:line', () => {
  assert.throws(
    () => parseImportcfg('packagefile fmt=/x\npackagefile broken\n', '/w/b001/importcfg'),
    (e: unknown) => e instanceof WeftError && e.code === 'E_TOOLEXEC' && e.location?.line === 2 && e.location.file === '/w/b001/importcfg',
  );
});

test('a patched importcfg written beside the original lets the real compiler see an added package', () => {
  const { dir, cleanup } = makeTempDir('icfg');
  try {
    const rt = compilePackage(dir, 'example.com/rt', 'rt', 'package rt\nfunc Hello() string { return "hi" }\n');
    const original = join(dir, 'importcfg');
    writeFileSync(original, `# import config\n${stdPackageFiles('fmt')}`);
    const before = readFileSync(original, 'utf8');
    const patched = writeImportcfgBeside(original, addPackageFiles(readImportcfg(original), [['example.com/rt', rt]]).cfg);
    assert.notEqual(patched, original);
    assert.equal(readFileSync(original, 'utf8'), before);
    compilePackage(dir, 'example.com/app', 'app', 'package app\nimport ("fmt"; "example.com/rt")\nfunc F() { fmt.Println(rt.Hello()) }\n', patched);
    assert.throws(() => compilePackage(dir, 'example.com/app', 'app2', 'package app\nimport "example.com/rt"\nvar _ = rt.Hello\n', original));
  } finally {
    cleanup();
  }
});
