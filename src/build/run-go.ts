// Running the go command for `weft go`, in-process or as a daemon told the front end to: stdio
// inherited (or piped to the progress line), signals forwarded, the exit code mapped as a shell
// would (128+signal). Light on purpose: the daemon client uses it without the build machinery.
import { spawn } from 'node:child_process';
import { WeftError } from '../errors.js';
import { exitCodeOf } from '../jobserver/run-tool.js';

export interface GoOutputSinks {
  stdout?: { push(chunk: string): void; flush(): void };
  stderr?: { push(chunk: string): void; flush(): void };
}

/**
 * Runs go, forwarding SIGINT/SIGTERM/SIGHUP; resolves with its exit code. stdio is inherited
 * except the streams given in `sinks`, which receive go's output (all of it before resolving).
 */
export function runGo(go: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, sinks: GoOutputSinks = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { stdio: ['inherit', sinks.stdout ? 'pipe' : 'inherit', sinks.stderr ? 'pipe' : 'inherit'], env, cwd });
    for (const [stream, sink] of [[child.stdout, sinks.stdout], [child.stderr, sinks.stderr]] as const) {
      if (stream === null || sink === undefined) continue;
      stream.setEncoding('utf8').on('data', (c: string) => sink.push(c)).on('end', () => sink.flush());
    }
    const forward = (sig: NodeJS.Signals): void => {
      // A terminal's Ctrl-C reaches go too (same process group); a second signal is harmless,
      // while a signal sent to weft alone (kill, CI timeouts) must still stop go.
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    const cleanup = (): void => {
      for (const s of signals) process.off(s, forward);
    };
    child.once('error', (e) => {
      cleanup();
      reject(new WeftError('E_GO_NOT_FOUND', `cannot run ${go}: ${e.message}`, { hint: 'install Go ≥ 1.23 or put it on PATH' }));
    });
    // 'close' waits for piped output to end, so nothing of go's is written after weft returns.
    child.once('close', (code, signal) => {
      cleanup();
      resolve(exitCodeOf(code, signal));
    });
  });
}
