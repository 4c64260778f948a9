// The weaver's input for one compile, read from the request the shim sent: the job server's
// handlers and the weaver hook both build it, so it lives beside the hook rather than in either.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { WeftError } from '../errors.js';
import type { ToolRequest } from '../protocol/messages.js';
import type { ListedPackage } from '../resolve/index.js';
import type { CompileCommand } from '../toolexec/compile-args.js';
import type { WeavePackageInput } from '../weave/api.js';
import type { BuildContext } from './build-context.js';

/**
 * Package paths named by an importcfg (packagefile and importmap keys), for the package-level
 * filter. Read synchronously: a few hundred bytes from the page cache.
 */
export function readImportcfgPackages(file: string | null): string[] {
  if (file === null) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WeftError('E_TOOLEXEC', `cannot read the compile's importcfg ${file}: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(packagefile|importmap)\s+([^=]+)=/.exec(line);
    if (m !== null) out.push(m[2]!.trim());
  }
  return out;
}

/**
 * The weaver's input for one compile without reading anything: `importcfgPackages` is left
 * empty for the weaver hook to fill in only when the package goes to a worker.
 */
export function weaveInputOf(ctx: BuildContext, req: ToolRequest, cmd: CompileCommand): WeavePackageInput {
  const files = cmd.goFiles.map((f) => f.path);
  return {
    importPath: cmd.packagePath,
    toolexecImportPath: req.pkg,
    files,
    importcfgPackages: [],
    lang: cmd.lang,
    goVersion: ctx.goVersion,
    moduleRoot: ctx.moduleRoot,
    isTestMain: cmd.packagePath === 'main' && files.some((f) => /(^|\/)_testmain(\.cover)?\.go$/.test(f)),
  };
}

/** The weaver's input for one compile, built from the request, its importcfg and the build's facts. */
export async function buildWeaveInput(ctx: BuildContext, req: ToolRequest, cmd: CompileCommand): Promise<WeavePackageInput> {
  return { ...weaveInputOf(ctx, req, cmd), importcfgPackages: readImportcfgPackages(cmd.importcfg) };
}

/** `m/a [m/a.test]` → `m/a`. */
export function baseImportPath(path: string): string {
  const i = path.indexOf(' [');
  return i < 0 ? path : path.slice(0, i);
}

/** The generated main of a test binary: `m/a.test`, importing variants built for it. */
export function isTestMain(p: ListedPackage): boolean {
  const base = baseImportPath(p.ImportPath);
  return p.Name === 'main' && base.endsWith('.test') && (p.Imports ?? []).some((i) => i.endsWith(` [${base}]`));
}

/**
 * The weaver's input for a listed package, as the compile of it will present it (null: nothing
 * to weave): a file the user's overlay replaces is read from its replacement, as go does. Plans,
 * `weft diff` and `weft explain` all start here, and the weave cache key holds the language
 * version and the importcfg's packages: an input that differs from the compile's in either
 * weaves the package a second time.
 */
export function weaveInputOfListed(ctx: Pick<BuildContext, 'goVersion' | 'moduleRoot'>, p: ListedPackage, overlay: Readonly<Record<string, string>> = {}): WeavePackageInput | null {
  const names = [...(p.GoFiles ?? []), ...(p.CgoFiles ?? [])];
  if (names.length === 0 || p.Dir === undefined) return null;
  return {
    importPath: p.Name === 'main' ? 'main' : baseImportPath(p.ImportPath),
    toolexecImportPath: p.ImportPath,
    files: names.map((f) => (isAbsolute(f) ? f : join(p.Dir!, f))).map((f) => overlay[f] ?? f).filter((f) => f !== ''),
    importcfgPackages: importcfgPackagesOf(p),
    lang: compileLang(p, ctx.goVersion),
    goVersion: ctx.goVersion,
    moduleRoot: ctx.moduleRoot,
    isTestMain: isTestMain(p),
  };
}

/**
 * What the compile's importcfg will name: a packagefile for each import (a test variant under
 * its own path), an importmap key for each import written otherwise in the source (std's
 * vendored golang.org/x packages, a vendor directory), and runtime, which go gives every main
 * package.
 */
function importcfgPackagesOf(p: ListedPackage): string[] {
  const out = new Set((p.Imports ?? []).map(baseImportPath));
  for (const [raw, final] of Object.entries(p.ImportMap ?? {})) if (baseImportPath(final) !== raw) out.add(raw);
  out.delete('unsafe');
  out.delete('C');
  if (p.Name === 'main') out.add('runtime');
  return [...out];
}

/**
 * The compile's -lang, as go 1.26 chooses it (cmd/go/internal/work/gc.go): the module's go
 * version (1.16 when go.mod has none) unless it is newer than the toolchain, the toolchain's
 * own for std and for packages outside modules. The flag names major and minor only, so it is
 * the lower of the two languages (within one language, go's finer order of 1.27rc1 and 1.27.0
 * gives the same flag). '' when the toolchain's version is unknown.
 */
export function compileLang(p: Pick<ListedPackage, 'Module'>, toolchain: string): string {
  const language = (v: string): [number, number] | null => {
    const m = /^(\d+)(?:\.(\d+))?/.exec(v);
    return m === null ? null : [Number(m[1]), Number(m[2] ?? 0)];
  };
  const local = language(toolchain.replace(/^go/, ''));
  if (local === null) return '';
  const mod = p.Module === undefined ? null : language(p.Module.GoVersion ?? '1.16');
  const [major, minor] = mod !== null && (mod[0] < local[0] || (mod[0] === local[0] && mod[1] < local[1])) ? mod : local;
  return major === 1 && minor === 0 ? 'go1' : `go${major}.${minor}`;
}
