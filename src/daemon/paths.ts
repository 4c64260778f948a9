// Where a module's daemon lives (docs/daemon-protocol.md, "Where"): the per-user runtime
// directory the drop-in servers use, and files named after a hash of the module root. The Go
// front end computes the same names, so change nothing here without changing both.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** $XDG_RUNTIME_DIR/weft, else $TMPDIR/weft-<uid> (created 0700 and checked by its users). */
export function daemonRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_RUNTIME_DIR'];
  if (xdg !== undefined && xdg !== '') return join(xdg, 'weft');
  const tmp = env['TMPDIR'] !== undefined && env['TMPDIR'] !== '' ? env['TMPDIR'] : tmpdir();
  return join(tmp, `weft-${process.getuid?.() ?? 0}`);
}

/** First 16 hex characters of sha256(moduleRoot). */
export function daemonKey(moduleRoot: string): string {
  return createHash('sha256').update(moduleRoot, 'utf8').digest('hex').slice(0, 16);
}

export interface DaemonFiles {
  sock: string;
  /** Held (created exclusively) while one daemon starts. */
  lock: string;
  log: string;
}

export function daemonFiles(runtimeDir: string, key: string): DaemonFiles {
  return { sock: join(runtimeDir, `daemon-${key}.sock`), lock: join(runtimeDir, `daemon-${key}.lock`), log: join(runtimeDir, `daemon-${key}.log`) };
}

/** WEFT_DAEMON_IDLE's default: a daemon nobody used for this long exits. */
export const DEFAULT_DAEMON_IDLE_MS = 10 * 60 * 1000;
