// The join-point registry: one entry per kind, and the recursion entry points composite kinds use.
import type { JoinPointSpec } from '../../config/types.js';
import type { Formula } from '../needles.js';
import type { SyntaxNode } from '../syntax.js';
import type { Match } from '../undecided.js';
import { allOfJoinPoint } from './all-of.js';
import { isFileOnly } from './file-only.js';
import { notJoinPoint } from './not.js';
import { oneOfJoinPoint } from './one-of.js';
import { declarationOfJoinPoint } from './declaration-of.js';
import { directiveJoinPoint } from './directive.js';
import { filePredicateJoinPoint } from './file-predicate.js';
import { moduleVersionJoinPoint } from './module-version.js';
import { functionBodyJoinPoint } from './function-body.js';
import { functionCallJoinPoint } from './function-call.js';
import { functionJoinPoint } from './function.js';
import { methodCallJoinPoint } from './method-call.js';
import { importPathJoinPoint } from './import-path.js';
import { packageFilterJoinPoint } from './package-filter.js';
import { packageNameJoinPoint } from './package-name.js';
import { testMainJoinPoint } from './test-main.js';
import { structDefinitionJoinPoint } from './struct-definition.js';
import { structLiteralJoinPoint } from './struct-literal.js';
import type { JoinPointKind, JoinPointRegistry, MatchContext, PackageInfo, SpecOf } from './types.js';
import { valueDeclarationJoinPoint } from './value-declaration.js';

export type { JoinPointKind, JoinPointRegistry, MatchContext, PackageInfo } from './types.js';
export { isFileOnly };

type Table = { [K in JoinPointSpec['kind']]: JoinPointKind<K> };

export const JOIN_POINTS: Table = {
  'function': functionJoinPoint,
  'function-body': functionBodyJoinPoint,
  'function-call': functionCallJoinPoint,
  'method-call': methodCallJoinPoint,
  'struct-definition': structDefinitionJoinPoint,
  'struct-literal': structLiteralJoinPoint,
  'declaration-of': declarationOfJoinPoint,
  'value-declaration': valueDeclarationJoinPoint,
  'directive': directiveJoinPoint,
  'package-name': packageNameJoinPoint,
  'import-path': importPathJoinPoint,
  'package-filter': packageFilterJoinPoint,
  'test-main': testMainJoinPoint,
  'file-predicate': filePredicateJoinPoint,
  'module-version': moduleVersionJoinPoint,
  'all-of': allOfJoinPoint,
  'one-of': oneOfJoinPoint,
  'not': notJoinPoint,
};

function kindOf<K extends JoinPointSpec['kind']>(spec: SpecOf<K>): JoinPointKind<K> {
  return JOIN_POINTS[spec.kind as K] as JoinPointKind<K>;
}

const nodeTypesCache = new WeakMap<JoinPointSpec, ReadonlySet<string> | null>();

export const registry: JoinPointRegistry = {
  nodeTypes(spec: JoinPointSpec): ReadonlySet<string> | null {
    if (nodeTypesCache.has(spec)) return nodeTypesCache.get(spec)!;
    const t = kindOf(spec).nodeTypes(spec as never, registry);
    nodeTypesCache.set(spec, t);
    return t;
  },
  needles(spec: JoinPointSpec, pkg: PackageInfo): Formula {
    return kindOf(spec).needles(spec as never, pkg, registry);
  },
  matches(spec: JoinPointSpec, node: SyntaxNode, ctx: MatchContext): Match {
    // A package-level join point holds at the file root only, so one-of(import-path, …) does not match every node.
    if (isFileOnly(registry.nodeTypes(spec)) && node.type !== 'source_file') return false;
    return kindOf(spec).matches(spec as never, node, ctx, registry);
  },
  packageValue(spec: JoinPointSpec, pkg: PackageInfo): boolean | null {
    const k = kindOf(spec);
    return k.packageValue ? k.packageValue(spec as never, pkg, registry) : null;
  },
};
