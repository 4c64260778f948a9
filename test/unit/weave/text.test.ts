import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { advanceLex, mapGenerated, markOriginal, splitMarked } from '../../../src/weave/edits.js';
import { compareLang, rewriteQualifiers } from '../../../src/weave/templates.js';

describe('import qualifiers in generated code', () => {
  const alias = (name: string): string => `__weft_${name}`;
  const names = new Set(['fmt', 'http']);

  test('qualifiers are renamed, other identifiers are not', () => {
    assert.equal(rewriteQualifiers('fmt.Println(x.fmt, fmtx.A, http .Get)', names, alias), '__weft_fmt.Println(x.fmt, fmtx.A, __weft_http .Get)');
    assert.equal(rewriteQualifiers('var fmt = 1; _ = fmt', names, alias), 'var fmt = 1; _ = fmt');
    assert.equal(rewriteQualifiers('[]*http.Request{}', names, alias), '[]*__weft_http.Request{}');
  });

  test('strings, runes and comments are left alone', () => {
    const src = '"fmt.Println" + `http.Get` + string(\'f\') // fmt.X\n/* http.Y */ fmt.Z';
    assert.equal(rewriteQualifiers(src, names, alias), '"fmt.Println" + `http.Get` + string(\'f\') // fmt.X\n/* http.Y */ __weft_fmt.Z');
  });

  test('an empty alias (the package itself) drops the qualifier', () => {
    assert.equal(rewriteQualifiers('self.helper()', new Set(['self']), () => ''), 'helper()');
  });

  test('original text never goes through the rewrite', () => {
    const marked = `fmt.Sprint(${markOriginal(7, 'fmt.Sprint(1)')})`;
    const out = mapGenerated(marked, (g) => rewriteQualifiers(g, names, alias));
    assert.deepEqual(splitMarked(out), [{ orig: -1, text: '__weft_fmt.Sprint(' }, { orig: 7, text: 'fmt.Sprint(1)' }, { orig: -1, text: ')' }]);
  });
});

describe('lexer state of generated text', () => {
  test('string, raw string, rune and comment states', () => {
    assert.equal(advanceLex('code', 'x := "abc'), 'string');
    assert.equal(advanceLex('string', 'def\\" still"'), 'code');
    assert.equal(advanceLex('code', 'a := `raw'), 'raw');
    assert.equal(advanceLex('code', "r := '\\''"), 'code');
    assert.equal(advanceLex('code', 'x // note'), 'line-comment');
    assert.equal(advanceLex('line-comment', ' more\ny'), 'code');
    assert.equal(advanceLex('code', 'a /* b'), 'block-comment');
    assert.equal(advanceLex('block-comment', ' c */ d'), 'code');
  });
});

describe('language versions', () => {
  test('compare numerically', () => {
    assert.ok(compareLang('go1.21', 'go1.9') > 0);
    assert.ok(compareLang('go1.18', 'go1.18.0') === 0);
    assert.ok(compareLang('', 'go1.18') < 0);
  });
});
