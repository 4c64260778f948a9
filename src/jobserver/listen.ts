// The socket side of the job server: a unix socket in a private 0700 directory (nobody else
// can connect to it or race us for its name), frames decoded with the protocol's FrameDecoder
// and handed to the ServerCore. Closing removes the socket and, when we made it, the directory.
//
// The socket file can vanish under a running server (a cleaner that empties $XDG_RUNTIME_DIR or
// /tmp, a user removing the directory): the server notices within WATCH_MS and listens again at
// the same path, recreating the directory, so shims that arrive later still find it. Listening
// happens on a temporary name renamed into place, because closing a listener unlinks the path it
// was bound to, which by then may be another server's socket.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import { encodeFrame, FrameDecoder, type ServerToShim } from '../protocol/index.js';
import type { BuildContext } from '../weaving/build-context.js';
import { ServerCore, type ServerCoreOptions } from './core.js';
import { ensurePrivateDir } from './private-dir.js';

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;
/** How often a server checks that its socket file is still there. */
const WATCH_MS = 200;

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
  /**
   * Called when the socket file was removed and the server listens again (the directory was
   * recreated: a drop-in server writes its state file again).
   */
  onRelisten?: () => void;
  /**
   * Called when the socket file was replaced by another live server's (a drop-in replacement
   * started while ours was gone): this server no longer accepts; its open connections finish.
   */
  onReplaced?: () => void;
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

export { checkPrivateDir, ensurePrivateDir } from './private-dir.js';

/** $XDG_RUNTIME_DIR when set (it is the user's private runtime directory), else the temp dir. */
export function defaultSocketParent(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  return xdg !== undefined && xdg !== '' ? xdg : tmpdir();
}

export async function listenJobServer(ctx: BuildContext, opts: ListenOptions = {}): Promise<JobServer> {
  const dir = opts.socketPath === undefined ? makePrivateSocketDir(opts.parentDir) : null;
  const socketPath = opts.socketPath ?? join(dir!, 'weft.sock');
  const socketDir = dirname(socketPath);
  const removeDir = (): void => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // The temporary name we bind first (see bindAndRename) must fit too.
    if (Math.max(Buffer.byteLength(socketPath), Buffer.byteLength(tempSocketName(socketDir))) > MAX_SOCKET_PATH) {
      throw new WeftError('E_SOCKET', `socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes unix sockets allow`, {
        hint: 'point XDG_RUNTIME_DIR (or TMPDIR) at a shorter directory',
      });
    }
    if (opts.socketPath !== undefined) {
      ensurePrivateDir(socketDir);
      await removeStaleSocket(socketPath);
    }
  } catch (e) {
    removeDir();
    throw e;
  }

  const core = new ServerCore(ctx, opts);
  const sockets = new Set<Socket>();
  let current: { server: Server; ino: number };
  try {
    current = await bindAndRename(socketPath, (socket) => attachSocket(core, socket, sockets));
  } catch (e) {
    removeDir();
    throw new WeftError('E_SOCKET', `cannot listen on ${socketPath}: ${(e as Error).message}`, {
      hint: 'check that the directory is writable and no other weft server uses this socket',
    });
  }
  const adopt = (server: Server): void => {
    server.on('error', (e) => ctx.log.error(`job server socket ${socketPath}: ${e.message}`));
    if (opts.ref !== true) server.unref();
  };
  adopt(current.server);

  /** Whether the socket file at our path is still the one we listen on. */
  const ours = (): boolean => {
    try {
      return lstatSync(socketPath).ino === current.ino;
    } catch {
      return false;
    }
  };
  let accepting = true;
  let relistening = false;
  let lastProblem = '';
  const relisten = async (): Promise<void> => {
    relistening = true;
    try {
      if (dir !== null) ensurePrivateDir(dir);
      else ensurePrivateDir(socketDir);
      try {
        await removeStaleSocket(socketPath);
      } catch (e) {
        if (!/already listening/.test((e as Error).message)) throw e;
        if (!accepting) return;
        ctx.log.info(`job server socket ${socketPath} now belongs to another server; no longer accepting here`);
        stopAccepting();
        opts.onReplaced?.();
        return;
      }
      const next = await bindAndRename(socketPath, (socket) => attachSocket(core, socket, sockets));
      if (!accepting) {
        next.server.close();
        if (lstatSafe(socketPath)?.ino === next.ino) unlinkQuietly(socketPath);
        return;
      }
      // The old listener's path was removed with its directory; closing it unlinks nothing of ours.
      current.server.close();
      current = next;
      adopt(next.server);
      lastProblem = '';
      ctx.log.info(`job server socket ${socketPath} was removed; listening there again`);
      opts.onRelisten?.();
    } catch (e) {
      // Logged once per distinct problem; the next tick tries again.
      const problem = (e as Error).message;
      if (problem !== lastProblem) ctx.log.error(`job server socket ${socketPath} was removed and cannot be recreated: ${problem}`);
      lastProblem = problem;
    } finally {
      relistening = false;
    }
  };
  const watch = setInterval(() => {
    if (accepting && !relistening && !ours()) void relisten();
  }, WATCH_MS);
  watch.unref();

  let listening: Promise<void> | null = null;
  function stopAccepting(): void {
    if (listening !== null) return;
    accepting = false;
    clearInterval(watch);
    const { server } = current;
    // Only our own socket file: after a removal the path may be another server's.
    const mine = ours();
    listening = new Promise<void>((resolve) => server.close(() => resolve()));
    if (mine) unlinkQuietly(socketPath);
  }
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

/**
 * Listens on a temporary name beside `path` and renames it into place: the socket appears at
 * `path` already 0600, and closing the listener later unlinks the temporary name (gone), never
 * `path`, which may then be another server's socket.
 */
async function bindAndRename(path: string, onConnection: (s: Socket) => void): Promise<{ server: Server; ino: number }> {
  const temp = tempSocketName(dirname(path));
  unlinkQuietly(temp);
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(temp, () => {
      server.off('error', reject);
      resolve();
    });
  });
  try {
    try {
      chmodSync(temp, 0o600);
    } catch {
      // the directory is private already; the mode is a second fence, not the first
    }
    const ino = lstatSync(temp).ino;
    renameSync(temp, path);
    return { server, ino };
  } catch (e) {
    server.close();
    throw e;
  }
}

let binds = 0;
/** Unique per process and bind, and at most 15 bytes (the longest name tempSocketName(dir) gives is checked up front). */
function tempSocketName(dir: string): string {
  return join(dir, `.t${process.pid.toString(36)}-${(binds++ % 1296).toString(36).padStart(2, '0')}`);
}

function lstatSafe(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
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
 * Whether a server listens on the unix socket at `path`. Only a refused connection or a missing
 * file says nobody does; anything else (a full backlog) counts as a live server.
 */
export function socketAccepts(path: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT'));
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
  if (await socketAccepts(path)) {
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
      if (!(await socketAccepts(sock))) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // racing another sweeper or a permission problem: not ours to fix
    }
  }
  return removed;
}
