// The control protocol between a `weft go` front end (the Node client in src/cli, or the Go front
// end) and a module's warm daemon (src/daemon). The prose definition, shared with the Go
// side, is docs/daemon-protocol.md; these types are its TypeScript form. Frames are the same as
// the shim's (frame.ts): a 4-byte big-endian length and one msgpack map with a "t" tag.

/** front → daemon: run this `weft go` command line. */
export interface DaemonBuild {
  t: 'build';
  /** `<version>+<build identity>`: a daemon of another weft answers "replace". */
  identity: string;
  cwd: string;
  /** Everything after `weft go`, --weft-* flags included. */
  args: string[];
  /** The front end's whole environment, `K=V`. */
  env: string[];
  stderrTTY: boolean;
  stdoutTTY: boolean;
  /** The front end draws a progress line: send "progress" frames (absent: false). */
  progress?: boolean;
}

/** front → daemon: go ran as told. */
export interface DaemonDone {
  t: 'done';
  id: string;
  code: number;
  wallMs: number;
}

export interface DaemonStatusRequest {
  t: 'status';
}

export interface DaemonStopRequest {
  t: 'stop';
  /**
   * Stop without waiting for builds in flight: they are told, and fail naming why. Without it
   * the daemon stops taking builds and exits once its last one ends, however long it runs.
   */
  now?: boolean;
}

export type FrontToDaemon = DaemonBuild | DaemonDone | DaemonStatusRequest | DaemonStopRequest;

/** daemon → front: write `text` to stderr as is ("" is a heartbeat). */
export interface DaemonStderr {
  t: 'stderr';
  text: string;
}

/** daemon → front: what the build is doing now, for the front end's progress line (only when the build asked). */
export interface DaemonProgress {
  t: 'progress';
  fields: string[];
}

/** daemon → front: run go exactly so, then send "done". */
export interface DaemonRun {
  t: 'run';
  id: string;
  /** Absolute path of the go command. */
  go: string;
  args: string[];
  env: string[];
  dir: string;
}

/** daemon → front: exit with this code. */
export interface DaemonExit {
  t: 'exit';
  code: number;
}

/** daemon → front: build in-process instead (after one warning line when `warn`). */
export interface DaemonFallback {
  t: 'fallback';
  reason: string;
  warn: boolean;
}

/** daemon → front: this daemon is of another weft and exits now. */
export interface DaemonReplace {
  t: 'replace';
  reason: string;
}

export interface DaemonStatus {
  t: 'status';
  pid: number;
  identity: string;
  module: string;
  /** Epoch milliseconds. */
  startedMs: number;
  builds: number;
  idleMs: number;
  rssBytes: number;
  idleExitMs: number;
}

export interface DaemonStopped {
  t: 'stopped';
}

export type DaemonToFront = DaemonStderr | DaemonProgress | DaemonRun | DaemonExit | DaemonFallback | DaemonReplace | DaemonStatus | DaemonStopped;
