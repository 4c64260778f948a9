// Type information for weaving outside a build (`weft weave`, `weft diff`, `weft explain`): the
// same two-pass weave as a build's compile (oracle/service.ts's weaveWithTypes), the same oracle
// (type-oracle.ts), and the export data of the package's imports built as a build's injection
// builds them (src/resolve's Resolver: `go list -export` with the build's flags). What the oracle
// cannot be given is said in every typed candidate's warning: no go.mod, an import that does not
// build, a package that does not type-check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { WeftError } from '../errors.js';
import { compileToolOf } from '../install/ensure-oracle.js';
import { weftVersion } from '../install/version.js';
import type { Logger } from '../log.js';
import { createTypeService, weaveWithTypes, type AnsweredFacts } from '../oracle/index.js';
import type { ToolRequest } from '../protocol/messages.js';
import { Resolver, runGoList } from '../resolve/index.js';
import type { CompileCommand } from '../toolexec/compile-args.js';
import { readGoCommand } from '../toolexec/go-command-line.js';
import { weavePackage, type WeavePackageInput, type WeavePackageResult } from '../weave/index.js';
import { goFactsOf } from './prepare.js';
import { mayNeedTypes, oracleStarter } from './type-oracle.js';

export interface PackageTypesOptions {
  config: ResolvedConfig;
  go: string;
  /** Where go runs (the module's directory or below). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The build flags a build would have (`-tags=…`); GOFLAGS apply anyway. */
  flags: readonly string[];
  log: Pick<Logger, 'debug'>;
}

export interface PackageWeaver {
  /** Weaves one package as a compile of it in a build would; `imports` as go list gives them (listed from its directory when absent). */
  weave(input: WeavePackageInput, imports?: readonly string[]): Promise<{ result: WeavePackageResult; facts: AnsweredFacts | undefined }>;
  close(): Promise<void>;
}

/** A weaver for whole packages outside a build; without typed aspects it is the plain weave. */
export function packageWeaver(opts: PackageTypesOptions): PackageWeaver {
  const plain = (input: WeavePackageInput) => weavePackage(input, opts.config).then((result) => ({ ok: true as const, result }));
  if (!mayNeedTypes(opts.config)) {
    return { weave: async (input) => ({ result: (await plain(input)).result, facts: undefined }), close: async () => {} };
  }
  const disposers: (() => Promise<void> | void)[] = [];
  const work = mkdtempSync(join(tmpdir(), 'weft-types-'));
  disposers.push(() => rmSync(work, { recursive: true, force: true }));
  const resolver = new Resolver({ go: opts.go, dir: opts.dir, env: opts.env, flags: opts.flags, toolexec: null, injected: [] });
  // The build's -tags, GOFLAGS as go reads them (`go env -w` included): asked of go once, at the
  // first typed question, so a package without one costs no go env run.
  let service: Promise<ReturnType<typeof createTypeService>> | null = null;
  const serviceOf = () => service ??= goFactsOf({ go: opts.go, dir: opts.dir, env: opts.env }).then((facts) => createTypeService({
    oracle: oracleStarter(weftVersion(), opts.log, disposers),
    exportArchives: (_req, cmd, pkgs) => resolver.archives(pkgs, cmd.packagePath),
    tags: readGoCommand(['build', ...opts.flags], facts.goflags).tags,
    log: (m) => opts.log.debug(m),
  }));
  let compileTool: Promise<string> | null = null;
  let n = 0;

  /** The compile a build would run for this package, with an importcfg of its imports' export data. */
  async function compileOf(input: WeavePackageInput, imports: readonly string[] | undefined): Promise<{ req: ToolRequest; cmd: CompileCommand }> {
    if (input.moduleRoot === '') {
      throw new WeftError('E_RESOLVE', `no go.mod at or above the directory of ${input.files[0] ?? 'the files'}, so its imports cannot be built for the type oracle`, { hint: 'weave files inside a module, as a build would' });
    }
    const dir = join(input.files[0]!, '..');
    const listed = imports === undefined ? (await runGoList([dir], { go: opts.go, dir: opts.dir, env: opts.env, flags: opts.flags, export: false })).packages.find((p) => p.DepOnly !== true) : undefined;
    const need = [...(imports ?? listed?.Imports ?? [])].filter((p) => p !== 'unsafe' && p !== 'C');
    const lang = input.lang !== '' ? input.lang : listed?.Module?.GoVersion !== undefined ? `go${listed.Module.GoVersion}` : '';
    const archives = await resolver.archives(need, input.importPath);
    const importcfg = join(work, `importcfg-${n++}`);
    writeFileSync(importcfg, [...archives].filter(([p]) => need.includes(p)).map(([p, f]) => `packagefile ${p}=${f}\n`).join(''));
    compileTool ??= compileToolOf(opts.go, opts.env);
    const env: Record<string, string> = {};
    for (const k of ['GOOS', 'GOARCH']) if (opts.env[k]) env[k] = opts.env[k]!;
    const req: ToolRequest = { t: 'tool', id: 0, tool: 'compile', path: await compileTool, args: [], cwd: dir, pkg: input.toolexecImportPath, env, pid: process.pid };
    const cmd: CompileCommand = {
      args: [], packagePath: input.importPath, output: '', importcfg, embedcfg: null, lang, trimpath: null, isStd: false, complete: false,
      goFiles: input.files.map((path, index) => ({ index, path })), filesStart: 0,
    };
    return { req, cmd };
  }

  return {
    async weave(input, imports) {
      let compile: Promise<{ req: ToolRequest; cmd: CompileCommand }> | null = null;
      const signal = new AbortController().signal;
      const { outcome, facts } = await weaveWithTypes(plain, input, async (questions, prior) => {
        compile ??= compileOf(input, imports);
        let c;
        try {
          c = await compile;
        } catch (e) {
          // Every typed candidate of the package stays undecided, for this reason.
          const why = e instanceof WeftError ? `${e.message}${e.details.length > 0 ? `: ${e.details.join('; ')}` : ''}` : (e as Error).message;
          return { answers: {}, loaded: [], error: why };
        }
        return (await serviceOf()).answer(c.req, c.cmd, questions, prior, signal);
      });
      if (!outcome.ok) throw new WeftError('E_INTERNAL', outcome.error.message);
      return { result: outcome.result, facts };
    },
    async close() {
      while (disposers.length > 0) await disposers.pop()!();
    },
  };
}
