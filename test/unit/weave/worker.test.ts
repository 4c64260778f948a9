// The pool worker entry: warm() loads the grammar ahead of the first package; tasks ask for the
// config once per fingerprint.
import { strict as assert } from 'node:assert';
import { after, describe, test } from 'node:test';
import { parseGoSync, loadGoParser } from '../../../src/weave/syntax.js';
import weaveTask, { NEED_CONFIG, warm } from '../../../src/weave/worker.js';
import { advice, aspect, config, input, jp, tempDir, tpl } from './helpers.js';

const tmp = tempDir('weft-worker-');
after(() => tmp.cleanup());

describe('weave worker', () => {
  test('warm() loads the Go grammar', async () => {
    await warm();
    const parsed = parseGoSync(await loadGoParser(), 'package p\n\nfunc F() {}\n');
    assert.equal(parsed.error, null);
    assert.equal(parsed.root.type, 'source_file');
  });

  test('a task without a cached config asks for it, then weaves', async () => {
    const file = tmp.write('main.go', 'package main\n\nfunc main() {}\n');
    const cfg = config(aspect('body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'main' }] }) }), advice({ kind: 'prepend-statements', template: tpl('println("woven")') })));
    const task = { input: input('main', [file]), fingerprint: `worker-test-${Date.now()}` };
    const first = await weaveTask(task);
    assert.equal(first.ok, false);
    if (!first.ok) assert.equal(first.error.message, NEED_CONFIG);
    const second = await weaveTask({ ...task, config: cfg });
    assert.ok(second.ok);
    if (second.ok) assert.match(second.result.files[0]!.text, /println\("woven"\)/);
    const third = await weaveTask(task);
    assert.ok(third.ok, 'the config is cached by fingerprint');
  });
});
