// bin/weft (the sh launcher) and the pointer file it reads: `weft go` goes to the Go front end
// the pointer names, through npm's symlinks too; everything else, and every way the pointer can
// be missing, wrong or overruled, goes to node with bin/weft.js. ensureShim writes the pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureShim, packageRoot } from '../../../src/install/ensure-shim.js';
import { frontPointerContent, frontPointerPath, writeFrontPointer } from '../../../src/install/front-pointer.js';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/index.js';
import { daemonIdentity } from '../../../src/install/version.js';
import { weftVersion } from '../../../src/install/version.js';
import { fakeTool, tempDir } from '../shim/helpers.js';

const root = realpathSync(packageRoot());
const launcher = join(root, 'bin', 'weft');

/** A PATH whose `node` records its arguments instead of running weft. */
function recordingNode(): { path: string; record: string } {
  const dir = tempDir('launcher-node');
  const record = join(dir, 'record');
  fakeTool(dir, 'node', `printf '%s\\n' "node $*" > ${record}`);
  return { path: `${dir}:/usr/bin:/bin`, record };
}

/** A fake Go front end that records its arguments. */
function recordingShim(): { shim: string; record: string } {
  const dir = tempDir('launcher-shim');
  const record = join(dir, 'record');
  return { shim: fakeTool(dir, 'weft-shim', `printf '%s\\n' "shim $*" > ${record}`), record };
}

