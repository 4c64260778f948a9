// weft's own options as the commands see them, merged from flags and environment:
// flag > environment > default. Kept apart from commander so every command resolves them alike.
import { createLogger, envFlag, parseLogLevel, type Logger } from '../server/index.js';

export interface WeftGlobalOptions {
  config?: string | undefined;
  stats?: boolean | undefined;
  strict?: boolean | undefined;
  logFile?: string | undefined;
  logLevel?: string | undefined;
}

export interface ResolvedOptions {
  config: string | undefined;
  stats: boolean;
  /** Every undecided candidate fails its compile (src/weave/undecided.ts). */
  strict: boolean;
  log: Logger;
}

export function resolveOptions(o: WeftGlobalOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  const stats = o.stats ?? envFlag(env['WEFT_STATS']);
  const strict = o.strict ?? envFlag(env['WEFT_STRICT']);
  const level = parseLogLevel(o.logLevel ?? env['WEFT_LOG'], 'warn');
  const logFile = o.logFile ?? env['WEFT_LOG_FILE'];
  return { config: o.config, stats, strict, log: createLogger({ level, file: logFile }) };
}

