// `struct-definition: pkg.Type`: the type spec declaring that struct in its own package.
import { needle } from '../needles.js';
import { childByField } from '../syntax.js';
import type { JoinPointKind } from './types.js';

const TYPE_SPEC: ReadonlySet<string> = new Set(['type_spec']);

export const structDefinitionJoinPoint: JoinPointKind<'struct-definition'> = {
  kind: 'struct-definition',
  nodeTypes: () => TYPE_SPEC,
  needles: (spec, pkg) => (spec.type.path === pkg.importPath ? needle(spec.type.name) : false),
  matches: (spec, node, ctx) => {
    if (node.type !== 'type_spec' || spec.type.path !== ctx.pkg.importPath) return false;
    const name = childByField(node, 'name');
    const type = childByField(node, 'type');
    return name !== null && type !== null && type.type === 'struct_type' && ctx.file.slice(name) === spec.type.name;
  },
};
