// `weft daemon serve|status|stop`. `serve` (internal: the daemon client starts it) runs a module's
// warm daemon, whose builds run the same code as an in-process `weft go` (src/daemon/serve.ts);
// `status` and `stop` talk to the daemons of this user over their sockets.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { encodeFrame, FrameDecoder, validateDaemonMessage, type DaemonStatus, type DaemonToFront } from '../protocol/index.js';
import { createLogger, parseLogLevel } from '../log.js';
import { runDaemon } from '../daemon/daemon.js';
import { daemonFiles, daemonKey, daemonRuntimeDir } from '../daemon/paths.js';
import { serveBuild } from '../daemon/serve.js';
import { findModuleRoot } from '../weaving/module-root.js';
import type { ProgramIO } from './program.js';

export function registerDaemonCommands(program: Command, io: ProgramIO, result: { code: number }): void {
  const daemon = program.command('daemon').description("the warm per-module daemon behind `weft go` (started on demand; WEFT_DAEMON=off disables it)");
  daemon
    .command('serve', { hidden: true })
    .description('run the daemon of a module (started by `weft go`)')
    .requiredOption('--module <dir>', "the module's root directory")
    .action(async (o: { module: string }) => {
      const env = io.env;
      const files = daemonFiles(daemonRuntimeDir(env), daemonKey(o.module));
      const log = createLogger({ level: parseLogLevel(env['WEFT_LOG'], 'info'), file: env['WEFT_DAEMON_LOG'] || files.log });
      try {
        result.code = await runDaemon({ moduleRoot: o.module, env, log, build: serveBuild });
      } finally {
        log.close();
      }
    });
  daemon
    .command('status')
    .description("show this module's daemon (in a module; all of this user's with --all or elsewhere)")
    .option('--all', "every daemon of this user")
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      const statuses = await askDaemons(selectSockets(io, o.all === true), { t: 'status' });
      const live = statuses.filter((s): s is DaemonStatus => s.t === 'status');
      if (o.json === true) {
        io.stdout(`${JSON.stringify(live, null, 2)}\n`);
        return;
      }
      if (live.length === 0) io.stdout('no weft daemon is running\n');
      for (const s of live) {
        io.stdout(`${s.module}: pid ${s.pid}, ${s.builds} builds, idle ${Math.round(s.idleMs / 1000)} s (exits after ${Math.round(s.idleExitMs / 1000)} s), rss ${Math.round(s.rssBytes / 1048576)} MB, weft ${s.identity.slice(0, 24)}\n`);
      }
    });
  daemon
    .command('stop')
    .description("stop this module's daemon (--all: every daemon of this user)")
    .option('--all', 'every daemon of this user')
    .action(async (o: { all?: boolean }) => {
      const sockets = selectSockets(io, o.all === true);
      const answers = await askDaemons(sockets, { t: 'stop' });
      // A stopped daemon removes its socket as it exits; wait (briefly) so a script can go on.
      const until = Date.now() + 10_000;
      while (sockets.some((s) => existsSync(s)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      io.stderr(`weft: stopped ${answers.filter((a) => a.t === 'stopped').length} daemon(s)\n`);
    });
}

/** The daemon sockets to talk to: this module's, or every one of this user's. */
function selectSockets(io: ProgramIO, all: boolean): string[] {
  const dir = daemonRuntimeDir(io.env);
  const root = all ? null : findModuleRoot(io.cwd);
  if (root !== null) return [daemonFiles(dir, daemonKey(root)).sock];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^daemon-[0-9a-f]{16}\.sock$/.test(n)).map((n) => join(dir, n));
}

/** Sends `msg` to each socket and collects the answers; a socket nobody listens on is removed. */
async function askDaemons(sockets: readonly string[], msg: { t: 'status' } | { t: 'stop' }): Promise<DaemonToFront[]> {
  const answers = await Promise.all(sockets.map((s) => ask(s, msg)));
  return answers.filter((a): a is DaemonToFront => a !== null);
}

function ask(path: string, msg: unknown): Promise<DaemonToFront | null> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const decoder = new FrameDecoder();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 3000);
    const done = (a: DaemonToFront | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    socket.once('connect', () => socket.write(encodeFrame(msg)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [m] = decoder.push(chunk);
        if (m !== undefined) done(validateDaemonMessage(m));
      } catch {
        done(null);
      }
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') rmSync(path, { force: true });
      done(null);
    });
    socket.once('close', () => done(null));
  });
}
