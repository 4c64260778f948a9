// The resolved aspect model: plain, read-only data produced by src/config from orchestrion-schema
// YAML and consumed by src/weave. Plain data on purpose: it is cloned into pool workers and
// hashed for the fingerprint, so no classes, functions or cycles. Raw YAML shapes are *Input
// types private to src/config; everything here is validated.

export interface SourceLocation {
  /** Absolute path of the YAML file. */
  file: string;
  /** 1-based line of the node in that file. */
  line: number;
  /** YAML path, e.g. `aspects[3].advice[0].wrap-expression.template`. */
  path: string;
}

/**
 * A Go type as written in aspect configuration, e.g. `*net/http.Request`, `context.Context`,
 * `error`, `[]byte`, `...any`. Package paths are full import paths; `path` is '' for
 * predeclared types (error, int, any, ...).
 */
export type TypeRef =
  /** `typeArgs` only on generic instantiations (`iter.Seq[string]`); absent otherwise. */
  /**
   * `local`: written unqualified though not predeclared, a type declared in the package being
   * woven (allowed where orchestrion allows it: add-struct-field types, signature types).
   */
  | { readonly kind: 'named'; readonly path: string; readonly name: string; readonly text: string; readonly typeArgs?: readonly TypeRef[]; readonly local?: true }
  | { readonly kind: 'pointer'; readonly elem: TypeRef; readonly text: string }
  | { readonly kind: 'slice'; readonly elem: TypeRef; readonly text: string }
  | { readonly kind: 'array'; readonly len: string; readonly elem: TypeRef; readonly text: string }
  | { readonly kind: 'map'; readonly key: TypeRef; readonly value: TypeRef; readonly text: string }
  | { readonly kind: 'chan'; readonly dir: 'both' | 'send' | 'recv'; readonly elem: TypeRef; readonly text: string }
  | { readonly kind: 'variadic'; readonly elem: TypeRef; readonly text: string }
  /** Anything else (func types, inline interfaces/structs): compared as normalised text. */
  | { readonly kind: 'other'; readonly text: string };

/** A package-qualified name such as `net/http.Get` or `database/sql.DB`. */
export interface QualifiedName {
  readonly path: string;
  readonly name: string;
}

export type FunctionOption =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'receiver'; readonly type: TypeRef }
  /** `receiver: true` (any method) / `receiver: false` (plain functions and function literals). */
  | { readonly kind: 'has-receiver'; readonly value: boolean }
  | { readonly kind: 'signature'; readonly args: readonly TypeRef[]; readonly returns: readonly TypeRef[] }
  | { readonly kind: 'signature-contains'; readonly args: readonly TypeRef[]; readonly returns: readonly TypeRef[] }
  /** Needs type information; src/weave matches it syntactically where exact or fails with E_UNSUPPORTED. */
  | { readonly kind: 'argument-implements'; readonly type: TypeRef }
  | { readonly kind: 'result-implements'; readonly type: TypeRef }
  | { readonly kind: 'final-result-implements'; readonly type: TypeRef }
  /** otelc's `last_result`: the last result is written as exactly this type (no orchestrion spelling). */
  | { readonly kind: 'last-result'; readonly type: TypeRef }
  | { readonly kind: 'directive'; readonly name: string };

/**
 * otelc's `where.file` predicates: facts about the file holding the node (its declarations, its
 * package clause, whether it is compiled for a test). `receiver` is the receiver type as written
 * in the file (`*DB`), type parameters aside.
 */
export type FilePredicate =
  | { readonly kind: 'has-func'; readonly name: string; readonly receiver: string | null }
  | { readonly kind: 'has-recv'; readonly receiver: string }
  | { readonly kind: 'has-struct'; readonly name: string }
  | { readonly kind: 'has-package'; readonly name: string }
  | { readonly kind: 'is-test'; readonly value: boolean }
  | { readonly kind: 'all-of' | 'one-of'; readonly of: readonly FilePredicate[] }
  | { readonly kind: 'not'; readonly of: FilePredicate };

export type JoinPointSpec = (
  | { readonly kind: 'function-body'; readonly function: JoinPointSpec }
  | { readonly kind: 'function'; readonly options: readonly FunctionOption[] }
  | { readonly kind: 'function-call'; readonly callee: QualifiedName }
  | { readonly kind: 'method-call'; readonly receiver: TypeRef | null; readonly name: string; readonly match: 'value-only' | 'pointer-only' | 'any' }
  | { readonly kind: 'struct-definition'; readonly type: QualifiedName }
  | { readonly kind: 'struct-literal'; readonly type: QualifiedName; readonly field: string | null; readonly match: 'value-only' | 'pointer-only' | 'any' }
  | { readonly kind: 'declaration-of'; readonly symbol: QualifiedName }
  | { readonly kind: 'value-declaration'; readonly type: TypeRef }
  | { readonly kind: 'directive'; readonly name: string }
  | { readonly kind: 'package-name'; readonly name: string }
  | { readonly kind: 'import-path'; readonly path: string }
  /**
   * Glob over import paths (`*` within a segment, `**` across segments, `?`, `[class]`). `root` is
   * null for the string form and `{root: false}`; with `{root: true}` it is the string '.', meaning
   * the pattern applies to paths relative to the main module (pattern '**' when omitted).
   */
  | { readonly kind: 'package-filter'; readonly pattern: string; readonly root: string | null }
  | { readonly kind: 'test-main'; readonly value: boolean }
  /**
   * otelc's `version: start,end`: the package's module version (read from where its files are, the
   * module cache's `path@version` directory) is in [start, end); '' leaves a side open. A package
   * of no known version (main module, replaced, vendored, standard library) does not match.
   */
  | { readonly kind: 'module-version'; readonly start: string; readonly end: string }
  /** otelc's `where.file`: holds at every node of a file the predicate holds for (no orchestrion spelling). */
  | { readonly kind: 'file-predicate'; readonly predicate: FilePredicate }
  | { readonly kind: 'all-of'; readonly of: readonly JoinPointSpec[] }
  | { readonly kind: 'one-of'; readonly of: readonly JoinPointSpec[] }
  | { readonly kind: 'not'; readonly of: JoinPointSpec }
) & { readonly location: SourceLocation };

