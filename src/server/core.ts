// The transport-free heart of the job server: one session per connection, Hello first, then
// exactly one ToolRequest, answered once. It talks to a minimal connection interface so the
// unit tests drive it with a fake and the socket layer stays a thin adapter. Every call has a
// timeout; closing a connection aborts and rejects its pending call; every error crosses the
// wire as WeftErrorData.
import { toErrorData, WeftError } from '../errors.js';
import {
  makeHelloReply,
  PROTOCOL_VERSION,
  validateHello,
  validateToolRequest,
  type ServerToShim,
  type ToolReply,
  type ToolRequest,
} from '../protocol/index.js';
import type { BuildContext } from './build-context.js';
import { handleToolRequest, type HandledRequest } from './handlers.js';

/** What the core needs from a connection: send one message, close when done. */
export interface ShimConnection {
  send(msg: ServerToShim): void;
  /** Closes the connection after pending writes are flushed. */
  end(): void;
}

/** The transport feeds a session what arrives on its connection. */
export interface ConnectionSession {
  /** A decoded (not yet validated) message. */
  receive(msg: unknown): void;
  /** The transport failed to decode the stream (bad frame): answer if possible, then close. */
  fail(err: unknown): void;
  /** The connection closed (either side). Rejects a pending call. */
  closed(): void;
  /** Settles when the session's call does: resolves with the reply sent, rejects with E_CLOSED/E_TIMEOUT. Null until a ToolRequest arrives. */
  readonly call: Promise<ToolReply> | null;
}

export type RequestHandler = (req: ToolRequest, signal: AbortSignal) => Promise<HandledRequest>;

export interface ServerCoreOptions {
  /** Replaces the compile/link dispatch (tests). Default: handleToolRequest on the context. */
  handle?: RequestHandler;
  /** Called whenever the number of open sessions or pending calls changes (idle tracking). */
  onActivity?: () => void;
}

export class ServerCore {
  readonly ctx: BuildContext;
  private readonly handle: RequestHandler;
  private readonly onActivity: () => void;
  private readonly sessions = new Set<Session>();
  /** Wall-clock ms of the last connection or completed call. */
  lastActivity = Date.now();

  constructor(ctx: BuildContext, opts: ServerCoreOptions = {}) {
    this.ctx = ctx;
    this.handle = opts.handle ?? ((req, signal) => handleToolRequest(ctx, req, signal));
    this.onActivity = opts.onActivity ?? (() => {});
  }

  /** Open connections. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Calls being worked on. */
  get pendingCalls(): number {
    let n = 0;
    for (const s of this.sessions) if (s.pending) n++;
    return n;
  }

  accept(conn: ShimConnection): ConnectionSession {
    const s = new Session(this, conn);
    this.sessions.add(s);
    this.touch();
    return s;
  }

  /** Closes every session, rejecting pending calls (server shutdown). */
  closeAll(): void {
    for (const s of [...this.sessions]) s.abort(new WeftError('E_CLOSED', 'the job server is shutting down'));
  }

  /** @internal */
  forget(s: Session): void {
    this.sessions.delete(s);
    this.touch();
  }

  /** @internal */
  touch(): void {
    this.lastActivity = Date.now();
    this.onActivity();
  }

  /** @internal */
  run(req: ToolRequest, signal: AbortSignal): Promise<HandledRequest> {
    return this.handle(req, signal);
  }
}

type State = 'hello' | 'ready' | 'calling' | 'done';

class Session implements ConnectionSession {
  private state: State = 'hello';
  private readonly server: ServerCore;
  private readonly conn: ShimConnection;
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private settle: { resolve: (r: ToolReply) => void; reject: (e: WeftError) => void } | null = null;
  private reqId = 0;
  call: Promise<ToolReply> | null = null;

  constructor(server: ServerCore, conn: ShimConnection) {
    this.server = server;
    this.conn = conn;
  }

  get pending(): boolean {
    return this.state === 'calling';
  }

  receive(msg: unknown): void {
    switch (this.state) {
      case 'hello':
        return this.onHello(msg);
      case 'ready':
        return this.onRequest(msg);
      case 'calling':
        // One request per connection: a second one means the peer is not our shim.
        this.abort(new WeftError('E_PROTOCOL', 'the shim sent a second message while its request was pending; one request per connection'));
        return;
      case 'done':
        return;
    }
  }

  fail(err: unknown): void {
    if (this.state === 'done') return;
    const e = err instanceof WeftError ? err : new WeftError('E_PROTOCOL', String(err));
    this.server.ctx.log.warn(`dropping a connection: ${e.message}`);
    this.abort(e);
  }

