// Values are relocatable: paths of the weaving compile are abstracted and the using compile's filled in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeValue, encodeValue } from '../../../src/cache/value.js';

const IN = 'a'.repeat(64);

const filesA = ['/home/a/src/app/pkg/a.go', '/home/a/src/app/pkg/a.go.go', '/tmp/go-build1/b001/_cgo_gotypes.go'];
const filesB = ['/ci/work/app/pkg/a.go', '/ci/work/app/pkg/a.go.go', '/tmp/go-build9/b007/_cgo_gotypes.go'];

const woven = (f: string[]): string => `//line ${f[0]}:1:1\npackage pkg\n/*line ${f[0]}:3:5*/x()\n/*line ${f[1]}:1:1*/`;
const result = {
  files: [{ original: filesA[0], text: woven(filesA) }],
  extraFiles: [],
  addedImports: ['log'],
  linkDeps: ['log'],
  lang: 'go1.22',
  aspects: ['x'],
  warnings: [`${filesA[2]}:4:2: something`, { file: filesA[1], line: 3 }],
  stats: { filesScanned: 3, filesParsed: 2, filesWoven: 1, nodesWoven: 0, scanMicros: 1, parseMicros: 2, weaveMicros: 3 },
};

test('a value stored by one checkout names the files of another', () => {
  const bytes = encodeValue(result, filesA, IN);
  const text = bytes.toString('utf8');
  for (const f of filesA) assert.ok(!text.includes(f), `${f} must be abstracted`);
  const back = decodeValue<typeof result>(bytes, filesB, IN)!;
  assert.equal(back.files[0]!.original, filesB[0]);
  assert.equal(back.files[0]!.text, woven(filesB), 'a longer path sharing a prefix is restored whole');
  assert.deepEqual(back.warnings, [`${filesB[2]}:4:2: something`, { file: filesB[1], line: 3 }]);
  assert.equal((back as { stats?: unknown }).stats, undefined, 'timing figures are not stored');
});

test('round trip on the same paths gives the result back (minus stats)', () => {
  const { stats: _s, ...rest } = result;
  assert.deepEqual(decodeValue(encodeValue(result, filesA, IN), filesA, IN), rest);
});

test('a value for another number of files, or garbage, decodes to null', () => {
  const bytes = encodeValue(result, filesA, IN);
  assert.equal(decodeValue(bytes, filesA.slice(0, 2), IN), null);
  assert.equal(decodeValue(Buffer.from('{"v":1'), filesA, IN), null);
  assert.equal(decodeValue(Buffer.from('{"v":99,"files":3,"result":{}}'), filesA, IN), null);
});

test('a value woven from other bytes than the key was computed from decodes to null', () => {
  const bytes = encodeValue(result, filesA, IN);
  assert.equal(decodeValue(bytes, filesA, 'b'.repeat(64)), null);
  assert.notEqual(decodeValue(bytes, filesA, IN), null);
});
