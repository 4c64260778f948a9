import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineLineComments, markOriginal } from '../../../src/weave/edits.js';

test('line comments of generated text become block comments, their line breaks spaces', () => {
  assert.equal(inlineLineComments(`//dd:startwrap\n${markOriginal(7, 'f(x)')}\n//dd:endwrap`), `/*dd:startwrap*/ ${markOriginal(7, 'f(x)')} /*dd:endwrap*/`);
  assert.equal(inlineLineComments('a // tail'), 'a /* tail*/');
  assert.equal(inlineLineComments('a // has */ inside\nb'), 'a /* has * / inside*/ b');
});

test('strings, runes, raw strings and block comments are left alone', () => {
  for (const s of ['"http://x"', '`//raw`', "'/'", '"esc \\" // still string"', '/* // */ b', 'f(\n\ta,\n\tb,\n)']) {
    assert.equal(inlineLineComments(s), s, s);
  }
});

test('original text is never rewritten, even when it holds a line comment; it only moves the lexer state', () => {
  const orig = markOriginal(3, 'g(a, // keep\n b)');
  assert.equal(inlineLineComments(`h(${orig}) // t`), `h(${orig}) /* t*/`);
  // An original run that ends inside a string leaves the generated `//` in that string.
  const open = markOriginal(0, '"abc');
  assert.equal(inlineLineComments(`${open}//x"`), `${open}//x"`);
});
