// The session core driven through a fake connection: handshake, one request per connection,
// timeouts, rejection on close, errors as WeftErrorData.
import { weftBuildIdentity } from '../../../src/cache/identity.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyConfig } from '../../../src/config/index.js';
import { WeftError } from '../../../src/errors.js';
import { PROTOCOL_VERSION, type ServerToShim, type ToolReply, type ToolRequest } from '../../../src/protocol/index.js';
import { ServerCore, type RequestHandler } from '../../../src/jobserver/index.js';
import { createBuildContext } from '../../../src/weaving/index.js';

class FakeConnection {
  sent: ServerToShim[] = [];
  ended = false;
  send(msg: ServerToShim): void {
    if (this.ended) throw new Error('send after end');
    this.sent.push(msg);
  }
  end(): void {
    this.ended = true;
  }
}

function request(over: Partial<ToolRequest> = {}): ToolRequest {
  return { t: 'tool', id: 7, tool: 'compile', path: '/go/pkg/tool/compile', args: ['-o', '/w/b001/_pkg_.a', '-p', 'x', '/src/x.go'], cwd: '/src', pkg: 'example.com/x', env: {}, pid: 1, ...over };
}

function setup(handle?: RequestHandler, timeoutMs = 10_000) {
  const ctx = createBuildContext({ config: emptyConfig(), callTimeoutMs: timeoutMs, version: '9.9.9' });
  const core = new ServerCore(ctx, handle !== undefined ? { handle } : {});
  const conn = new FakeConnection();
  const session = core.accept(conn);
  return { ctx, core, conn, session };
}

const hello = { t: 'hello', v: PROTOCOL_VERSION, weft: '9.9.9' };

