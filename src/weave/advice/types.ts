// The shape every advice kind implements, and the services the engine gives it.
import type { AdviceSpec, ResolvedAspect, TemplateSpec } from '../../config/types.js';
import type { EditList } from '../edits.js';
import type { PackageInfo } from '../join-points/types.js';
import type { SourceFile } from '../source-file.js';
import type { SyntaxNode } from '../syntax.js';

export interface AdviceContext {
  file: SourceFile;
  edits: EditList;
  pkg: PackageInfo;
  aspect: ResolvedAspect;
  /** The matched node. */
  node: SyntaxNode;
  /** Renders a template for the matched node: original text marked, imports bound to the file's aliases. */
  render(template: TemplateSpec): string;
  /** The identifier to qualify names of package `path` with in this file ('' for the package itself); adds the import. */
  qualifier(path: string): string;
  /** Ensures `import _ "path"` in this file. */
  blankImport(path: string): void;
  /** Records packages needed at link time. */
  link(path: string): void;
  /** True the first time a key is seen in the package: declarations are injected once per package. */
  firstInPackage(key: string): boolean;
  /** Throws E_WEAVE_FAILED at the matched node. */
  fail(reason: string, hint?: string): never;
}

export type AdviceOf<K extends AdviceSpec['kind']> = Extract<AdviceSpec, { kind: K }>;

export interface AdviceKind<K extends AdviceSpec['kind']> {
  readonly kind: K;
  apply(spec: AdviceOf<K>, ctx: AdviceContext): void;
}
