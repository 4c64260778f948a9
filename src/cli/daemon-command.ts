// `weft daemon serve|status|stop`. `serve` (internal: the daemon client starts it) runs a module's
// warm daemon, whose builds run the same code as an in-process `weft go` (src/daemon/serve.ts);
// `status` and `stop` talk to the daemons of this user over their sockets.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { DaemonStatus } from '../protocol/index.js';
import { createLogger, parseLogLevel } from '../log.js';
import { askDaemons, daemonSockets } from '../daemon/client.js';
import { runDaemon } from '../daemon/daemon.js';
import { daemonFiles, daemonKey, daemonRuntimeDir } from '../daemon/paths.js';
import { serveBuild } from '../daemon/serve.js';
import type { ProgramIO } from './program-io.js';

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
      const statuses = await askDaemons(daemonSockets(io.env, io.cwd, o.all === true), { t: 'status' });
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
      const sockets = daemonSockets(io.env, io.cwd, o.all === true);
      const answers = await askDaemons(sockets, { t: 'stop' });
      // A stopped daemon removes its socket as it exits; wait (briefly) so a script can go on.
      const until = Date.now() + 10_000;
      while (sockets.some((s) => existsSync(s)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      io.stderr(`weft: stopped ${answers.filter((a) => a.t === 'stopped').length} daemon(s)\n`);
    });
}
