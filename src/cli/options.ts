// weft's own options as the commands see them, merged from flags and environment:
// flag > environment > default. Kept apart from commander so every command resolves them alike.
import { createLogger, parseLogLevel, type Logger } from '../server/index.js';

export interface WeftGlobalOptions {
  config?: string | undefined;
  stats?: boolean | undefined;
  logFile?: string | undefined;
  logLevel?: string | undefined;
}

export interface ResolvedOptions {
  config: string | undefined;
  stats: boolean;
  log: Logger;
}

export function resolveOptions(o: WeftGlobalOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  const statsEnv = env['WEFT_STATS'];
  const stats = o.stats ?? (statsEnv !== undefined && statsEnv !== '' && !/^(0|false|no|off)$/i.test(statsEnv));
  const level = parseLogLevel(o.logLevel ?? env['WEFT_LOG'], 'warn');
  const logFile = o.logFile ?? env['WEFT_LOG_FILE'];
  return { config: o.config, stats, log: createLogger({ level, file: logFile }) };
}
