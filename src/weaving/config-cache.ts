// The resolved configuration of a build, cached under the weft cache directory: parsing and
// validating the ~50 files of a full dd-trace-go bundle costs about half a second, every build,
// and even one weft.yml costs the YAML parser's loading. An entry records the content hash of every file read and every path
// discovery found absent, and is used only while all of them are unchanged; its key covers what
// the package listing depends on (toolchain, flags, environment, go.mod, go.sum, the tool file),
// which configuration file was chosen, and weft's version and build identity. Paths under the
// module root are kept relative to it, in the key as in the entry (a CI checkout restored at
// another path finds it, and its files are compared by content).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config/index.js';
import { holdsRootMark, isRelocatableRoot, MODULE_ROOT_MARK, relocateJson } from '../relocate.js';

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

/** Paths under `root` made relative (toKept) or put back. */
function keptText(text: string, root: string | null, toKept: boolean): string {
  if (!isRelocatableRoot(root)) return text;
  return toKept ? relocateJson(text, root, MODULE_ROOT_MARK) : relocateJson(text, MODULE_ROOT_MARK, root);
}

/** The cache file for one discovery: `parts` are everything besides file contents that decides the result; `root` the module root. */
export function configCacheFile(cacheDir: string, parts: readonly string[], root: string | null = null): string {
  return join(cacheDir, 'config', `${createHash('sha256').update(keptText(JSON.stringify([FORMAT, ...parts]), root, true)).digest('hex')}.json`);
}

/** The cached configuration when every file it was read from is unchanged and every absent path still absent; else null. */
export function readCachedConfig(file: string, root: string | null = null): ResolvedConfig | null {
  let entry: Entry;
  try {
    entry = JSON.parse(keptText(readFileSync(file, 'utf8'), root, false)) as Entry;
  } catch {
    return null;
  }
  if (entry.format !== FORMAT || !Array.isArray(entry.files) || !Array.isArray(entry.absent)) return null;
  for (const [path, sha] of entry.files) if (hashFile(path) !== sha) return null;
  for (const path of entry.absent) if (existsSync(path)) return null;
  return entry.config;
}

/** Writes the entry atomically; a cache that cannot be written only costs the next build a load. */
export function writeCachedConfig(file: string, config: ResolvedConfig, root: string | null = null): void {
  const files: [string, string][] = [];
  for (const f of config.files) {
    const sha = hashFile(f);
    if (sha === null) return; // changed under us: do not cache
    files.push([f, sha]);
  }
  const entry: Entry = { format: FORMAT, files, absent: [...(config.absent ?? [])], config };
  const text = JSON.stringify(entry);
  if (isRelocatableRoot(root) && holdsRootMark(text)) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, keptText(text, root, true));
    renameSync(tmp, file);
  } catch {
    // not fatal
  }
}
