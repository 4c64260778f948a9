// The socket side of the job server: a unix socket in a private 0700 directory (nobody else
// can connect to it or race us for its name), frames decoded with the protocol's FrameDecoder
// and handed to the ServerCore. Closing removes the socket and, when we made it, the directory.
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import { encodeFrame, FrameDecoder, type ServerToShim } from '../protocol/index.js';
import type { BuildContext } from './build-context.js';
import { ServerCore, type ServerCoreOptions } from './core.js';

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

export interface JobServer {
  readonly socketPath: string;
  /** The private directory we created (removed on close), or null when the caller owns it. */
  readonly dir: string | null;
  readonly core: ServerCore;
  /** Stops accepting, rejects pending calls, removes the socket (and our directory). Idempotent. */
  close(): Promise<void>;
  /** Stops accepting and removes the socket, leaving open connections to finish (a graceful stop). */
  stopAccepting(): void;
}

export interface ListenOptions extends ServerCoreOptions {
  /** Listen here instead of in a fresh private directory (drop-in: the shim made the directory). */
  socketPath?: string;
  /** Parent of the private directory (default: $XDG_RUNTIME_DIR or os.tmpdir()). */
  parentDir?: string;
  /** Keep the process alive while listening (drop-in server) instead of unref'ing the socket. */
  ref?: boolean;
}

/** Creates a private 0700 directory for the socket. Throws E_SOCKET with what to do. */
export function makePrivateSocketDir(parent?: string): string {
  const base = parent ?? defaultSocketParent();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, 'weft-'));
    chmodSync(dir, 0o700);
  } catch (e) {
    throw new WeftError('E_SOCKET', `cannot create a private socket directory in ${base}: ${(e as Error).message}`, {
      hint: 'make that directory writable, or point XDG_RUNTIME_DIR (or TMPDIR) at a writable directory',
    });
  }
  return dir;
}

/**
 * Refuses a socket directory that another user owns or others can enter: a socket there could
 * be replaced by someone else's, who would then be handed every compile of the build. `uid` is
 * a parameter so the check can be tested without a second user.
 */
export function checkPrivateDir(dir: string, uid: number | undefined = process.getuid?.()): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    throw new WeftError('E_SOCKET', `cannot check the socket directory ${dir}: ${(e as Error).message}`, { hint: 'let the shim create it, or point XDG_RUNTIME_DIR at a directory of yours' });
  }
  const problem = !st.isDirectory() ? 'is not a directory'
    : uid !== undefined && st.uid !== uid ? `is owned by uid ${st.uid}, not by this user (uid ${uid})`
    : (st.mode & 0o077) !== 0 ? `has mode 0${(st.mode & 0o777).toString(8)}; others may enter it`
    : null;
  if (problem !== null) {
    throw new WeftError('E_SOCKET', `the socket directory ${dir} ${problem}`, { hint: `remove ${dir} (weft recreates it 0700), or point XDG_RUNTIME_DIR at a private directory of yours` });
  }
}

/** $XDG_RUNTIME_DIR when set (it is the user's private runtime directory), else the temp dir. */
export function defaultSocketParent(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  return xdg !== undefined && xdg !== '' ? xdg : tmpdir();
}

export async function listenJobServer(ctx: BuildContext, opts: ListenOptions = {}): Promise<JobServer> {
  const dir = opts.socketPath === undefined ? makePrivateSocketDir(opts.parentDir) : null;
  const socketPath = opts.socketPath ?? join(dir!, 'weft.sock');
  const removeDir = (): void => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      throw new WeftError('E_SOCKET', `socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes unix sockets allow`, {
        hint: 'point XDG_RUNTIME_DIR (or TMPDIR) at a shorter directory',
      });
    }
    if (opts.socketPath !== undefined) {
      checkPrivateDir(dirname(socketPath));
      await removeStaleSocket(socketPath);
    }
  } catch (e) {
    removeDir();
    throw e;
  }

  const core = new ServerCore(ctx, opts);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => attachSocket(core, socket, sockets));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    removeDir();
    throw new WeftError('E_SOCKET', `cannot listen on ${socketPath}: ${(e as Error).message}`, {
      hint: 'check that the directory is writable and no other weft server uses this socket',
    });
  }
  try {
    chmodSync(socketPath, 0o600);
  } catch {
    // the directory is private already; the mode is a second fence, not the first
  }
  server.on('error', (e) => ctx.log.error(`job server socket ${socketPath}: ${e.message}`));
  if (opts.ref !== true) server.unref();

  let listening: Promise<void> | null = null;
  const stopAccepting = (): void => {
    if (listening !== null) return;
    listening = new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      unlinkSync(socketPath);
    } catch {
      // server.close() usually removed it already
    }
  };
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopAccepting();
      core.closeAll();
      for (const s of sockets) s.destroy();
      await listening;
      removeDir();
    })();
    return closing;
  };
  return { socketPath, dir, core, close, stopAccepting };
}

