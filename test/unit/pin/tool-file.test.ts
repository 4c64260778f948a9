// The pieces of weft pin that need no go: the undo hunks (any edit turned back byte for byte)
// and the tool file's imports and records.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyHunks, undoHunks } from '../../../src/pin/line-diff.js';
import { addImports, importsOf, joinToolFile, newToolFileBase, removeImports, splitToolFile, type PinRecord } from '../../../src/pin/tool-file.js';
import { parseToolFile } from '../../../src/config/index.js';

describe('undo hunks', () => {
  const cases: [string, string, string][] = [
    ['a require line added to a block', 'module m\n\ngo 1.22\n\nrequire (\n\ta v1\n)\n', 'module m\n\ngo 1.22\n\nrequire (\n\ta v1\n\tb v2\n)\n'],
    ['a single require turned into a block', 'module m\n\ngo 1.22\n\nrequire a v1\n', 'module m\n\ngo 1.22\n\nrequire (\n\ta v1\n\tb v2\n)\n'],
    ['a version and the go line changed', 'module m\n\ngo 1.22\n\nrequire a v1.1.0\n', 'module m\n\ngo 1.25\n\nrequire a v1.2.0\n\ntool x\n'],
    ['from nothing', '', 'package tools\n'],
    ['no final newline', 'module m', 'module m\n\ngo 1.22\n'],
    ['identical', 'x\ny\n', 'x\ny\n'],
  ];
  for (const [what, older, newer] of cases) {
    it(what, () => {
      const hunks = undoHunks(older, newer);
      assert.equal(applyHunks(newer, hunks), older);
      if (older === newer) assert.deepEqual(hunks, []);
    });
  }
  it('survives JSON (the record is a comment line)', () => {
    const older = 'module m\n\nrequire a v1 // indirect\n';
    const newer = 'module m\n\nrequire (\n\ta v1 // indirect\n\t"b" v2\n)\n';
    assert.equal(applyHunks(newer, JSON.parse(JSON.stringify(undoHunks(older, newer)))), older);
  });
});

describe('the tool file', () => {
  it('a new file: build constraint, package tools, one sorted import block marked `// integration`; Go parses it', () => {
    const text = addImports(newToolFileBase(), ['example.com/z', 'example.com/a'], 'f.go');
    assert.match(text, /^\/\/go:build tools\n\npackage tools\n\nimport \(\n\t_ "example\.com\/a" \/\/ integration\n\t_ "example\.com\/z" \/\/ integration\n\)\n$/m);
    const parsed = parseToolFile(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.imports.map((i) => i.path), ['example.com/a', 'example.com/z']);
  });

  it('an existing file: into its import block in order, or after single imports; existing imports are kept', () => {
    const block = '//go:build tools\n\npackage tools\n\nimport (\n\t_ "example.com/b"\n\t_ "example.com/d"\n)\n';
    assert.deepEqual(importsOf(addImports(block, ['example.com/c'], 'f.go'), 'f.go'), ['example.com/b', 'example.com/c', 'example.com/d']);
    assert.equal(addImports(block, ['example.com/b'], 'f.go'), block);
    const single = '//go:build tools\n\npackage tools\n\nimport _ "example.com/b"\n';
    assert.equal(addImports(single, ['example.com/c'], 'f.go'), `${single}import _ "example.com/c" // integration\n`);
    assert.equal(removeImports(addImports(single, ['example.com/c'], 'f.go'), ['example.com/c']), single);
  });

  it('records follow the Go text and come back unchanged; a foreign line among them is an error', () => {
    const base = addImports(newToolFileBase(), ['example.com/a'], 'f.go');
    const record = { bundle: 'example.com/a', pack: false, imports: ['example.com/a'] } as unknown as PinRecord;
    const text = joinToolFile({ base, records: [record] });
    assert.ok(parseToolFile(text).ok, 'the records are comments');
    const back = splitToolFile(text, 'f.go');
    assert.equal(back.base, base);
    assert.deepEqual(back.records, [record]);
    assert.deepEqual(splitToolFile(base, 'f.go'), { base, records: [] });
    assert.throws(() => splitToolFile(`${text}var x = 1\n`, 'f.go'), /not one of them/);
  });
});