/** Template text plus the imports it may use and the Go version it needs. */
export interface TemplateSpec {
  readonly source: string;
  /** Local name in the template → import path. The weaver adds the import under a unique alias. */
  readonly imports: Readonly<Record<string, string>>;
  /** Minimum Go language version the rendered code needs (`go1.18`), raising -lang. */
  readonly lang: string | null;
  readonly location: SourceLocation;
}

interface AdviceCommon {
  readonly location: SourceLocation;
  /** Ordering key 1 (default `default`, compared by name like any other namespace). */
  readonly namespace: string;
  /** Ordering key 2 (default 0). Ties keep declaration order. */
  readonly order: number;
}

export type AdviceSpec = AdviceCommon & (
  | { readonly kind: 'prepend-statements'; readonly template: TemplateSpec }
  | { readonly kind: 'wrap-expression'; readonly template: TemplateSpec }
  | { readonly kind: 'inject-declarations'; readonly template: TemplateSpec; readonly links: readonly string[] }
  | { readonly kind: 'add-struct-field'; readonly name: string; readonly type: TypeRef }
  | { readonly kind: 'add-blank-import'; readonly path: string }
  | { readonly kind: 'replace-function'; readonly with: QualifiedName }
  | { readonly kind: 'append-args'; readonly type: TypeRef; readonly values: readonly TemplateSpec[] }
  | { readonly kind: 'assign-value'; readonly template: TemplateSpec }
);

export interface ResolvedAspect {
  readonly id: string;
  readonly joinPoint: JoinPointSpec;
  readonly advice: readonly AdviceSpec[];
  readonly location: SourceLocation;
  /**
   * `tracer-internal: true`: the aspect may also weave into the tracer's own packages (see
   * tracer-internal.ts). Absent when false, so configurations without it keep their fingerprint.
   */
  readonly tracerInternal?: true;
}

/** A Go package named by configuration (a tool file's import, an import-path `extends`), as go list found it. */
export interface LocatedPackage {
  readonly importPath: string;
  /** Its directory, or null when it could not be resolved. */
  readonly dir: string | null;
  /** go list's error for it (not in go.mod, no such package, ...), or null. */
  readonly error: string | null;
}

/** Resolves import paths to package directories (src/resolve runs go list; tests may fake it). */
export type PackageLocator = (importPaths: readonly string[]) => Promise<ReadonlyMap<string, LocatedPackage>>;

/** One configuration file read, in load order (`weft explain --config`). */
export interface ConfigSource {
  readonly file: string;
  /** `yaml`: an aspect file; `tool-file`: an orchestrion.tool.go; `built-in`: weft's copy of orchestrion's built-in aspects. */
  readonly kind: 'yaml' | 'tool-file' | 'built-in';
  /** How it was reached (`weft.yml`, `package X, imported at F:L`, `extends at F:L`, ...). */
  readonly via: string;
  /** The Go package it belongs to, when reached as one. */
  readonly importPath: string | null;
  /** Nesting depth: 0 for the user's file and the main module. */
  readonly depth: number;
  /** Aspects defined in this file itself (not through extends or imports). */
  aspects: number;
}

/** One integration (the package or file aspects came from) and whether the build-time switches leave it on. */
export interface ResolvedIntegration {
  /** The package's import path, or the YAML file's path (relative to the configuration's directory when under it). */
  readonly name: string;
  /** Its aspect ids, in load order, unique. */
  readonly aspects: readonly string[];
  /** False when every aspect of it is switched off. */
  readonly on: boolean;
  /** Why: `on by default`, `disabled by integrations.disable[0] at /m/weft.yml:4`, ... */
  readonly reason: string;
  /** Aspects switched off by id while the integration stays on. */
  readonly aspectsOff?: readonly { readonly id: string; readonly reason: string }[];
}

export interface ResolvedConfig {
  /** Every configuration file read (YAML and tool files, in load order), absolute paths. */
  readonly files: readonly string[];
  /** The same files with how each was reached and what it gave; absent on configurations built by hand. */
  readonly sources?: readonly ConfigSource[];
  /**
   * Paths discovery looked for and did not find (a package's orchestrion.tool.go or orchestrion.yml):
   * with `files`, everything whose content or existence decided this configuration.
   */
  readonly absent?: readonly string[];
  /** The aspects switched on (all of them unless weft.yml's `integrations` switches some off). */
  readonly aspects: readonly ResolvedAspect[];
  /** Every integration loaded, on or off, in load order; absent on configurations built by hand. */
  readonly integrations?: readonly ResolvedIntegration[];
  /** Import paths any advice may add (template imports, links, blank imports, replace-function targets, packages named by add-struct-field types), sorted, unique. */
  readonly injectedPackages: readonly string[];
  /**
   * Stable hex digest (sha256) of the canonical aspect model: equal configs give equal
   * fingerprints whatever the file layout, key order, comments or anchors. It does not include
   * the injected packages' sources; the server extends it with those.
   */
  readonly fingerprint: string;
}
