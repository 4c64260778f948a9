// The importcfg files the go command hands to compile and link: `packagefile path=archive`,
// `importmap from=to`, and anything else (comments, `modinfo`, `packageshlib`) kept verbatim so
// a line weft does not understand still reaches the tool. Files are never edited in place: the
// go command may share or cache them, so a patched copy is written next to the original.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { WeftError } from '../errors.js';

export type ImportcfgLine =
  | { kind: 'packagefile'; path: string; file: string }
  | { kind: 'importmap'; from: string; to: string }
  | { kind: 'other'; text: string };

export interface Importcfg {
  lines: ImportcfgLine[];
  /** import path → archive, in file order (later duplicates win, as in the Go tools). */
  packageFiles: Map<string, string>;
  /** source import path → actual import path (vendoring, test variants). */
  importMap: Map<string, string>;
}

export function parseImportcfg(text: string, file = 'importcfg'): Importcfg {
  const lines: ImportcfgLine[] = [];
  const packageFiles = new Map<string, string>();
  const importMap = new Map<string, string>();
  const raw = text.split('\n');
  // A trailing newline produces one empty last element that is not a line of the file.
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  raw.forEach((line, i) => {
    const m = /^(packagefile|importmap)\s+(.*)$/.exec(line.trim());
    if (m === null) {
      lines.push({ kind: 'other', text: line });
      return;
    }
    const body = m[2]!;
    const eq = body.indexOf('=');
    if (eq <= 0 || eq === body.length - 1) {
      throw new WeftError('E_TOOLEXEC', `malformed ${m[1]} line in importcfg: ${JSON.stringify(line)}`, {
        location: { file, line: i + 1 },
        hint: 'the importcfg is written by the go command; make sure nothing else rewrites it',
      });
    }
    const key = body.slice(0, eq).trim();
    const value = body.slice(eq + 1).trim();
    if (m[1] === 'packagefile') {
      lines.push({ kind: 'packagefile', path: key, file: value });
      packageFiles.set(key, value);
    } else {
      lines.push({ kind: 'importmap', from: key, to: value });
      importMap.set(key, value);
    }
  });
  return { lines, packageFiles, importMap };
}

export function readImportcfg(file: string): Importcfg {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WeftError('E_TOOLEXEC', `cannot read importcfg ${file}: ${(e as Error).message}`);
  }
  return parseImportcfg(text, file);
}

export async function readImportcfgAsync(file: string): Promise<Importcfg> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new WeftError('E_TOOLEXEC', `cannot read importcfg ${file}: ${(e as Error).message}`);
  }
  return parseImportcfg(text, file);
}

/**
 * Returns a copy of `cfg` with a `packagefile` line for each entry whose import path is not
 * already provided. Existing entries always win: for a test binary they are the test variants
 * the go command chose, and replacing them would make the linker see two fingerprints.
 */
export function addPackageFiles(cfg: Importcfg, entries: Iterable<readonly [string, string]>): { cfg: Importcfg; added: string[] } {
  const lines = [...cfg.lines];
  const packageFiles = new Map(cfg.packageFiles);
  const added: string[] = [];
  for (const [path, file] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (packageFiles.has(path) || cfg.importMap.has(path)) continue;
    packageFiles.set(path, file);
    lines.push({ kind: 'packagefile', path, file });
    added.push(path);
  }
  return { cfg: { lines, packageFiles, importMap: new Map(cfg.importMap) }, added };
}

export function formatImportcfg(cfg: Importcfg): string {
  let out = '';
  for (const l of cfg.lines) {
    if (l.kind === 'packagefile') out += `packagefile ${l.path}=${l.file}\n`;
    else if (l.kind === 'importmap') out += `importmap ${l.from}=${l.to}\n`;
    else out += `${l.text}\n`;
  }
  return out;
}

/**
 * Writes `cfg` as a new file next to `original` (`importcfg` → `importcfg.weft`, in the same
 * $WORK directory so the go command removes it with the rest) and returns its path. The write
 * goes through a temporary name so a reader never sees half a file.
 */
export function writeImportcfgBeside(original: string, cfg: Importcfg, suffix = 'weft'): string {
  const target = join(dirname(original), `${basename(original)}.${suffix}`);
  if (target === original) throw new WeftError('E_INTERNAL', `refusing to overwrite importcfg ${original}`);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, formatImportcfg(cfg));
    renameSync(tmp, target);
  } catch (e) {
    throw new WeftError('E_TOOLEXEC', `cannot write patched importcfg ${target}: ${(e as Error).message}`);
  }
  return target;
}
