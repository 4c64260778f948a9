// weft's own options as the commands see them, merged from flags and environment:
// flag > environment > default. Kept apart from commander so every command resolves them alike.
import { createLogger, parseLogLevel, type Logger } from '../log.js';
import { envFlag } from '../weaving/build-context.js';
import { parseStatsFormat, type StatsFormat } from './go-args.js';

export interface WeftGlobalOptions {
  config?: string | undefined;
  /** true (the global `--weft-stats` flag) means text. */
  stats?: boolean | StatsFormat | undefined;
  strict?: boolean | undefined;
  logFile?: string | undefined;
  logLevel?: string | undefined;
}

export interface ResolvedOptions {
  config: string | undefined;
  stats: StatsFormat;
  /** Every undecided candidate fails its compile (src/weave/undecided.ts). */
  strict: boolean;
  log: Logger;
}

/** `logSink` takes the stderr log lines instead of stderr (a daemon's build). */
export function resolveOptions(o: WeftGlobalOptions, env: NodeJS.ProcessEnv, logSink?: (text: string) => void): ResolvedOptions {
  const statsEnv = env['WEFT_STATS'];
  const stats: StatsFormat = o.stats === true ? 'text' : o.stats === false ? 'off'
    : o.stats ?? (statsEnv === undefined || statsEnv === '' ? 'off' : parseStatsFormat(statsEnv, 'WEFT_STATS'));
  const strict = o.strict ?? envFlag(env['WEFT_STRICT']);
  const level = parseLogLevel(o.logLevel ?? env['WEFT_LOG'], 'warn');
  const logFile = o.logFile ?? env['WEFT_LOG_FILE'];
  return { config: o.config, stats, strict, log: createLogger({ level, file: logFile, ...(logSink !== undefined ? { sink: logSink } : {}) }) };
}

