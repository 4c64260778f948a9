// Checks that a decoded daemon control message is what its tag says, naming the bad field (as
// codec.ts does for the shim's messages).
import { WeftError } from '../errors.js';
import { asObject, bad, bool, int, str, strings, type Obj } from './codec.js';
import type { DaemonToFront, FrontToDaemon } from './daemon-messages.js';

const HINT = 'the weft front end and the daemon disagree on the control protocol (the daemon protocol in docs/daemon-protocol.md); `weft daemon stop` and build again';

function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof WeftError && e.code === 'E_PROTOCOL') throw new WeftError('E_PROTOCOL', e.message, { hint: HINT });
    throw e;
  }
}

/** A message a front end sends to a daemon. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateFrontMessage(x: unknown): FrontToDaemon {
  return checked(() => {
    const o = asObject(x, 'daemon request');
    switch (o['t']) {
      case 'build':
        str(o, 'identity', 'daemon build request');
        str(o, 'cwd', 'daemon build request');
        strings(o, 'args', 'daemon build request');
        envList(o, 'daemon build request');
        bool(o, 'stderrTTY', 'daemon build request');
        bool(o, 'stdoutTTY', 'daemon build request');
        if (o['progress'] !== undefined) bool(o, 'progress', 'daemon build request');
        break;
      case 'done':
        str(o, 'id', 'daemon done message');
        int(o, 'code', 'daemon done message');
        int(o, 'wallMs', 'daemon done message');
        break;
      case 'status':
        break;
      case 'stop':
        if (o['now'] !== undefined && typeof o['now'] !== 'boolean') throw bad('daemon stop request', 'now', 'a boolean', o['now']);
        break;
      default:
        throw bad('daemon request', 't', '"build", "done", "status" or "stop"', o['t']);
    }
    return o as unknown as FrontToDaemon;
  });
}

/** A message a daemon sends to a front end. Throws WeftError E_PROTOCOL naming the bad field. */
export function validateDaemonMessage(x: unknown): DaemonToFront {
  return checked(() => {
    const o = asObject(x, 'daemon reply');
    switch (o['t']) {
      case 'stderr':
        str(o, 'text', 'daemon stderr message');
        break;
      case 'progress':
        strings(o, 'fields', 'daemon progress message');
        break;
      case 'run':
        str(o, 'id', 'daemon run message');
        str(o, 'go', 'daemon run message');
        strings(o, 'args', 'daemon run message');
        envList(o, 'daemon run message');
        str(o, 'dir', 'daemon run message');
        break;
      case 'exit':
        int(o, 'code', 'daemon exit message');
        break;
      case 'fallback':
        str(o, 'reason', 'daemon fallback message');
        bool(o, 'warn', 'daemon fallback message');
        break;
      case 'replace':
        str(o, 'reason', 'daemon replace message');
        break;
      case 'status':
        int(o, 'pid', 'daemon status');
        str(o, 'identity', 'daemon status');
        str(o, 'module', 'daemon status');
        for (const k of ['startedMs', 'builds', 'idleMs', 'rssBytes', 'idleExitMs']) int(o, k, 'daemon status');
        break;
      case 'stopped':
        break;
      default:
        throw bad('daemon reply', 't', '"stderr", "progress", "run", "exit", "fallback", "replace", "status" or "stopped"', o['t']);
    }
    return o as unknown as DaemonToFront;
  });
}

/** `K=V` strings, each with a name before its "=". */
function envList(o: Obj, what: string): void {
  const env = strings(o, 'env', what);
  env.forEach((kv, i) => {
    if (kv.indexOf('=') <= 0) throw bad(what, `env[${i}]`, 'a "NAME=value" string', kv);
  });
}

/** `K=V` strings → an environment object (the last of a repeated name wins, as in exec). */
export function envFromList(list: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/** An environment object → `K=V` strings (unset values left out). */
export function envToList(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`);
}
