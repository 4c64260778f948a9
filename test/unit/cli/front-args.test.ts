// The three readers of `weft go <args>` agree: Node's (src/cli: weft's own flags out, -C, the
// subcommand, the daemon setting), the Go front end's (shim/front.go, checked against the same
// fixture by shim/front_args_test.go); bin/weft hands every `weft go` to the front end, which
// asks the daemon or replays a recorded build (shim/replay.go). Each parses only weft's
// own flags and what go needs first (-C, the subcommand); go's flags are the model's
// (src/toolexec/go-command-line.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonSetting } from '../../../src/daemon/client.js';
import { extractWeftFlags, parseGoInvocation } from '../../../src/build/go-args.js';
import { packageRoot } from '../../../src/install/ensure-shim.js';
import { frontPointerContent, frontPointerPath } from '../../../src/install/front-pointer.js';
import { fakeTool, tempDir } from '../shim/helpers.js';

interface FrontArgsCase {
  args: string[];
  env: Record<string, string>;
  cwd: string;
  goArgs: string[];
  dir: string;
  instrumented: boolean;
  daemon: boolean;
}

const root = realpathSync(packageRoot());
const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'go-command', 'front.json'), 'utf8')) as { cases: FrontArgsCase[] };

test('the fixture has the cases the Go front end is tested with', () => {
  assert.ok(fixture.cases.length >= 10);
  assert.ok(fixture.cases.some((c) => !c.daemon) && fixture.cases.some((c) => !c.instrumented) && fixture.cases.some((c) => c.dir !== c.cwd));
});

for (const c of fixture.cases) {
  test(`Node reads weft go ${c.args.join(' ')} ${JSON.stringify(c.env)} as the fixture says`, () => {
    const { goArgs, flags } = extractWeftFlags(c.args);
    assert.deepEqual(goArgs, c.goArgs);
    const inv = parseGoInvocation(goArgs, c.cwd);
    assert.equal(inv.dir, c.dir);
    assert.equal(inv.instrument, c.instrumented);
    assert.equal(daemonSetting(flags.daemon, c.env), c.daemon ? 'on' : 'off');
  });
}

test('bin/weft hands every `weft go` to the front end, daemon or not (it asks the daemon or replays), and anything else to Node', () => {
  const cache = tempDir('front-args-cache');
  const fakes = tempDir('front-args-bin');
  const record = join(fakes, 'record');
  fakeTool(fakes, 'node', `printf node > ${record}`);
  const shim = fakeTool(fakes, 'weft-shim', `printf front > ${record}`);
  mkdirSync(join(cache, 'front'), { recursive: true });
  writeFileSync(frontPointerPath(cache, root), frontPointerContent(shim, 'id'));
  const wrong: string[] = [];
  const cases = [...fixture.cases.map((c) => ({ argv: ['go', ...c.args], env: c.env, to: 'front' })), { argv: ['version'], env: {}, to: 'node' }, { argv: ['cache', 'trim'], env: { CI: 'true' }, to: 'node' }];
  for (const c of cases) {
    writeFileSync(record, '');
    const r = spawnSync(join(root, 'bin', 'weft'), c.argv, { cwd: tempDir('front-args-cwd'), env: { PATH: `${fakes}:/usr/bin:/bin`, HOME: cache, WEFT_CACHE: cache, ...c.env }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const went = readFileSync(record, 'utf8');
    if (went !== c.to) wrong.push(`${c.argv.join(' ')} ${JSON.stringify(c.env)}: ${went}`);
  }
  assert.deepEqual(wrong, []);
});
