// The weaver's input for one compile, read from the request the shim sent: the job server's
// handlers and the weaver hook both build it, so it lives beside the hook rather than in either.
import { readFileSync } from 'node:fs';
import { WeftError } from '../errors.js';
import type { ToolRequest } from '../protocol/messages.js';
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
