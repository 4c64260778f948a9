// The weave cache key as the server computes it for a candidate package: only the aspects that
// can apply to the package count (a config change elsewhere still hits), the injected packages'
// identity and the build tags count, and equal facts give equal keys.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ToolRequest } from '../../../src/protocol/index.js';
import { createBuildContext } from '../../../src/weaving/index.js';
import { buildTagsOf, weaveKeyOf } from '../../../src/weaving/weave-cache.js';
import * as weave from '../../../src/weave/index.js';
import type { ResolvedAspect } from '../../../src/config/types.js';
import { advice, aspect, config, input, jp, tpl } from '../weave/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-weave-cache-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'a.go');
writeFileSync(file, 'package a\n\nfunc Traced() {}\n');

const onA = (text: string): ResolvedAspect => aspect('on-a', jp({ kind: 'all-of', of: [jp({ kind: 'import-path', path: 'example.com/a' }), jp({ kind: 'function-body', function: jp({ kind: 'function', options: [] }) })] }), advice({ kind: 'prepend-statements', template: tpl(text) }));
const onB = (text: string): ResolvedAspect => aspect('on-b', jp({ kind: 'all-of', of: [jp({ kind: 'import-path', path: 'example.com/b' }), jp({ kind: 'function-body', function: jp({ kind: 'function', options: [] }) })] }), advice({ kind: 'prepend-statements', template: tpl(text) }));

const req: ToolRequest = { t: 'tool', id: 1, tool: 'compile', path: '/go/compile', args: [], cwd: dir, pkg: 'example.com/a', env: {}, pid: 1 };

async function keyOf(aspects: ResolvedAspect[], opts: { buildFlags?: string[]; injected?: string; env?: Record<string, string> } = {}): Promise<string> {
  const ctx = createBuildContext({ config: config(...aspects), buildFlags: opts.buildFlags ?? [] });
  if (opts.injected !== undefined) ctx.injectedIdentity = () => opts.injected!;
  return weaveKeyOf(ctx, weave, opts.env ?? {}, input('example.com/a', [file]));
}

test('an aspect that cannot apply to the package does not change its key; one that can, does', async () => {
  const base = await keyOf([onA('println(1)'), onB('println(2)')]);
  assert.equal(await keyOf([onA('println(1)'), onB('println(3)')]), base, 'editing an aspect for another package still hits');
  assert.equal(await keyOf([onA('println(1)')]), base, 'removing an aspect for another package still hits');
  assert.notEqual(await keyOf([onA('println(9)'), onB('println(2)')]), base, 'editing an applicable aspect misses');
});

test('the injected packages, build tags, GOOS/GOARCH and file content are in the key', async () => {
  const base = await keyOf([onA('println(1)')]);
  assert.notEqual(await keyOf([onA('println(1)')], { injected: 'x' }), base);
  assert.notEqual(await keyOf([onA('println(1)')], { buildFlags: ['-tags=foo'] }), base);
  assert.notEqual(await keyOf([onA('println(1)')], { env: { GOARCH: 'riscv64' } }), base);
  assert.notEqual(await keyOf([onA('println(1)')], { env: { GOOS: 'plan9' } }), base);
  writeFileSync(file, 'package a\n\nfunc Traced() { _ = 1 }\n');
  assert.notEqual(await keyOf([onA('println(1)')]), base);
});

test('build tags are normalised from the command line and GOFLAGS', () => {
  assert.equal(buildTagsOf(['-tags=b,a'], ''), 'a,b');
  assert.equal(buildTagsOf([], '-mod=mod -tags=x'), 'x');
  assert.equal(buildTagsOf(['-tags=z'], '-tags=x'), 'z', 'the command line wins over GOFLAGS');
  assert.equal(buildTagsOf([], ''), '');
});

test('a pass with type answers has another key than the pass that asked, and the answers and export data read are in it', async () => {
  const ctx = createBuildContext({ config: config(onA('println(1)')), buildFlags: [] });
  const at = (types?: weave.TypeFacts): Promise<string> => weaveKeyOf(ctx, weave, req.env, { ...input('example.com/a', [file]), ...(types !== undefined ? { types } : {}) });
  const answer = { type: 'example.com/a.T' } as unknown as weave.TypeAnswer;
  const asked = await at({ answers: {} });
  const answered = await at({ answers: { q1: answer }, final: true });
  assert.notEqual(await at(), asked, 'no oracle and an oracle about to answer are different passes');
  assert.notEqual(answered, asked, 'the answering pass must not hit the asking pass');
  assert.notEqual(await at({ answers: { q1: { ...answer, type: 'example.com/a.U' } as weave.TypeAnswer }, final: true }), answered, 'another answer misses');
  const withRead = (id: string): weave.TypeFacts => ({ answers: { q1: answer }, final: true, loaded: [{ path: '/x/b.a', id }] } as weave.TypeFacts);
  assert.notEqual(await at(withRead('b1')), await at(withRead('b2')), 'other export data read misses');
  assert.equal(await at({ answers: { q1: answer }, final: true }), answered, 'equal facts give equal keys');
});