/** Runs cmd with exactly env (keys set to undefined are left out). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = tempDir('launcher-cwd')): void {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  const r = spawnSync(cmd, args, { env: clean, cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

function setup(): { cache: string; node: { path: string; record: string }; shim: { shim: string; record: string }; base: NodeJS.ProcessEnv } {
  const cache = tempDir('launcher-cache');
  const node = recordingNode();
  const shim = recordingShim();
  const base: NodeJS.ProcessEnv = { HOME: tempDir('launcher-home'), PATH: node.path, WEFT_CACHE: cache, WEFT_DAEMON: undefined, CI: undefined };
  return { cache, node, shim, base };
}

test('bin/weft runs node with bin/weft.js when there is no pointer, and for everything but `weft go`', () => {
  const { node, base } = setup();
  run(launcher, ['go', 'build', './...'], base);
  assert.equal(readFileSync(node.record, 'utf8'), `node ${root}/bin/weft.js go build ./...\n`);
  run(launcher, ['version'], base);
  assert.equal(readFileSync(node.record, 'utf8'), `node ${root}/bin/weft.js version\n`);
});

test('bin/weft execs the Go front end the pointer names, also through a symlink and with relative WEFT_CACHE', () => {
  const { cache, node, shim, base } = setup();
  mkdirSync(join(cache, 'front'));
  writeFileSync(frontPointerPath(cache, root), frontPointerContent(shim.shim, '0.1.0+abc'));
  run(launcher, ['go', 'build', '-o', 'a b', './...'], base);
  assert.equal(readFileSync(shim.record, 'utf8'), `shim --weft-front 0.1.0+abc ${root} go build -o a b ./...\n`);

  // npm links bin/weft into node_modules/.bin with a relative symlink.
  const bin = join(tempDir('launcher-link'), 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(join(root, 'bin', 'weft'), join(bin, 'weft-abs'));
  symlinkSync('weft-abs', join(bin, 'weft'));
  writeFileSync(shim.record, '');
  run(join(bin, 'weft'), ['go', 'test'], base);
  assert.equal(readFileSync(shim.record, 'utf8'), `shim --weft-front 0.1.0+abc ${root} go test\n`);

  // Run as `sh weft` from its own directory, a relative WEFT_CACHE resolved against the cwd.
  writeFileSync(shim.record, '');
  run('/bin/sh', ['weft', 'go', 'vet'], { ...base, WEFT_CACHE: relative(bin, cache) }, bin);
  assert.equal(readFileSync(shim.record, 'utf8'), `shim --weft-front 0.1.0+abc ${root} go vet\n`);
  assert.equal(statSync(node.record, { throwIfNoEntry: false }), undefined, 'node never ran');
});

test('bin/weft goes to the front end with the daemon off or in CI too (it replays a recorded build, else starts node), and to node when the pointer names no executable', () => {
  const { cache, node, shim, base } = setup();
  mkdirSync(join(cache, 'front'));
  const pointer = frontPointerPath(cache, root);
  writeFileSync(pointer, frontPointerContent(shim.shim, 'id'));
  const cases: Array<[string, NodeJS.ProcessEnv, string[]]> = [
    ['WEFT_DAEMON=off', { ...base, WEFT_DAEMON: 'off' }, ['go', 'build']],
    ['--weft-daemon=off', base, ['go', 'build', '--weft-daemon=off', './...']],
    ['CI=true', { ...base, CI: 'true' }, ['go', 'build']],
    ['CI=1', { ...base, CI: '1' }, ['go', 'build']],
    ['a WEFT_DAEMON node refuses', { ...base, WEFT_DAEMON: 'maybe' }, ['go', 'build']],
    ['CI with WEFT_DAEMON=on', { ...base, CI: 'true', WEFT_DAEMON: 'on' }, ['go', 'build']],
    ['CI=False', { ...base, CI: 'False' }, ['go', 'build']],
  ];
  for (const [what, env, args] of cases) {
    writeFileSync(shim.record, '');
    run(launcher, args, env);
    assert.equal(readFileSync(shim.record, 'utf8'), `shim --weft-front id ${root} ${args.join(' ')}\n`, what);
  }
  assert.equal(statSync(node.record, { throwIfNoEntry: false }), undefined, 'node never ran');

  // A pointer to a binary that is gone (a cleared cache): node.
  writeFileSync(pointer, frontPointerContent(join(cache, 'gone', 'weft-shim'), 'id'));
  writeFileSync(node.record, '');
  run(launcher, ['go', 'build'], base);
  assert.equal(readFileSync(node.record, 'utf8'), `node ${root}/bin/weft.js go build\n`);
});

test('ensureShim writes the pointer (shim path, daemon identity) and rewrites it only when it changed', async () => {
  const cache = tempDir('pointer-cache');
  const shim = await ensureShim({ go: 'go', cacheDir: cache });
  const pointer = frontPointerPath(cache, packageRoot());
  assert.equal(pointer, join(cache, 'front', packageRoot().replaceAll('/', '%')));
  const identity = daemonIdentity();
  assert.match(identity, /^[^+]+\+[0-9a-f]{64}$/);
  assert.ok(identity.startsWith(`${weftVersion()}+`));
  const content = readFileSync(pointer, 'utf8');
  const lines = content.split('\n');
  assert.deepEqual(lines.slice(0, 2), [shim, identity]);
  // Stamps of package.json and the identity module, as stat gives them now.
  const stamped = lines.slice(2).filter((l) => l !== '').map((l) => l.split(' '));
  assert.deepEqual(stamped.map((f) => f[4]!.replace(/^.*\//, '')).sort(), ['identity.js', 'package.json']);
  for (const [word, ino, size, mtimeNs, path] of stamped) {
    const st = statSync(path!, { bigint: true });
    assert.deepEqual([word, ino, size, mtimeNs], ['stamp', String(st.ino), String(st.size), String(st.mtimeNs)]);
  }

  // Unchanged: left alone. Another weft's pointer: replaced.
  assert.equal(await writeFrontPointer(pointer, content), false);
  writeFileSync(pointer, `/old/weft-shim\n0.0.9+${'0'.repeat(64)}\n`);
  assert.equal(await ensureShim({ go: 'go', cacheDir: cache }), shim);
  assert.equal(readFileSync(pointer, 'utf8'), content);
});

test('bin/weft with the real shim: a build goes to the daemon on the module\'s socket, and to node when there is none', async () => {
  const cache = tempDir('launcher-real');
  await ensureShim({ go: 'go', cacheDir: cache });
  const mod = realpathSync(tempDir('launcher-mod'));
  writeFileSync(join(mod, 'go.mod'), 'module example.com/m\n\ngo 1.23\n');
  const runtime = realpathSync(tempDir('launcher-run'));
  mkdirSync(join(runtime, 'weft'), { mode: 0o700 });
  const env: NodeJS.ProcessEnv = { ...process.env, WEFT_CACHE: cache, XDG_RUNTIME_DIR: runtime };
  delete env['CI'];
  delete env['WEFT_DAEMON'];

  // No daemon: `go env GOMOD` (not instrumented) runs through node's weft, which runs go.
  const r = spawnSync(launcher, ['go', 'env', 'GOMOD'], { cwd: mod, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), join(mod, 'go.mod'));
  assert.equal(r.stderr, '');

  // A daemon for the module (a fake one speaking the protocol) gets the build and decides the exit code.
  const key = createHash('sha256').update(mod).digest('hex').slice(0, 16);
  const builds: Array<Record<string, unknown>> = [];
  const server = createServer((sock) => {
    const dec = new FrameDecoder();
    sock.on('data', (chunk) => {
      for (const msg of dec.push(chunk)) {
        builds.push(msg as Record<string, unknown>);
        sock.write(encodeFrame({ t: 'stderr', text: 'from the daemon\n' }));
        sock.end(encodeFrame({ t: 'exit', code: 42 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(join(runtime, 'weft', `daemon-${key}.sock`), resolve));
  try {
    const res = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(launcher, ['go', 'build', './...'], { cwd: mod, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(res.stderr, 'from the daemon\n');
    assert.equal(res.code, 42);
    assert.equal(builds.length, 1);
    assert.equal(builds[0]!['t'], 'build');
    assert.equal(builds[0]!['identity'], daemonIdentity());
    assert.equal(builds[0]!['cwd'], mod);
    assert.deepEqual(builds[0]!['args'], ['build', './...']);
  } finally {
    server.close();
  }
});
