// The contract between the weaver and its callers (the pool worker during a build, the `weft
// weave` command and the golden tests). Inputs and results are plain data so they cross
// worker threads unchanged.
import type { WeftErrorData } from '../errors.js';
import type { TypeFacts, TypeQuestion } from './type-facts.js';
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
  /**
   * Type information for join points that need it (see type-facts.ts). Absent: nobody can answer,
   * such candidates fail as undecidable. Present (even with no answers yet): unanswered questions
   * come back in `typeQuestions` instead.
   */
  types?: TypeFacts;
  /**
   * The files' bytes, in the order of `files`, read once by the caller (the weave cache hashed
   * exactly these for its key): the weaver weaves them instead of reading the files again.
   */
  sources?: Uint8Array[];
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
  /** Nodes (function bodies, calls, declarations…) that received advice, in the files woven. */
  nodesWoven: number;
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
  /**
   * Questions this weave needed answered (only when `input.types` was given): the result is then
   * provisional, to be discarded and woven again with the answers.
   */
  typeQuestions?: TypeQuestion[];
  /**
   * For a package woven with type information: the export data the type oracle read (import path
   * and build ID or content hash of each archive, sorted by path). The decision depends on them,
   * so a cache of woven packages must key a typed package by this list as well as by its sources.
   * Set by the server after the final pass.
   */
  typeInputs?: { path: string; id: string }[];
}

export function emptyWeaveStats(): WeaveStats {
  return { filesScanned: 0, filesParsed: 0, filesWoven: 0, nodesWoven: 0, scanMicros: 0, parseMicros: 0, weaveMicros: 0 };
}

/** Results cross the pool as this union so an error is data, not a thrown clone. */
export type WeaveOutcome = { ok: true; result: WeavePackageResult } | { ok: false; error: WeftErrorData };
