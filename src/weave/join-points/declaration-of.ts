// `declaration-of: pkg.Name`: the declaration of a package-level (or local) function, variable,
// constant or type with that name, in its own package.
import { needle } from '../needles.js';
import { childByField, childrenByField } from '../syntax.js';
import type { JoinPointKind } from './types.js';

const DECLS: ReadonlySet<string> = new Set(['function_declaration', 'var_spec', 'const_spec', 'type_spec', 'type_alias']);

export const declarationOfJoinPoint: JoinPointKind<'declaration-of'> = {
  kind: 'declaration-of',
  nodeTypes: () => DECLS,
  needles: (spec, pkg) => (spec.symbol.path === pkg.importPath ? needle(spec.symbol.name) : false),
  matches: (spec, node, ctx) => {
    if (spec.symbol.path !== ctx.pkg.importPath || !DECLS.has(node.type)) return false;
    if (node.type === 'function_declaration' || node.type === 'type_spec' || node.type === 'type_alias') {
      const n = childByField(node, 'name');
      return n !== null && ctx.file.slice(n) === spec.symbol.name;
    }
    return childrenByField(node, 'name').some((n) => ctx.file.slice(n) === spec.symbol.name);
  },
};
