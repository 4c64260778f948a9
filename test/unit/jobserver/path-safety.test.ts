// Where weft writes during a compile: only into the compile's own $WORK directory (next to its
// -o), whatever the package path, file names or names the weaver gives to added files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, isAbsolute } from 'node:path';
import { after, it } from 'node:test';
import { writeWovenFiles } from '../../../src/jobserver/handlers.js';
import { parseCompileArgs } from '../../../src/toolexec/compile-args.js';
import { linkDepsSource, LINK_DEPS_FILE } from '../../../src/resolve/inject.js';
import type { WeavePackageResult } from '../../../src/weave/api.js';

const root = mkdtempSync(join(tmpdir(), 'weft-paths-'));
after(() => rmSync(root, { recursive: true, force: true }));

function inside(dir: string, p: string): boolean {
  const r = relative(dir, p);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

it('woven and added files land in the compile\'s work directory whatever their names say', async () => {
  const work = join(root, 'WORK', 'b001');
  mkdirSync(work, { recursive: true });
  const srcDir = join(root, 'src', 'pkg');
  mkdirSync(srcDir, { recursive: true });
  const src = join(srcDir, '..', 'pkg', 'a.go');
  writeFileSync(src, 'package a\n');
  const cmd = parseCompileArgs(['-o', join(work, '_pkg_.a'), '-p', '../../../etc/passwd', '-lang=go1.22', '-pack', src]);
  const result: WeavePackageResult = {
    files: [{ original: src, text: 'package a // woven\n' }],
    extraFiles: [
      { name: '../../../../tmp/evil.go', text: 'package a\n' },
      { name: '/etc/evil.go', text: 'package a\n' },
      { name: '..', text: 'package a\n' },
      { name: '', text: 'package a\n' },
    ],
    addedImports: [], linkDeps: [], lang: '', aspects: [],
    stats: { filesScanned: 1, filesParsed: 1, filesWoven: 1, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 },
  };
  const before = new Set(readdirSync(root, { recursive: true }).map(String));
  const args = await writeWovenFiles(cmd, result, dirname(cmd.output));
  const written = args.filter((a) => !cmd.args.includes(a));
  assert.equal(written.length, 5);
  for (const w of written) assert.ok(inside(work, w), `${w} is outside ${work}`);
  const after = readdirSync(root, { recursive: true }).map(String).filter((p) => !before.has(p));
  for (const p of after) assert.ok(inside(work, join(root, p)), `weft wrote ${p} outside the work directory`);
  // The generated main-package file has a fixed name and quotes import paths as Go strings.
  assert.equal(LINK_DEPS_FILE, 'weft_linkdeps.go');
  assert.match(linkDepsSource(['example.com/x"\nimport "os']), /_ "example.com\/x\\"\\nimport \\"os"/);
});
