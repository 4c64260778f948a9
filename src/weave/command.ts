// `weft weave`: weaves the given files as one package would be woven during a build and prints
// the result, so users can see what their aspects do without a build. The golden tests call
// weaveFilesAsCommand, the same path.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { parseToolFile } from '../config/tool-file.js';
import { WeftError } from '../errors.js';
import type { WeavePackageInput, WeavePackageResult } from './api.js';
import { formatWarning, undecidableError } from './undecided.js';
import { weavePackage } from './weave-package.js';
import { checkTemplateSpec } from './templates.js';

export interface WeaveCommandOptions {
  config: string;
  importPath: string;
  out?: string;
  files: string[];
  /** Undecided candidates fail the command (exit 1) as they would fail a strict build. */
  strict?: boolean;
  /**
   * Weaves the package instead of the syntactic weave (the CLI's: typed join points decided by
   * the type oracle, as in a build); `close` runs when the command ends.
   */
  weaver?: (config: ResolvedConfig, dir: string) => { weave: (input: WeavePackageInput) => Promise<{ result: WeavePackageResult }>; close: () => Promise<void> };
  /** Where output goes (default: process.stdout / process.stderr); for tests. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** The package input the command weaves, as a build would present the files. */
export function commandInput(importPath: string, files: readonly string[], lang = ''): WeavePackageInput {
  const abs = files.map((f) => resolve(f));
  const isTestMain = abs.some((f) => basename(f) === '_testmain.go' || basename(f) === '_testmain.cover.go');
  return {
    importPath,
    toolexecImportPath: importPath,
    files: abs,
    importcfgPackages: packageImports(abs),
    lang,
    goVersion: '',
    moduleRoot: abs[0] !== undefined ? findModuleRoot(dirname(abs[0])) : '',
    isTestMain,
  };
}

/**
 * What a compile's importcfg would list: the imports of all the files, so join points that look
 * at the package's imports decide as in a build (a file that cannot be read or parsed is left to
 * the weave, which reports it).
 */
function packageImports(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseToolFile(text);
    if (parsed.ok) for (const imp of parsed.imports) if (imp.path !== 'C') out.add(imp.path);
  }
  return [...out].sort();
}

/** The directory of the nearest go.mod at or above dir ('' when none), as the go command would use. */
export function findModuleRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'go.mod'))) return d;
    if (dirname(d) === d) return '';
  }
}

export async function weaveFilesAsCommand(config: ResolvedConfig, importPath: string, files: readonly string[]): Promise<WeavePackageResult> {
  return weavePackage(commandInput(importPath, files), config);
}

export async function weaveCommand(opts: WeaveCommandOptions): Promise<number> {
  const out = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  try {
    if (opts.files.length === 0) throw new WeftError('E_USAGE', 'weft weave: no Go files given', { hint: 'weft weave --config aspects.yml --import-path example.com/pkg file.go...' });
    if (opts.importPath === '') throw new WeftError('E_USAGE', 'weft weave: --import-path is required');
    // The YAML parser is loaded here, not with src/weave: a build whose configuration comes from
    // the cache (src/weaving/config-cache.ts) never needs it.
    const { loadConfig } = await import('../config/index.js');
    const config = await loadConfig(resolve(opts.config), null, { checkTemplate: checkTemplateSpec });
    let result: WeavePackageResult;
    if (opts.weaver !== undefined) {
      const input = commandInput(opts.importPath, opts.files);
      const weaver = opts.weaver(config, dirname(input.files[0]!));
      try {
        result = (await weaver.weave(input)).result;
      } finally {
        await weaver.close();
      }
    } else {
      result = await weaveFilesAsCommand(config, opts.importPath, opts.files);
    }
    const warnings = result.warnings ?? [];
    if (opts.strict === true && warnings.length > 0) throw undecidableError(opts.importPath, warnings);
    for (const w of warnings) err(`${formatWarning(w)}\n`);
    if (result.files.length === 0) {
      out('<no changes>\n');
      return 0;
    }
    if (opts.out !== undefined) {
      await mkdir(opts.out, { recursive: true });
      for (const f of result.files) await writeFile(join(opts.out, basename(f.original)), f.text);
      err(`weft weave: wrote ${result.files.length} file(s) to ${opts.out}\n`);
    } else if (result.files.length === 1) {
      out(result.files[0]!.text);
    } else {
      for (const f of result.files) out(`// ==== ${f.original} ====\n${f.text}${f.text.endsWith('\n') ? '' : '\n'}`);
    }
    const notes: string[] = [];
    if (result.addedImports.length > 0) notes.push(`added imports: ${result.addedImports.join(', ')}`);
    if (result.linkDeps.length > 0) notes.push(`link deps: ${result.linkDeps.join(', ')}`);
    if (result.lang !== '') notes.push(`-lang raised to ${result.lang}`);
    if (result.aspects.length > 0) notes.push(`aspects: ${result.aspects.join(', ')}`);
    for (const n of notes) err(`weft weave: ${n}\n`);
    return 0;
  } catch (e) {
    const we = e instanceof WeftError ? e : new WeftError('E_INTERNAL', (e as Error).stack ?? String(e));
    err(`${we.format()}\n`);
    return we.code === 'E_USAGE' || we.code === 'E_CONFIG_INVALID' || we.code === 'E_CONFIG_READ' ? 2 : 1;
  }
}
