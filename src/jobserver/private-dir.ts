// Private runtime directories: weft's sockets live only in directories of this user that nobody
// else can enter (someone who could replace a socket would be handed every compile). Light on
// purpose: `weft go`'s daemon client checks its runtime directory with it before connecting.
import { lstatSync, mkdirSync } from 'node:fs';
import { WeftError } from '../errors.js';

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

/** Creates `dir` 0700 when missing (parents too), then refuses it unless it is private to us. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new WeftError('E_SOCKET', `cannot create the socket directory ${dir}: ${(e as Error).message}`, {
      hint: 'make its parent writable, or point XDG_RUNTIME_DIR (or TMPDIR) at a writable directory',
    });
  }
  checkPrivateDir(dir);
}