function attachSocket(core: ServerCore, socket: Socket, sockets: Set<Socket>): void {
  sockets.add(socket);
  socket.setNoDelay?.(true);
  const decoder = new FrameDecoder();
  const session = core.accept({
    send(msg: ServerToShim) {
      if (!socket.destroyed) socket.write(encodeFrame(msg));
    },
    end() {
      if (socket.destroyed) return;
      while (socket.writableCorked > 0) socket.uncork();
      // Everything the session sent is in the kernel (the usual case: a reply is a few hundred
      // bytes): close now instead of a FIN and one more wake-up for the shim's own close. The
      // peer still reads what was written before the close (unix sockets queue it on its
      // side). A reply still queued in user space is ended gracefully instead.
      if (socket.writableLength === 0) socket.destroy();
      else socket.end();
    },
  });
  socket.on('data', (chunk: Buffer) => {
    let msgs: unknown[];
    try {
      msgs = decoder.push(chunk);
    } catch (e) {
      session.fail(e);
      socket.destroy();
      return;
    }
    // The shim pipelines Hello and its request and reads nothing before it has both replies, so
    // once a call is pending the HelloReply stays corked until the session ends: HelloReply,
    // ToolReply and FIN leave in one writev (end() flushes), without a turn of the event loop
    // to uncork. A Hello alone (the shim asking for the -V=full suffix) is flushed at once.
    socket.cork();
    for (const m of msgs) session.receive(m);
    if (session.call === null && !socket.destroyed && socket.writableCorked > 0) socket.uncork();
  });
  socket.on('end', () => {
    try {
      decoder.end();
    } catch (e) {
      session.fail(e);
    }
    session.closed();
  });
  socket.on('error', (e) => core.ctx.log.debug(`shim connection error: ${e.message}`));
  socket.on('close', () => {
    sockets.delete(socket);
    session.closed();
  });
}

/**
 * A socket file left by a killed server refuses connections; remove it. One that accepts
 * belongs to a live server: refuse to steal it.
 */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) {
      throw new WeftError('E_SOCKET', `${path} exists and is not a socket`, { hint: 'remove it or choose another socket path' });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const alive = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
  if (alive) {
    throw new WeftError('E_SOCKET', `another weft job server is already listening on ${path}`, { hint: 'let it finish, or use another socket path' });
  }
  unlinkSync(path);
}

/**
 * Removes private socket directories that weft processes killed with SIGKILL left behind in
 * `parent`: ours (same uid, `weft-XXXXXX`), holding a socket nobody listens on. Best effort and
 * off the critical path: callers start it after the build is running.
 */
export async function sweepStaleSocketDirs(parent: string = defaultSocketParent(), keep?: string): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  let removed = 0;
  for (const name of names) {
    if (!/^weft-[A-Za-z0-9]{6}$/.test(name)) continue;
    const dir = join(parent, name);
    if (dir === keep) continue;
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const sock = join(dir, 'weft.sock');
      let isSocket = false;
      try {
        isSocket = statSync(sock).isSocket();
      } catch {
        // no socket: a directory made but never listened in; only sweep it when clearly old
        if (Date.now() - st.mtimeMs > 3_600_000) {
          rmSync(dir, { recursive: true, force: true });
          removed++;
        }
        continue;
      }
      if (!isSocket) continue;
      const alive = await new Promise<boolean>((resolve) => {
        const c = createConnection(sock);
        c.once('connect', () => {
          c.destroy();
          resolve(true);
        });
        c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
      });
      if (!alive) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // racing another sweeper or a permission problem: not ours to fix
    }
  }
  return removed;
}
