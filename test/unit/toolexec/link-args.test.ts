import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinkArgs, withLinkImportcfg, withCompileImportcfg } from '../../../src/toolexec/link-args.js';
import { WeftError } from '../../../src/errors.js';

const linkArgs = ['-o', '$WORK/b001/exe/a.out', '-importcfg', '$WORK/b001/importcfg.link', '-buildmode=exe', '-buildid=abc/def', '-extld=gcc', '-s', '-X', 'main.v=1', '$WORK/b001/_pkg_.a'];

test('parses the link command the go command issues', () => {
  const c = parseLinkArgs(linkArgs);
  assert.equal(c.output, '$WORK/b001/exe/a.out');
  assert.equal(c.importcfg, '$WORK/b001/importcfg.link');
  assert.equal(c.buildmode, 'exe');
  assert.deepEqual(c.archives, ['$WORK/b001/_pkg_.a']);
});

test('points -importcfg at a new file, in either spelling, leaving every other argument alone', () => {
  const c = parseLinkArgs(linkArgs);
  const out = withLinkImportcfg(c, '/w/importcfg.link.weft');
  assert.deepEqual(out, linkArgs.map((a) => (a === '$WORK/b001/importcfg.link' ? '/w/importcfg.link.weft' : a)));
  const inline = parseLinkArgs(['-importcfg=/w/cfg', '-buildmode=pie', '/w/main.a']);
  assert.deepEqual(withLinkImportcfg(inline, '/w/cfg.weft'), ['-importcfg=/w/cfg.weft', '-buildmode=pie', '/w/main.a']);
  assert.equal(inline.buildmode, 'pie');
});

test('a link without a main archive is E_TOOLEXEC', () => {
  assert.throws(() => parseLinkArgs(['-o', 'x', '-importcfg', 'y']), (e: unknown) => e instanceof WeftError && e.code === 'E_TOOLEXEC');
});

test('compile -importcfg replaced wherever it is, or added first', () => {
  assert.deepEqual(withCompileImportcfg(['-p', 'a', '-importcfg', '/w/cfg', '-pack', '/s/a.go'], '/w/cfg.weft'), ['-p', 'a', '-importcfg', '/w/cfg.weft', '-pack', '/s/a.go']);
  assert.deepEqual(withCompileImportcfg(['-importcfg=/w/cfg', '/s/a.go'], '/n'), ['-importcfg=/n', '/s/a.go']);
  assert.deepEqual(withCompileImportcfg(['-p', 'a', '/s/a.go'], '/n'), ['-importcfg=/n', '-p', 'a', '/s/a.go']);
});
