// The one error type of weft. Every failure a user can see carries a stable code, a message
// that says what went wrong and what to do, and optionally where (file:line) and which aspect.
// Errors that cross a worker thread or the socket travel as WeftErrorData and are rebuilt
// with fromErrorData; nothing else is trusted to survive structured clone or msgpack.

export type WeftErrorCode =
  | 'E_USAGE' // bad command line: unknown weft flag, missing argument
  | 'E_GO_NOT_FOUND' // no go command on PATH
  | 'E_CONFIG_INVALID' // aspect YAML failed validation
  | 'E_CONFIG_READ' // config file could not be read
  | 'E_SHIM_BUILD' // building the shim with the user's go failed
  | 'E_SOCKET' // socket directory / listen / connect problems
  | 'E_PROTOCOL' // malformed frame, version mismatch, oversize frame
  | 'E_TIMEOUT' // a call did not finish in time
  | 'E_CLOSED' // the connection or server closed with calls pending
  | 'E_TOOLEXEC' // a compile/link command line weft could not understand
  | 'E_WEAVE_FAILED' // an aspect could not be woven (aspect id, file:line, reason)
  | 'E_TEMPLATE' // an advice template failed to parse or execute
  | 'E_UNSUPPORTED' // a schema feature weft does not implement yet
  | 'E_UNDECIDABLE' // strict mode: a candidate weft could neither match nor rule out (src/weave/undecided.ts)
  | 'E_RESOLVE' // an injected package could not be found or built
  | 'E_CYCLE' // resolving an injected package would need the package being compiled
  | 'E_WASM' // the WASM module failed (abort with file and line)
  | 'E_WORKER' // a pool worker failed
  | 'E_CACHE' // the persistent cache could not be read or written
  | 'E_ORACLE' // the type oracle process failed, was killed or did not answer
  | 'E_TYPES' // go/types cannot check a package whose join points need types
  | 'E_PLAN' // a planned build met a package its plan did not cover (stale plan, foreign mark)
  | 'E_DAEMON' // a module's warm daemon cannot start, listen or answer (builds fall back to in-process)
  | 'E_DAEMON_STOPPED' // the daemon serving a build was stopped without waiting for it (weft daemon stop --now)
  | 'E_PIN' // weft pin / unpin refused (an upgrade not accepted, an untidy or vendored module) or go failed
  | 'E_INTERNAL'; // a bug in weft

export interface WeftErrorLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface WeftErrorData {
  code: WeftErrorCode;
  message: string;
  hint?: string;
  location?: WeftErrorLocation;
  aspect?: string;
  details?: string[];
}

export class WeftError extends Error {
  readonly code: WeftErrorCode;
  readonly hint: string | undefined;
  readonly location: WeftErrorLocation | undefined;
  readonly aspect: string | undefined;
  readonly details: string[];

  constructor(
    code: WeftErrorCode,
    message: string,
    extra: { hint?: string; location?: WeftErrorLocation; aspect?: string; details?: string[]; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'WeftError';
    this.code = code;
    this.hint = extra.hint;
    this.location = extra.location;
    this.aspect = extra.aspect;
    this.details = extra.details ?? [];
  }

  /** The text shown to users: `weft: file:line: [aspect] message (code)` plus details and hint. */
  format(): string {
    return formatErrorData(this.toData());
  }

  toData(): WeftErrorData {
    const data: WeftErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.location !== undefined) data.location = { ...this.location };
    if (this.aspect !== undefined) data.aspect = this.aspect;
    if (this.details.length > 0) data.details = [...this.details];
    return data;
  }
}

export function formatErrorData(data: WeftErrorData): string {
  let where = '';
  if (data.location) {
    where = data.location.file;
    if (data.location.line !== undefined) where += `:${data.location.line}`;
    if (data.location.column !== undefined && data.location.column > 0) where += `:${data.location.column}`;
    where += ': ';
  }
  const aspect = data.aspect !== undefined ? `aspect ${JSON.stringify(data.aspect)}: ` : '';
  const lines = [`weft: ${where}${aspect}${data.message}`];
  for (const d of data.details ?? []) lines.push(`  ${d}`);
  if (data.hint !== undefined) lines.push(`  hint: ${data.hint}`);
  return lines.join('\n');
}

/** Turns anything thrown into plain data that survives structured clone and msgpack. */
export function toErrorData(err: unknown): WeftErrorData {
  if (err instanceof WeftError) return err.toData();
  if (isErrorData(err)) return err;
  if (err instanceof Error) return { code: 'E_INTERNAL', message: err.stack ?? err.message };
  return { code: 'E_INTERNAL', message: String(err) };
}

export function fromErrorData(data: WeftErrorData): WeftError {
  const extra: { hint?: string; location?: WeftErrorLocation; aspect?: string; details?: string[] } = {};
  if (data.hint !== undefined) extra.hint = data.hint;
  if (data.location !== undefined) extra.location = data.location;
  if (data.aspect !== undefined) extra.aspect = data.aspect;
  if (data.details !== undefined) extra.details = data.details;
  return new WeftError(data.code, data.message, extra);
}

function isErrorData(x: unknown): x is WeftErrorData {
  return typeof x === 'object' && x !== null && typeof (x as WeftErrorData).code === 'string' &&
    (x as WeftErrorData).code.startsWith('E_') && typeof (x as WeftErrorData).message === 'string';
}

/** Usage and setup errors exit 2, as issue 2 asks for bad input. */
export const EXIT_USAGE = 2;

/** What weft prints for an error that ends a command, and the exit code (a daemon's build reports the same). */
export function describeTopLevelError(e: unknown): { text: string; code: number } {
  const data = toErrorData(e);
  return { text: `${formatTopLevel(data)}\n`, code: e instanceof WeftError && data.code !== 'E_INTERNAL' ? EXIT_USAGE : 1 };
}

/** Setup errors fit on one line (message; hint); errors with details keep the long form. */
export function formatTopLevel(data: WeftErrorData): string {
  if ((data.details?.length ?? 0) > 0 || data.code === 'E_INTERNAL' || data.code === 'E_SHIM_BUILD') return formatErrorData(data);
  const first = formatErrorData({ ...data, hint: undefined } as WeftErrorData);
  return data.hint !== undefined ? `${first}; ${data.hint}` : first;
}
