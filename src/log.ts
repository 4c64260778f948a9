// A tiny leveled logger. It writes to stderr or to a file, never to stdout: stdout belongs to
// the go command (go list -json, go test -json and go run output flow through it). A leaf
// module beside errors.ts: every room above the protocol may log.
// rooms: errors
import { closeSync, openSync, writeSync } from 'node:fs';
import { WeftError } from './errors.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  close(): void;
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = 'warn'): LogLevel {
  if (text === undefined || text === '') return fallback;
  const t = text.toLowerCase();
  if (t === '1' || t === 'true') return 'debug';
  if (t in RANK) return t as LogLevel;
  throw new WeftError('E_USAGE', `unknown log level ${JSON.stringify(text)}`, { hint: 'use one of error, warn, info, debug' });
}

let stderrRoute: ((text: string) => void) | null = null;

/**
 * Sends the stderr loggers' lines through `write` (the progress line clears itself before each
 * one) until called with null. Log files are not affected.
 */
export function routeLogStderr(write: ((text: string) => void) | null): void {
  stderrRoute = write;
}

/**
 * Opens the log sink. A file is opened for append so concurrent writers (drop-in servers)
 * interleave by line; `sink` replaces stderr (a daemon sends a build's log lines to its client).
 */
export function createLogger(opts: { level?: LogLevel; file?: string | undefined; sink?: (text: string) => void } = {}): Logger {
  const level = opts.level ?? 'warn';
  let fd = 2;
  let owned = false;
  if (opts.file !== undefined && opts.file !== '') {
    try {
      fd = openSync(opts.file, 'a');
      owned = true;
    } catch (e) {
      throw new WeftError('E_USAGE', `cannot open log file ${opts.file}: ${(e as Error).message}`, { hint: 'pass a writable path to --log-file' });
    }
  }
  const write = (l: LogLevel, msg: string): void => {
    if (RANK[l] > RANK[level]) return;
    const prefix = owned ? `${new Date().toISOString()} ${l} ` : 'weft: ';
    try {
      if (!owned && opts.sink !== undefined) opts.sink(`${prefix}${msg}\n`);
      else if (!owned && stderrRoute !== null) stderrRoute(`${prefix}${msg}\n`);
      else writeSync(fd, `${prefix}${msg}\n`);
    } catch {
      // A closed stderr must not turn a log line into a build failure.
    }
  };
  return {
    level,
    enabled: (l) => RANK[l] <= RANK[level],
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    close: () => {
      if (owned) {
        owned = false;
        try { closeSync(fd); } catch { /* already closed */ }
      }
    },
  };
}

/** A logger that drops everything, for tests and library callers that do not care. */
export function silentLogger(): Logger {
  const nop = (): void => {};
  return { level: 'error', enabled: () => false, error: nop, warn: nop, info: nop, debug: nop, close: nop };
}
