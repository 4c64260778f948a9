// Understanding a `link` command line: where the importcfg, the output and the main archive
// are. Like compile-args, only what weft needs is interpreted; everything else passes through.
import { WeftError } from '../errors.js';
import { expandResponseFiles } from './compile-args.js';

/** link flags that take a value as the next argument when not written `-flag=value`. */
const VALUE_FLAGS = new Set([
  'o', 'importcfg', 'buildmode', 'buildid', 'extld', 'extldflags', 'installsuffix', 'L', 'r', 'X', 'H', 'T', 'R',
  'E', 'I', 'linkmode', 'tmpdir', 'pluginpath', 'fipso', 'libgcc', 'k', 'B', 'benchprofile', 'cpuprofile',
  'memprofile', 'memprofilerate', 'bench', 'capturehostobjs', 'strictdups', 'aslr', 'compressdwarf', 'debugtramp',
  'debugtextsize', 'debugnosplit', 'randlayout',
]);
const BOOL_FLAGS = new Set(['race', 'msan', 'asan', 'w', 's', 'v', 'a', 'n', 'c', 'd', 'g', 'h', 'f', 'u', 'linkshared', 'shared', 'dumpdep', 'checklinkname', 'pruneflags']);

export interface LinkCommand {
  args: string[];
  output: string | null;
  importcfg: string | null;
  /** Index of the importcfg value in `args` (the flag's own index when written `-importcfg=…`). */
  importcfgIndex: number;
  importcfgInline: boolean;
  buildmode: string;
  /** The positional archive(s): the main package. */
  archives: string[];
}

export function parseLinkArgs(rawArgs: readonly string[]): LinkCommand {
  const args = expandResponseFiles(rawArgs);
  let output: string | null = null;
  let importcfg: string | null = null;
  let importcfgIndex = -1;
  let importcfgInline = false;
  let buildmode = 'exe';
  const archives: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      archives.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = body;
    let value: string | null = null;
    let valueIndex = -1;
    if (eq >= 0) {
      name = body.slice(0, eq);
      value = body.slice(eq + 1);
      valueIndex = i;
    } else if (VALUE_FLAGS.has(body) && !BOOL_FLAGS.has(body) && i + 1 < args.length) {
      value = args[++i]!;
      valueIndex = i;
    }
    if (value === null) continue;
    if (name === 'o') output = value;
    else if (name === 'buildmode') buildmode = value;
    else if (name === 'importcfg') {
      importcfg = value;
      importcfgIndex = valueIndex;
      importcfgInline = eq >= 0;
    }
  }
  if (archives.length === 0) {
    throw new WeftError('E_TOOLEXEC', `link command without a main archive: ${args.join(' ')}`, {
      hint: 'weft understands link commands issued by the go command; run the build through `weft go build` or -toolexec',
    });
  }
  return { args, output, importcfg, importcfgIndex, importcfgInline, buildmode, archives };
}

/** The link arguments with -importcfg pointing at `file`. */
export function withLinkImportcfg(cmd: LinkCommand, file: string): string[] {
  const args = [...cmd.args];
  if (cmd.importcfgIndex < 0) {
    args.splice(0, 0, '-importcfg', file);
  } else if (cmd.importcfgInline) {
    args[cmd.importcfgIndex] = `${args[cmd.importcfgIndex]!.slice(0, args[cmd.importcfgIndex]!.indexOf('=') + 1)}${file}`;
  } else {
    args[cmd.importcfgIndex] = file;
  }
  return args;
}

/**
 * The compile arguments with -importcfg pointing at `file` (added first when absent). The whole
 * list is scanned because the weaver may already have moved the file list; a Go file never
 * starts with `-importcfg`.
 */
export function withCompileImportcfg(args: readonly string[], file: string): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (/^--?importcfg=/.test(a)) {
      out[i] = `-importcfg=${file}`;
      return out;
    }
    if ((a === '-importcfg' || a === '--importcfg') && i + 1 < out.length) {
      out[i + 1] = file;
      return out;
    }
  }
  out.unshift(`-importcfg=${file}`);
  return out;
}