describe('server core', () => {
  it('answers Hello with ok and the -V=full suffix', () => {
    const { conn, session } = setup();
    session.receive(hello);
    const reply = conn.sent[0];
    assert.equal(reply?.t, 'hello');
    assert.equal(reply?.t === 'hello' && reply.ok, true);
    assert.equal(reply?.t === 'hello' ? reply.suffix : '', `weft@9.9.9+${weftBuildIdentity().slice(0, 16)};${emptyConfig().fingerprint}`);
    assert.equal(conn.ended, false, 'the connection stays open for the request');
  });

  it('refuses a Hello of another protocol version, naming both, and closes', () => {
    const { conn, session } = setup();
    session.receive({ t: 'hello', v: PROTOCOL_VERSION + 41, weft: '0.0.1' });
    const reply = conn.sent[0];
    assert.ok(reply?.t === 'hello' && !reply.ok);
    assert.equal(reply.error?.code, 'E_PROTOCOL');
    assert.match(reply.error?.message ?? '', new RegExp(`protocol ${PROTOCOL_VERSION + 41}`));
    assert.match(reply.error?.message ?? '', new RegExp(`protocol ${PROTOCOL_VERSION}\\b`));
    assert.equal(conn.ended, true);
  });

  it('refuses a malformed Hello with E_PROTOCOL naming the field', () => {
    const { conn, session } = setup();
    session.receive({ t: 'hello', v: 'one', weft: 'x' });
    const reply = conn.sent[0];
    assert.ok(reply?.t === 'hello' && !reply.ok);
    assert.match(reply.error?.message ?? '', /"v"/);
    assert.equal(conn.ended, true);
  });

  it('a request before Hello is refused', () => {
    const { conn, session } = setup();
    session.receive(request());
    assert.ok(conn.sent[0]?.t === 'hello' && !conn.sent[0].ok);
    assert.equal(conn.ended, true);
  });

  it('dispatches one request and replies with the handler plan, then closes', async () => {
    const seen: ToolRequest[] = [];
    const { conn, session, ctx } = setup(async (req) => {
      seen.push(req);
      return { plan: { args: ['-new', ...req.args] }, outcome: 'woven' };
    });
    session.receive(hello);
    session.receive(request());
    const reply = await session.call!;
    assert.deepEqual(seen.map((r) => r.pkg), ['example.com/x']);
    assert.ok(reply.ok);
    assert.equal(reply.id, 7);
    assert.deepEqual(reply.args.slice(0, 2), ['-new', '-o']);
    assert.deepEqual(conn.sent[1], reply);
    assert.equal(conn.ended, true);
    const snap = ctx.stats.snapshot();
    assert.equal(snap.compileRequests, 1);
    assert.equal(snap.woven, 1);
    assert.equal(snap.unchanged, 0);
  });

  it('a handler error crosses as WeftErrorData with its code, location and aspect', async () => {
    const { session, ctx } = setup(async () => {
      throw new WeftError('E_WEAVE_FAILED', 'cannot wrap', { aspect: 'a1', location: { file: '/src/x.go', line: 3 } });
    });
    session.receive(hello);
    session.receive(request({ id: 12 }));
    const reply = await session.call!;
    assert.ok(!reply.ok);
    assert.equal(reply.id, 12);
    assert.deepEqual(reply.error, { code: 'E_WEAVE_FAILED', message: 'cannot wrap', aspect: 'a1', location: { file: '/src/x.go', line: 3 } });
    assert.equal(ctx.stats.snapshot().errors, 1);
  });

  it('a plain thrown Error becomes E_INTERNAL data, not a crash', async () => {
    const { session } = setup(async () => {
      throw new TypeError('boom');
    });
    session.receive(hello);
    session.receive(request());
    const reply = await session.call!;
    assert.ok(!reply.ok && reply.error.code === 'E_INTERNAL' && reply.error.message.includes('boom'));
  });

  it('a call that takes too long is answered E_TIMEOUT, aborted, and the late result is dropped', async () => {
    let signal: AbortSignal | undefined;
    let release: () => void = () => {};
    const { conn, session, ctx } = setup(
      (req, s) => {
        signal = s;
        return new Promise((resolve) => {
          release = () => resolve({ plan: { args: req.args }, outcome: 'unchanged' });
        });
      },
      30,
    );
    session.receive(hello);
    session.receive(request({ id: 3 }));
    await assert.rejects(session.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_TIMEOUT');
    assert.equal(signal?.aborted, true);
    const reply = conn.sent[1] as ToolReply;
    assert.ok(!reply.ok && reply.error.code === 'E_TIMEOUT' && reply.id === 3);
    assert.match(reply.error.message, /example\.com\/x/);
    assert.equal(conn.ended, true);
    release();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(conn.sent.length, 2, 'nothing is sent after the timeout reply');
    assert.equal(ctx.stats.timeouts, 1);
  });

  it('calls with their own timeouts expire at their own deadlines; finished calls never do', async () => {
    const { core, ctx } = setup((req) => new Promise((resolve) => {
      if (req.id === 1) setTimeout(() => resolve({ plan: { args: req.args }, outcome: 'unchanged' }), 5);
    }), 200);
    const quick = core.accept(new FakeConnection());
    quick.receive(hello);
    quick.receive(request({ id: 1 }));
    const slow = core.accept(new FakeConnection());
    slow.receive(hello);
    slow.receive(request({ id: 2 }));
    // A later call with a shorter timeout must not wait for the earlier, longer deadline.
    ctx.callTimeoutMs = 20;
    const short = core.accept(new FakeConnection());
    short.receive(hello);
    short.receive(request({ id: 3 }));
    let slowSettled = false;
    slow.call!.then(() => (slowSettled = true), () => (slowSettled = true));
    await assert.rejects(short.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_TIMEOUT');
    assert.equal(slowSettled, false, 'the 20 ms call timed out before the 200 ms deadline');
    assert.equal((await quick.call!).ok, true);
    assert.equal(core.pendingCalls, 1, 'the 200 ms call is still pending');
    await assert.rejects(slow.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_TIMEOUT');
    assert.equal(ctx.stats.timeouts, 2);
  });

  it('closing the connection rejects the pending call with E_CLOSED and aborts the handler', async () => {
    let signal: AbortSignal | undefined;
    const { core, session, ctx } = setup((_req, s) => {
      signal = s;
      return new Promise(() => {});
    });
    session.receive(hello);
    session.receive(request());
    assert.equal(core.pendingCalls, 1);
    session.closed();
    await assert.rejects(session.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_CLOSED');
    assert.equal(signal?.aborted, true);
    assert.equal(core.pendingCalls, 0);
    assert.equal(core.connections, 0);
    assert.equal(ctx.stats.abandoned, 1);
  });

  it('closeAll rejects every pending call (server shutdown)', async () => {
    const ctx = createBuildContext({ config: emptyConfig() });
    const core = new ServerCore(ctx, { handle: () => new Promise(() => {}) });
    const sessions = [0, 1, 2].map(() => core.accept(new FakeConnection()));
    for (const s of sessions) {
      s.receive(hello);
      s.receive(request());
    }
    assert.equal(core.pendingCalls, 3);
    core.closeAll();
    for (const s of sessions) await assert.rejects(s.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_CLOSED');
    assert.equal(core.connections, 0);
  });

  it('a second request on one connection is a protocol error', async () => {
    const { conn, session } = setup(() => new Promise(() => {}));
    session.receive(hello);
    session.receive(request({ id: 5 }));
    session.receive(request({ id: 6 }));
    await assert.rejects(session.call!, (e: unknown) => e instanceof WeftError && e.code === 'E_PROTOCOL');
    const reply = conn.sent[1] as ToolReply;
    assert.ok(!reply.ok && reply.id === 5 && reply.error.code === 'E_PROTOCOL');
  });

  it('a malformed request gets an error reply naming the bad field', () => {
    const { conn, session } = setup();
    session.receive(hello);
    session.receive({ ...request({ id: 4 }), tool: 'asm' });
    const reply = conn.sent[1] as ToolReply;
    assert.ok(!reply.ok && reply.id === 4 && /"tool"/.test(reply.error.message));
    assert.equal(conn.ended, true);
  });

  it('a decode failure from the transport closes the session', () => {
    const { conn, session, core } = setup();
    session.fail(new WeftError('E_PROTOCOL', 'oversize'));
    assert.equal(conn.ended, true);
    assert.equal(core.connections, 0);
  });

  it('a Hello-only connection (drop-in -V=full query) closes cleanly without a call', () => {
    const { conn, session, core } = setup();
    session.receive(hello);
    session.closed();
    assert.equal(session.call, null);
    assert.equal(core.connections, 0);
    assert.equal(conn.sent.length, 1);
  });
});
