// Per-build state shared by every request of one build: the resolved configuration, the
// -V=full suffix, facts about the toolchain and module, and the hooks other layers plug in
// (weaver, importcfg patching, link handling). One BuildContext per `weft go` run or per
// drop-in server; never shared between builds (orchestrion #639: two GOARCHs on one server).
import type { GoCommand } from '../toolexec/go-command-line.js';
import type { ResolvedConfig } from '../config/index.js';
import type { ListedPackage } from '../resolve/go-list.js';
import type { PrebuildResult } from '../resolve/inject.js';
import type { AppendMember, ToolRequest } from '../protocol/messages.js';
import type { CompileCommand } from '../toolexec/compile-args.js';
import type { WeaveOutcome, WeavePackageInput, WeavePackageResult } from '../weave/api.js';
import type { ScreenedAll, Screening } from '../weave/index.js';
import { silentLogger, type Logger } from '../log.js';
import { BuildStats } from './stats.js';
import { versionSuffix, weftVersion } from '../install/version.js';

/** Weaves one package: null (or an empty `files` list with no extra files) means "compile unchanged". */
export type WeaverHook = (req: ToolRequest, cmd: CompileCommand, signal: AbortSignal) => Promise<WeavePackageResult | null>;

/**
 * Weaves one package before the build (planned builds): the syntactic pass, with an empty set
 * of type answers so that what needs types comes back as questions. `env` is what the compile's
 * shim would forward (GOOS, GOARCH, GOFLAGS), for the weave cache key. `screened`: the
 * package's screening from PlanScreenHook, not made again.
 */
export type PlanWeaverHook = (input: WeavePackageInput, env: Readonly<Record<string, string>>, signal?: AbortSignal, screened?: Screening) => Promise<WeaveOutcome>;

/** Screens a plan's packages at once, in the pool when there are enough files to scan (src/weave/screen-pool.ts). */
export type PlanScreenHook = (inputs: readonly WeavePackageInput[]) => Promise<ScreenedAll>;

/**
 * A planned build's marks (src/plan/plan.ts): the packages go was told to give their own
 * cache keys, and the mark value the shim passes back. Requests without the mark must not be
 * woven: their objects are stored under plain go's keys.
 */
export interface PlannedMarks {
  /** The `-weftmark=<value>` the plan added to the marked packages' -gcflags and the marked links' -ldflags. */
  mark: string;
  /** Packages the shim sends to the server through the route file, without a mark (base import paths). */
  routed: ReadonlySet<string>;
}

/** The flag a planned build adds to a marked package's -gcflags to give it its own cache key. */
export const MARK_FLAG = '-weftmark=';

/** The file a planned build adds (through -overlay) to a marked package named on the command line; its name carries the mark. */
export const MARK_FILE = /(?:^|[/\\])weft_mark_([0-9a-f]{16})(?:_test)?\.go$/;

/** What a compile or link should run with, as the server will answer it. */
export interface ToolPlan {
  args: string[];
  /** Lines the shim prints on the tool's stderr before running it (go shows them under `# pkg`). */
  warnings?: string[];
  append?: AppendMember[];
}

export interface ImportcfgHookInput {
  req: ToolRequest;
  cmd: CompileCommand;
  /** The weaver's result (null when the package was not woven). */
  result: WeavePackageResult | null;
  /** The compile's own $WORK/bNNN directory (dirname of -o): write new files here, go removes it. */
  workDir: string;
  /** Arguments as planned so far (woven files already substituted). */
  plan: ToolPlan;
  signal: AbortSignal;
}

/**
 * Runs after the weaver for EVERY compile (woven or not), so it can add packagefile lines for
 * injected imports, raise -lang, or append a link-deps member. Returns the final plan.
 */
export type ImportcfgHook = (input: ImportcfgHookInput) => Promise<ToolPlan>;

/** Export archives of packages a compile does not import, built like the rest of its build (for the type oracle). */
export type ExportArchivesHook = (req: ToolRequest, cmd: CompileCommand, pkgs: readonly string[]) => Promise<Map<string, string>>;

/** Handles a link request; null means "link unchanged". */
export type LinkerHook = (req: ToolRequest, signal: AbortSignal) => Promise<ToolPlan | null>;

