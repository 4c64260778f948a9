// The tool file pin writes and edits: orchestrion's `orchestrion.tool.go` (`//go:build tools`,
// package tools, blank imports marked `// integration` as orchestrion's pin marks them), so
// orchestrion and weft read the same file. After the imports, pin keeps one record line per
// bundle it pinned (what it added to go.mod and to this file), the only memory unpin has.
import { parseToolFile } from '../config/tool-file.js';
import { WeftError } from '../errors.js';
import type { Hunk } from './line-diff.js';

export const RECORD_HEADER = '// Recorded by `weft pin` so that `weft unpin` takes out exactly what it put in; keep these lines.';
const RECORD_PREFIX = '// weft:pin ';

/** What one `weft pin` of one bundle changed. */
export interface PinRecord {
  /** The import path pinned (a package of the bundle's module), or the pack's package. */
  readonly bundle: string;
  /** True for weft's own pack (pinned with no argument). */
  readonly pack: boolean;
  /** Imports pin added to the tool file. */
  readonly imports: readonly string[];
  /** The tool file did not exist before. */
  readonly createdToolFile: boolean;
  /** sha256 of the tool file's imports part (records left out) and of go.mod as pin left them. */
  readonly toolFileAfter: string;
  readonly goModAfter: string;
  /** Hunks turning them back into what they were. */
  readonly toolFileUndo: readonly Hunk[];
  readonly goModUndo: readonly Hunk[];
  /** There was no go.sum before. */
  readonly goSumAbsent: boolean;
  /** go.mod changes, for unpin when go.mod was edited since and the hunks no longer apply. */
  readonly added: readonly { readonly path: string; readonly version: string }[];
  readonly upgraded: readonly { readonly path: string; readonly from: string; readonly to: string }[];
  readonly goLine: { readonly from: string; readonly to: string } | null;
  readonly toolchain: { readonly from: string | null; readonly to: string | null } | null;
  readonly tools: readonly string[];
  readonly replaces: readonly string[];
  /** Directories pin created, relative to the module root (the pack's copy). */
  readonly created: readonly string[];
}

export interface ToolFileText {
  /** The Go part of the file (everything before the records). */
  readonly base: string;
  readonly records: readonly PinRecord[];
}

export function newToolFileBase(): string {
  return [
    '// Instrumentation pinned with `weft pin`: each blank import below keeps a bundle of aspects in',
    '// go.mod and tells weft (and orchestrion) which integrations to weave. `weft unpin` removes it.',
    '',
    '//go:build tools',
    '',
    'package tools',
    '',
  ].join('\n') + '\n';
}

export function splitToolFile(text: string, file: string): ToolFileText {
  const at = text.indexOf(`\n\n${RECORD_HEADER}\n`);
  if (at < 0) return { base: text, records: [] };
  const records: PinRecord[] = [];
  const lines = text.slice(at + 2 + RECORD_HEADER.length + 1).split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    if (!line.startsWith(RECORD_PREFIX)) {
      throw new WeftError('E_PIN', `${file}: a line among weft pin's records is not one of them: ${JSON.stringify(line)}`, {
        location: { file, line: text.slice(0, at).split('\n').length + 2 + i },
        hint: 'move code above the records (they end the file), or restore the lines weft pin wrote',
      });
    }
    try {
      records.push(JSON.parse(line.slice(RECORD_PREFIX.length)) as PinRecord);
    } catch (e) {
      throw new WeftError('E_PIN', `${file}: a weft pin record does not parse: ${(e as Error).message}`, { location: { file } });
    }
  }
  return { base: text.slice(0, at + 1), records };
}

export function joinToolFile(t: ToolFileText): string {
  if (t.records.length === 0) return t.base;
  return `${t.base}\n${RECORD_HEADER}\n${t.records.map((r) => `${RECORD_PREFIX}${JSON.stringify(r)}\n`).join('')}`;
}

/** The import paths of a tool file's Go text. */
export function importsOf(base: string, file: string): string[] {
  const parsed = parseToolFile(base);
  if (!parsed.ok) throw new WeftError('E_PIN', `${file} does not parse as Go: ${parsed.message}`, { location: { file, line: parsed.line } });
  return parsed.imports.map((i) => i.path);
}

const importLine = (path: string): string => `\t_ ${JSON.stringify(path)} // integration\n`;

/** Adds blank imports (sorted into an import block, or as single import lines) to the Go text. */
export function addImports(base: string, paths: readonly string[], file: string): string {
  const have = new Set(importsOf(base, file));
  const lines = base.split(/(?<=\n)/);
  for (const p of paths) {
    if (have.has(p)) continue;
    have.add(p);
    const open = lines.findIndex((l) => /^import\s*\(\s*(\/\/.*)?\n?$/.test(l));
    if (open >= 0) {
      let close = open + 1;
      while (close < lines.length && !/^\)\s*$/.test(lines[close]!.trimEnd())) close++;
      let at = close;
      for (let i = open + 1; i < close; i++) {
        const m = /^\s*_\s+"([^"]+)"/.exec(lines[i]!);
        if (m !== null && m[1]! > p) {
          at = i;
          break;
        }
      }
      lines.splice(at, 0, importLine(p));
      continue;
    }
    const singles = lines.map((l, i) => (/^import\s/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (singles.length > 0) {
      lines.splice(singles[singles.length - 1]! + 1, 0, `import _ ${JSON.stringify(p)} // integration\n`);
      continue;
    }
    if (!lines.some((l) => /^package\s/.test(l))) throw new WeftError('E_PIN', `${file} has no package clause`, { location: { file } });
    // No import yet: a block after everything (a tool file holds nothing but its imports).
    const last = lines.length - 1;
    if (last >= 0 && !lines[last]!.endsWith('\n')) lines[last] += '\n';
    if (lines.length > 0 && lines[lines.length - 1] !== '\n') lines.push('\n');
    lines.push('import (\n', importLine(p), ')\n');
  }
  return lines.join('');
}

/** Removes the blank import lines of `paths` (unpin's fallback when the hunks no longer apply). */
export function removeImports(base: string, paths: readonly string[]): string {
  const drop = new Set(paths);
  return base
    .split(/(?<=\n)/)
    .filter((l) => {
      const m = /^\s*(?:import\s+)?_\s+"([^"]+)"/.exec(l);
      return m === null || !drop.has(m[1]!);
    })
    .join('')
    .replace(/import \(\n\)\n/g, '');
}
