// The socket layer with a real unix socket and the TypeScript client as the shim.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { emptyConfig } from '../../../src/config/index.js';
import { WeftError } from '../../../src/errors.js';
import { encodeFrame, PROTOCOL_VERSION, type ToolRequest } from '../../../src/protocol/index.js';
import { callServer, listenJobServer, makePrivateSocketDir } from '../../../src/jobserver/index.js';
import { createBuildContext } from '../../../src/weaving/index.js';

const root = mkdtempSync(join(tmpdir(), 'weft-listen-'));
after(() => rmSync(root, { recursive: true, force: true }));

const req: ToolRequest = { t: 'tool', id: 9, tool: 'link', path: '/go/link', args: ['-o', 'a.out', 'x.a'], cwd: '/', pkg: 'p', env: { GOOS: 'linux' }, pid: 1 };

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; !cond(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
  }
}

describe('job server socket', () => {
  it('listens in a private 0700 directory, serves a call, removes everything on close', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    const server = await listenJobServer(ctx, { parentDir: root });
    assert.ok(server.dir !== null);
    assert.equal(statSync(server.dir).mode & 0o777, 0o700);
    assert.ok(statSync(server.socketPath).isSocket());
    const { hello, reply } = await callServer(server.socketPath, req);
    assert.equal(hello.suffix, ctx.suffix);
    assert.ok(reply?.ok && reply.id === 9);
    assert.deepEqual(reply.args, req.args);
    assert.equal(ctx.stats.snapshot().linkRequests, 1);
    await server.close();
    assert.equal(existsSync(server.dir), false);
    await server.close(); // idempotent
  });

  it('a reply larger than the socket buffer arrives whole (the server closes only once it is flushed)', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    // 8 MiB of arguments: far more than a unix socket buffers, so the reply is still being
    // written when the session ends.
    const big = Array.from({ length: 2048 }, (_, i) => `-arg${i}=${'x'.repeat(4096)}`);
    const server = await listenJobServer(ctx, { parentDir: root, handle: async () => ({ plan: { args: big }, outcome: 'woven' }) });
    try {
      for (let i = 0; i < 3; i++) {
        const { reply } = await callServer(server.socketPath, req);
        assert.ok(reply?.ok);
        assert.equal(reply.args.length, big.length);
        assert.equal(reply.args.at(-1), big.at(-1));
      }
      const small = await callServer(server.socketPath, null);
      assert.equal(small.hello.suffix, ctx.suffix);
    } finally {
      await server.close();
    }
  });

  it('a protocol mismatch reaches the client as E_PROTOCOL naming both versions', async () => {
    const server = await listenJobServer(createBuildContext({ config: emptyConfig() }), { parentDir: root });
    try {
      await assert.rejects(callServer(server.socketPath, req, { protocolVersion: 99 }), (e: unknown) => e instanceof WeftError && e.code === 'E_PROTOCOL' && /99/.test(e.message));
    } finally {
      await server.close();
    }
  });

  it('an oversize frame is refused without buffering it and the connection closed', async () => {
    const server = await listenJobServer(createBuildContext({ config: emptyConfig() }), { parentDir: root });
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const c = createConnection(server.socketPath, () => {
          const header = Buffer.alloc(4);
          header.writeUInt32BE(0xfffffff0, 0);
          c.write(header);
        });
        c.on('close', () => resolve(true));
        c.on('error', () => {});
        c.resume();
      });
      assert.equal(closed, true);
      assert.equal(server.core.connections, 0);
    } finally {
      await server.close();
    }
  });

  it('a client that disconnects mid-call leaves no pending call behind', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    let aborted: Promise<void> = Promise.resolve();
    const server = await listenJobServer(ctx, {
      parentDir: root,
      handle: (_r, signal) => {
        aborted = new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
        return new Promise(() => {});
      },
    });
    try {
      await new Promise<void>((resolve) => {
        const c = createConnection(server.socketPath, () => {
          c.write(encodeFrame({ t: 'hello', v: PROTOCOL_VERSION, weft: 'x' }));
          c.write(encodeFrame(req));
          setTimeout(() => {
            c.destroy();
            resolve();
          }, 50);
        });
      });
      await aborted;
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.core.pendingCalls, 0);
      assert.equal(ctx.stats.abandoned, 1);
    } finally {
      await server.close();
    }
  });

  it('removes a stale socket at a given path, and refuses to steal a live one', async () => {
    const dir = makePrivateSocketDir(root);
    const path = join(dir, 'drop.sock');
    // A stale socket: its server was killed, so the file stays and connections are refused.
    const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(r.signal, 'SIGKILL');
    assert.ok(statSync(path).isSocket(), 'the killed server left its socket file');
    const live = await listenJobServer(createBuildContext({ config: emptyConfig() }), { socketPath: path });
    await assert.rejects(listenJobServer(createBuildContext({ config: emptyConfig() }), { socketPath: path }), /already listening/);
    await live.close();
    assert.equal(existsSync(path), false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a socket directory that is not private, or is another user\'s, is refused before listening', async () => {
    const { checkPrivateDir } = await import('../../../src/jobserver/listen.js');
    const { chmodSync, mkdirSync } = await import('node:fs');
    const dir = makePrivateSocketDir(root);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    checkPrivateDir(dir);
    // Another user's directory, shown by faking the uid weft compares the owner with.
    const me = process.getuid?.() ?? 0;
    assert.throws(() => checkPrivateDir(dir, me + 1), (e: unknown) => e instanceof WeftError && e.code === 'E_SOCKET' && /owned by uid \d+, not by this user/.test(e.message) && e.hint !== undefined);
    const open = join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o755);
    await assert.rejects(listenJobServer(createBuildContext({ config: emptyConfig() }), { socketPath: join(open, 'drop.sock') }), /has mode 0755; others may enter it/);
    assert.equal(existsSync(join(open, 'drop.sock')), false);
    // The socket itself is the user's alone too.
    const server = await listenJobServer(createBuildContext({ config: emptyConfig() }), { socketPath: join(dir, 'weft.sock') });
    assert.equal(statSync(join(dir, 'weft.sock')).mode & 0o777, 0o600);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a socket removed with its directory: the server makes both again and serves at the same path', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    for (const mode of ['private', 'given'] as const) {
      const given = join(mkdtempSync(join(root, 'gone-')), 'rt');
      let relistened = 0;
      const server = mode === 'private'
        ? await listenJobServer(ctx, { parentDir: root, onRelisten: () => relistened++ })
        : await listenJobServer(ctx, { socketPath: join(given, 'drop.sock'), onRelisten: () => relistened++ });
      try {
        const dir = join(server.socketPath, '..');
        const before = statSync(server.socketPath).ino;
        rmSync(dir, { recursive: true, force: true });
        await waitFor(() => existsSync(server.socketPath), `${mode}: the socket is back`);
        assert.notEqual(statSync(server.socketPath).ino, before);
        assert.equal(statSync(dir).mode & 0o777, 0o700, `${mode}: the directory is private again`);
        assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
        assert.equal(relistened, 1);
        const { reply } = await callServer(server.socketPath, req);
        assert.ok(reply?.ok, `${mode}: served after the removal`);
        assert.deepEqual(readdirSync(dir), [server.socketPath.slice(dir.length + 1)], `${mode}: no temporary socket name left`);
      } finally {
        await server.close();
      }
      assert.equal(existsSync(server.socketPath), false);
      rmSync(join(given, '..'), { recursive: true, force: true });
    }
  });

  it('a socket path another live server took over: the first stops accepting and leaves the other\'s socket alone', async () => {
    const dir = makePrivateSocketDir(root);
    const path = join(dir, 'drop.sock');
    let replaced = 0;
    const first = await listenJobServer(createBuildContext({ config: emptyConfig() }), { socketPath: path, onReplaced: () => replaced++ });
    // A replacement that won the race for the path renames its socket into place, as servers do.
    let served = 0;
    const other = createServer((c) => {
      served++;
      c.destroy();
    });
    await new Promise<void>((resolve) => other.listen(join(dir, 'other.sock'), resolve));
    renameSync(join(dir, 'other.sock'), path);
    try {
      await waitFor(() => replaced > 0, 'the first server noticed');
      await first.close();
      assert.ok(statSync(path).isSocket(), 'the other server\'s socket is still there');
      const seen = served; // the first server's liveness probe counts too
      await new Promise<void>((resolve, reject) => createConnection(path).on('connect', resolve).on('error', reject));
      await waitFor(() => served === seen + 1, 'the other server took the connection');
    } finally {
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unusable parent directory is E_SOCKET with a hint', () => {
    assert.throws(() => makePrivateSocketDir(join(root, 'does', 'not', 'exist')), (e: unknown) => e instanceof WeftError && e.code === 'E_SOCKET' && e.hint !== undefined);
  });
});

describe('stale socket directories', () => {
  it('removes the directories of dead servers and keeps live ones', async () => {
    const parent = mkdtempSync(join(root, 'sweep-'));
    const dead = makePrivateSocketDir(parent);
    const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(join(dead, 'weft.sock'))}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.equal(r.signal, 'SIGKILL');
    const live = await listenJobServer(createBuildContext({ config: emptyConfig() }), { parentDir: parent });
    try {
      const { sweepStaleSocketDirs } = await import('../../../src/jobserver/index.js');
      assert.equal(await sweepStaleSocketDirs(parent), 1);
      assert.equal(existsSync(dead), false);
      assert.equal(existsSync(live.socketPath), true);
    } finally {
      await live.close();
    }
  });
});