export interface BuildContext {
  readonly config: ResolvedConfig;
  /** Fingerprint in the suffix: the config's, possibly extended with injected packages' content. */
  fingerprint: string;
  /** `weft@<version>+<build identity>;<fingerprint>`, the value of WEFT_VERSION_SUFFIX. */
  suffix: string;
  readonly weftVersion: string;
  /** `go1.x.y` of the toolchain running the build ('' when unknown). */
  readonly goVersion: string;
  /** Directory of the main module's go.mod ('' when unknown). */
  readonly moduleRoot: string;
  /** GOMODCACHE of the build ('' when unknown). */
  readonly modCache: string;
  /** The go command's flags that change what is built (for nested loads). */
  readonly buildFlags: readonly string[];
  /** The go command of this build (command line and GOFLAGS as go reads them), when known. */
  readonly command: GoCommand | null;
  readonly stats: BuildStats;
  readonly log: Logger;
  weaver: WeaverHook;
  /** Set by the weaver when the configuration has aspects: what planning weaves with. */
  planWeaver: PlanWeaverHook | null;
  /** Set with planWeaver. */
  planScreen: PlanScreenHook | null;
  /** Set by a planned build before go starts; null in toolexec mode (drop-in, --weft-mode=toolexec). */
  planned: PlannedMarks | null;
  importcfg: ImportcfgHook | null;
  linker: LinkerHook | null;
  /** Identity of the given injectable packages and their dependencies (set by injection; null when nothing is injected). */
  injectedIdentity: ((roots: readonly string[]) => string) | null;
  exportArchives: ExportArchivesHook | null;
  /** The packages the aspects may inject and their closure, as listed for this build (null when nothing is injected). */
  injectable: (() => ListedPackage[]) | null;
  /** Compiles what a plan found woven code will inject, with the build's own go command line and environment, before go starts (set by injection). */
  prebuildInjected: ((roots: readonly string[], command: GoCommand, env: NodeJS.ProcessEnv, cwd: string, known?: ReadonlyMap<string, string>) => Promise<PrebuildResult>) | null;
  /** Lets compiles of the build and of its nested export runs share their outputs through this directory (set by injection). */
  shareCompilesIn: ((dir: string) => void) | null;
  /** Longest a single compile/link request may take on the server. */
  callTimeoutMs: number;
  /** Strict mode: a compile with undecided candidates fails (E_UNDECIDABLE) instead of warning. */
  readonly strict: boolean;
  /** Resources to release when the build ends (weaver pools and the like), run in reverse order. */
  readonly disposers: (() => Promise<void> | void)[];
}

export const DEFAULT_CALL_TIMEOUT_MS = 5 * 60 * 1000;

export interface BuildContextOptions {
  config: ResolvedConfig;
  goVersion?: string;
  moduleRoot?: string;
  modCache?: string;
  buildFlags?: readonly string[];
  command?: GoCommand;
  log?: Logger;
  weaver?: WeaverHook;
  importcfg?: ImportcfgHook | null;
  linker?: LinkerHook | null;
  callTimeoutMs?: number;
  strict?: boolean;
  version?: string;
}

/** The default weaver: nothing is woven, so every compile is answered with its own arguments. */
export const noWeaver: WeaverHook = async () => null;

export function createBuildContext(opts: BuildContextOptions): BuildContext {
  const version = opts.version ?? weftVersion();
  return {
    config: opts.config,
    fingerprint: opts.config.fingerprint,
    suffix: versionSuffix(opts.config.fingerprint, version, opts.strict ?? false),
    weftVersion: version,
    goVersion: opts.goVersion ?? '',
    moduleRoot: opts.moduleRoot ?? '',
    modCache: opts.modCache ?? '',
    buildFlags: opts.buildFlags ?? [],
    command: opts.command ?? null,
    stats: new BuildStats(),
    log: opts.log ?? silentLogger(),
    weaver: opts.weaver ?? noWeaver,
    planWeaver: null,
    planScreen: null,
    planned: null,
    importcfg: opts.importcfg ?? null,
    linker: opts.linker ?? null,
    injectedIdentity: null,
    exportArchives: null,
    injectable: null,
    prebuildInjected: null,
    shareCompilesIn: null,
    callTimeoutMs: opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    strict: opts.strict ?? false,
    disposers: [],
  };
}

/** An on/off environment variable (WEFT_STATS, WEFT_STRICT): set, non-empty and not 0/false/no/off. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && !/^(0|false|no|off)$/i.test(value);
}

/** Changes the fingerprint (e.g. once injected packages are hashed); the suffix follows. */
export function setFingerprint(ctx: BuildContext, fingerprint: string): void {
  ctx.fingerprint = fingerprint;
  ctx.suffix = versionSuffix(fingerprint, ctx.weftVersion, ctx.strict);
}

export async function disposeBuildContext(ctx: BuildContext): Promise<void> {
  while (ctx.disposers.length > 0) {
    const d = ctx.disposers.pop()!;
    try {
      await d();
    } catch (e) {
      ctx.log.warn(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

/** Parses WEFT_CALL_TIMEOUT-style values: `90` (seconds) or a Go duration (`500ms`, `30s`, `10m`, `1m30s`). Bad text gives the fallback. */
export function parseDuration(text: string | undefined, fallbackMs: number): number {
  if (text === undefined || text.trim() === '') return fallbackMs;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(t)) return fallbackMs;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    const unit = m[2]!;
    ms += Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  }
  return Math.round(ms);
}
