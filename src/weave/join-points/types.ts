// The shape every join-point kind implements, and what matching gets to see.
import type { JoinPointSpec, ResolvedAspect } from '../../config/types.js';
import type { Formula } from '../needles.js';
import type { SourceFile } from '../source-file.js';
import type { SyntaxNode } from '../syntax.js';
import type { TypeContext } from '../types.js';
import type { Match } from '../undecided.js';

export interface PackageInfo {
  importPath: string;
  /** The package clause name ('' when unknown). */
  packageName: string;
  isTestMain: boolean;
  moduleRoot: string;
  toolexecImportPath: string;
  /** The module path of the main module ('' when unknown), for package-filter roots. */
  modulePath?: string;
  /** The version of the module the package comes from, when its files are in the module cache ('' otherwise). */
  moduleVersion?: string;
  /**
   * Import paths the package imports (the compile's importcfg), or null when unknown (`weft
   * weave`): a type from a package outside these and the package itself cannot be named.
   */
  imports?: ReadonlySet<string> | null;
}

export interface MatchContext {
  file: SourceFile;
  pkg: PackageInfo;
  aspect: ResolvedAspect;
  types: TypeContext;
}

export type SpecOf<K extends JoinPointSpec['kind']> = Extract<JoinPointSpec, { kind: K }>;

/** Recursion entry points handed to kinds that contain other join points. */
export interface JoinPointRegistry {
  nodeTypes(spec: JoinPointSpec): ReadonlySet<string> | null;
  needles(spec: JoinPointSpec, pkg: PackageInfo): Formula;
  matches(spec: JoinPointSpec, node: SyntaxNode, ctx: MatchContext): Match;
  packageValue(spec: JoinPointSpec, pkg: PackageInfo): boolean | null;
}

export interface JoinPointKind<K extends JoinPointSpec['kind']> {
  readonly kind: K;
  /**
   * For package-level kinds: decided from the package alone, before any file is read. Composite
   * kinds return null when any part needs nodes.
   */
  packageValue?(spec: SpecOf<K>, pkg: PackageInfo, r: JoinPointRegistry): boolean | null;
  /** Node types this join point can match (null: any node; the root `source_file` for package-level kinds). */
  nodeTypes(spec: SpecOf<K>, r: JoinPointRegistry): ReadonlySet<string> | null;
  /** What a file must contain to possibly match. */
  needles(spec: SpecOf<K>, pkg: PackageInfo, r: JoinPointRegistry): Formula;
  /** true/false when decided; Undecided (src/weave/undecided.ts) only when no syntax can tell. */
  matches(spec: SpecOf<K>, node: SyntaxNode, ctx: MatchContext, r: JoinPointRegistry): Match;
}

export const FILE_NODE: ReadonlySet<string> = new Set(['source_file']);