  closed(): void {
    if (this.state === 'done') return;
    if (this.state === 'calling') this.server.ctx.stats.abandoned++;
    this.finish(new WeftError('E_CLOSED', 'the shim closed the connection before the reply (was the go command interrupted?)'), false);
  }

  /** Ends the session with an error: sent to the shim when a call is pending, then closed. */
  abort(err: WeftError): void {
    if (this.state === 'done') return;
    this.finish(err, true);
  }

  private onHello(msg: unknown): void {
    const ctx = this.server.ctx;
    let hello;
    try {
      hello = validateHello(msg);
    } catch (e) {
      this.sendSafe({ t: 'hello', v: PROTOCOL_VERSION, weft: ctx.weftVersion, ok: false, error: toErrorData(e) });
      this.finish(e as WeftError, false);
      return;
    }
    const reply = makeHelloReply(hello, { weft: ctx.weftVersion, suffix: ctx.suffix });
    this.sendSafe(reply);
    if (!reply.ok) {
      ctx.log.warn(reply.error?.message ?? 'protocol version mismatch');
      this.finish(new WeftError('E_PROTOCOL', reply.error?.message ?? 'protocol version mismatch'), false);
      return;
    }
    this.state = 'ready';
  }

  private onRequest(msg: unknown): void {
    const ctx = this.server.ctx;
    let req: ToolRequest;
    try {
      req = validateToolRequest(msg);
    } catch (e) {
      const id = typeof msg === 'object' && msg !== null && typeof (msg as { id?: unknown }).id === 'number' ? (msg as { id: number }).id : 0;
      this.sendSafe({ t: 'reply', id, ok: false, error: toErrorData(e) });
      this.finish(e as WeftError, false);
      return;
    }
    this.state = 'calling';
    this.reqId = req.id;
    const controller = new AbortController();
    this.controller = controller;
    this.call = new Promise<ToolReply>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Nobody may be listening on `call` (production): a rejection must not crash the process.
    this.call.catch(() => {});
    const timeoutMs = ctx.callTimeoutMs;
    this.timer = setTimeout(() => {
      ctx.stats.timeouts++;
      this.abort(new WeftError('E_TIMEOUT', `the job server took longer than ${Math.round(timeoutMs / 1000)} s on the ${req.tool} of ${describePackage(req)}`, {
        hint: 'raise WEFT_CALL_TIMEOUT (e.g. 20m) if this package is legitimately slow, or run with WEFT_LOG=debug to see where the time goes',
      }));
    }, timeoutMs);
    const started = process.hrtime.bigint();
    if (ctx.log.enabled('debug')) ctx.log.debug(`${req.tool} ${describePackage(req)} (shim pid ${req.pid})`);
    // A handler that throws synchronously must still answer the shim.
    new Promise<HandledRequest>((resolve) => resolve(this.server.run(req, controller.signal))).then(
      (handled) => {
        const micros = Number(process.hrtime.bigint() - started) / 1000;
        if (this.state !== 'calling') return;
        ctx.stats.recordRequest(req.tool, micros, handled.outcome);
        const reply: ToolReply = { t: 'reply', id: req.id, ok: true, args: handled.plan.args };
        if (handled.plan.append !== undefined && handled.plan.append.length > 0) reply.append = handled.plan.append;
        this.sendSafe(reply);
        this.finishOk(reply);
      },
      (err: unknown) => {
        const micros = Number(process.hrtime.bigint() - started) / 1000;
        if (this.state !== 'calling') return;
        ctx.stats.recordRequest(req.tool, micros, 'error');
        const data = toErrorData(err);
        ctx.log.debug(`${req.tool} ${describePackage(req)} failed: ${data.message}`);
        const reply: ToolReply = { t: 'reply', id: req.id, ok: false, error: data };
        this.sendSafe(reply);
        this.finishOk(reply);
      },
    );
  }

  private sendSafe(msg: ServerToShim): void {
    try {
      this.conn.send(msg);
    } catch (e) {
      this.server.ctx.log.warn(`cannot answer the shim: ${(e as Error).message}`);
    }
  }

  private finishOk(reply: ToolReply): void {
    this.clear();
    this.state = 'done';
    this.settle?.resolve(reply);
    this.conn.end();
    this.server.forget(this);
  }

  private finish(err: WeftError, tell: boolean): void {
    const wasCalling = this.state === 'calling';
    this.clear();
    this.state = 'done';
    if (wasCalling) {
      this.controller?.abort(err);
      if (tell) this.sendSafe({ t: 'reply', id: this.reqId, ok: false, error: err.toData() });
      this.settle?.reject(err);
    }
    this.conn.end();
    this.server.forget(this);
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function describePackage(req: ToolRequest): string {
  return req.pkg !== '' ? req.pkg : '(unknown package)';
}
