// The resolved configuration of a build, cached under the weft cache directory: parsing and
// validating the ~50 files of a full dd-trace-go bundle costs about half a second, every build,
// and even one weft.yml costs the YAML parser's loading. An entry records the content hash of every file read and every path
// discovery found absent, and is used only while all of them are unchanged; its key covers what
// the package listing depends on (toolchain, flags, environment, go.mod, go.sum, the tool file),
// which configuration file was chosen, and weft's version and build identity.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config/index.js';

const FORMAT = 'weft-resolved-config/2';

interface Entry {
  format: string;
  files: [string, string][];
  absent: string[];
  config: ResolvedConfig;
}

function hashFile(file: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** The cache file for one discovery: `parts` are everything besides file contents that decides the result. */
export function configCacheFile(cacheDir: string, parts: readonly string[]): string {
  return join(cacheDir, 'config', `${createHash('sha256').update(`${FORMAT}\n${parts.join('\n')}`).digest('hex')}.json`);
}

/** The cached configuration when every file it was read from is unchanged and every absent path still absent; else null. */
export function readCachedConfig(file: string): ResolvedConfig | null {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  } catch {
    return null;
  }
  if (entry.format !== FORMAT || !Array.isArray(entry.files) || !Array.isArray(entry.absent)) return null;
  for (const [path, sha] of entry.files) if (hashFile(path) !== sha) return null;
  for (const path of entry.absent) if (existsSync(path)) return null;
  return entry.config;
}

/** Writes the entry atomically; a cache that cannot be written only costs the next build a load. */
export function writeCachedConfig(file: string, config: ResolvedConfig): void {
  const files: [string, string][] = [];
  for (const f of config.files) {
    const sha = hashFile(f);
    if (sha === null) return; // changed under us: do not cache
    files.push([f, sha]);
  }
  const entry: Entry = { format: FORMAT, files, absent: [...(config.absent ?? [])], config };
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    // not fatal
  }
}
