// The contract between the weaver and its callers (the pool worker during a build, the `weft
// weave` command and the golden tests). Inputs and results are plain data so they cross
// worker threads unchanged.
import type { WeftErrorData } from '../errors.js';
import type { WeaveWarning } from './undecided.js';

export type { NeedsTypes, WeaveWarning } from './undecided.js';

export interface WeavePackageInput {
  /** The compile's -p value: the package's import path, `main` for commands and test mains. */
  importPath: string;
  /** TOOLEXEC_IMPORTPATH as the go command set it ('' when unknown): `example.com/cmd/app`, `pkg [pkg.test]`, `pkg.test`. */
  toolexecImportPath: string;
  /** The package's Go files as the compile lists them (absolute paths), in order. */
  files: string[];
  /** Import paths present in the compile's importcfg (packagefile and importmap keys): for the package-level filter. */
  importcfgPackages: string[];
  /** The compile's -lang value ('' when absent), e.g. `go1.22`. */
  lang: string;
  /** Go toolchain version for the `Version` template function and build constraints, e.g. `go1.26.8`. */
  goVersion: string;
  /** Module root directory of the main module, for package-filter `root` patterns ('' when unknown). */
  moduleRoot: string;
  /** True when the package is the generated test main (`_testmain.go` / `_testmain.cover.go`). */
  isTestMain: boolean;
}

export interface WovenFile {
  /** The original file path (as in the compile's arguments). */
  original: string;
  /** The complete woven source, with //line directives mapping back to `original`. */
  text: string;
}

export interface WeaveStats {
  filesScanned: number;
  /** Files the byte-level pre-filter let through to the parser. */
  filesParsed: number;
  filesWoven: number;
  scanMicros: number;
  parseMicros: number;
  weaveMicros: number;
}

export interface WeavePackageResult {
  /** Only the files that changed; an empty list means "compile unchanged". */
  files: WovenFile[];
  /** Extra source files to add to the compile (e.g. blank imports for link deps in main), name → text. */
  extraFiles: { name: string; text: string }[];
  /** Import paths the woven code imports that the package did not import before (need archives in importcfg). */
  addedImports: string[];
  /** Packages needed only at link time (go:linkname targets from `links`, and added imports). */
  linkDeps: string[];
  /** The -lang the compile needs now ('' when unchanged). */
  lang: string;
  /** Aspect ids that matched, for stats and `weft explain`. */
  aspects: string[];
  stats: WeaveStats;
  /**
   * Candidates weft could neither weave nor rule out (the one rule, src/weave/undecided.ts):
   * a join point or template that needs types, a file tree-sitter cannot parse. Left out when
   * there are none. The build prints them, counts them, and fails on them in strict mode.
   */
  warnings?: WeaveWarning[];
}

/** Results cross the pool as this union so an error is data, not a thrown clone. */
export type WeaveOutcome = { ok: true; result: WeavePackageResult } | { ok: false; error: WeftErrorData };
