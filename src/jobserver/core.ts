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
import type { BuildContext } from '../weaving/build-context.js';
import { handleToolRequest, replyOf, type HandledRequest } from './handlers.js';

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
  /**
   * One timer for every pending call's deadline, armed for the earliest: a timer per call cost a
   * measurable share of a request's CPU, and calls almost always finish long before it fires.
   */
  private deadlineTimer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  /** Calls between watch() and unwatch(): the timer holds the process only while there are some. */
  private watched = 0;

  constructor(ctx: BuildContext, opts: ServerCoreOptions = {}) {
    this.ctx = ctx;
    const handle = opts.handle ?? ((req, signal) => handleToolRequest(ctx, req, signal));
    this.handle = (req, signal) => (this.refusal !== null ? Promise.reject(this.refusal) : handle(req, signal));
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

  /**
   * From now on every call fails with `reason`, pending ones too: the build is being stopped
   * under it (a daemon stopped with --now), and each compile must say so rather than hang or
   * compile unwoven.
   */
  refuse(reason: WeftError): void {
    this.refusal = reason;
    for (const s of [...this.sessions]) if (s.pending) s.abort(reason);
  }

  private refusal: WeftError | null = null;

  /** Closes every session, rejecting pending calls (server shutdown). */
  closeAll(): void {
    for (const s of [...this.sessions]) s.abort(new WeftError('E_CLOSED', 'the job server is shutting down'));
    this.disarm();
  }

  /** @internal A call started that must end by `deadline` (performance.now() ms). */
  watch(deadline: number): void {
    if (++this.watched === 1) this.deadlineTimer?.ref();
    if (deadline < this.armedFor) this.arm(deadline);
  }

  /** @internal A watched call ended. The timer stays armed, but no longer holds the process. */
  unwatch(): void {
    if (--this.watched === 0) this.deadlineTimer?.unref();
  }

  private arm(deadline: number): void {
    this.disarm();
    this.armedFor = deadline;
    this.deadlineTimer = setTimeout(() => this.expire(), Math.max(0, deadline - performance.now()));
    if (this.watched === 0) this.deadlineTimer.unref();
  }

  private disarm(): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.armedFor = Infinity;
  }

  /** Times out every call past its deadline and arms the timer for the next one. */
  private expire(): void {
    this.deadlineTimer = null;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const s of [...this.sessions]) {
      const d = s.deadline;
      if (d === null) continue;
      if (d <= now) s.timeout();
      else if (d < next) next = d;
    }
    if (next !== Infinity) this.arm(next);
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
  /** When the pending call times out (performance.now() ms); null when no call is pending. */
  deadline: number | null = null;
  private timeoutMs = 0;
  private req: ToolRequest | null = null;
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

  /** @internal The call passed its deadline (the server's deadline timer). */
  timeout(): void {
    if (this.state !== 'calling' || this.req === null) return;
    const req = this.req;
    this.server.ctx.stats.timeouts++;
    this.abort(new WeftError('E_TIMEOUT', `the job server took longer than ${Math.round(this.timeoutMs / 1000)} s on the ${req.tool} of ${describePackage(req)}`, {
      hint: 'raise WEFT_CALL_TIMEOUT (e.g. 20m) if this package is legitimately slow, or run with WEFT_LOG=debug to see where the time goes',
    }));
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
    this.req = req;
    this.timeoutMs = ctx.callTimeoutMs;
    this.deadline = performance.now() + this.timeoutMs;
    this.server.watch(this.deadline);
    const started = process.hrtime.bigint();
    if (ctx.log.enabled('debug')) ctx.log.debug(`${req.tool} ${describePackage(req)} (shim pid ${req.pid})`);
    // A handler that throws synchronously must still answer the shim.
    new Promise<HandledRequest>((resolve) => resolve(this.server.run(req, controller.signal))).then(
      (handled) => {
        const micros = Number(process.hrtime.bigint() - started) / 1000;
        if (this.state !== 'calling') return;
        ctx.stats.recordRequest(req.tool, micros, handled.outcome);
        const reply = replyOf(req, handled.plan);
        this.sendSafe(reply);
        this.finishOk(reply);
      },
      (err: unknown) => {
        const micros = Number(process.hrtime.bigint() - started) / 1000;
        if (this.state !== 'calling') return;
        const data = toErrorData(err);
        ctx.stats.recordRequest(req.tool, micros, 'error', { pkg: req.pkg, why: `${data.code}: ${data.message}` });
        // The shim prints the error for go; the log names the package too, whatever go does next.
        ctx.log.info(`${req.tool} ${describePackage(req)} failed: ${data.code}: ${data.message}`);
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
    if (this.deadline === null) return;
    this.deadline = null;
    this.server.unwatch();
  }
}

function describePackage(req: ToolRequest): string {
  return req.pkg !== '' ? req.pkg : '(unknown package)';
}
