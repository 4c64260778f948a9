// otelc's `where.file` (file-predicate): a fact about the file that holds the node, so it is
// evaluated once per file, at any node: the file declares a function (of a receiver), a method
// on a receiver, a struct type; its package clause says a name; it is compiled for a test (a
// `_test.go` file, or any file of a test variant or test main).
import type { FilePredicate } from '../../config/types.js';
import type { SourceFile } from '../source-file.js';
import { childByField } from '../syntax.js';
import { normaliseTypeText } from '../types.js';
import { FILE_NODE, type JoinPointKind, type PackageInfo } from './types.js';

interface FileFacts {
  /** Plain function names, and `name\0receiver` for methods. */
  funcs: Set<string>;
  methodNames: Set<string>;
  receivers: Set<string>;
  structs: Set<string>;
  packageName: string;
}

const factsOf = new WeakMap<SourceFile, FileFacts>();

/** `*T[K]` → `*T`: the receiver as a rule names it. */
function receiverText(type: string): string {
  return normaliseTypeText(type).replace(/\[.*\]$/, '');
}

function collect(file: SourceFile): FileFacts {
  let f = factsOf.get(file);
  if (f) return f;
  f = { funcs: new Set(), methodNames: new Set(), receivers: new Set(), structs: new Set(), packageName: '' };
  for (const d of file.root.children) {
    if (d.type === 'package_clause') {
      const id = d.children.find((c) => c.type === 'package_identifier');
      if (id) f.packageName = file.slice(id);
    } else if (d.type === 'function_declaration') {
      const n = childByField(d, 'name');
      if (n) f.funcs.add(file.slice(n));
    } else if (d.type === 'method_declaration') {
      const n = childByField(d, 'name');
      const params = childByField(d, 'receiver');
      const decl = params?.children.find((c) => c.type === 'parameter_declaration');
      const t = decl ? childByField(decl, 'type') : null;
      if (!n || !t) continue;
      const recv = receiverText(file.slice(t));
      f.methodNames.add(file.slice(n));
      f.funcs.add(`${file.slice(n)}\0${recv}`);
      f.receivers.add(recv);
    } else if (d.type === 'type_declaration') {
      for (const spec of d.children) {
        if (spec.type !== 'type_spec') continue;
        const n = childByField(spec, 'name');
        const t = childByField(spec, 'type');
        if (n && t && t.type === 'struct_type') f.structs.add(file.slice(n));
      }
    }
  }
  factsOf.set(file, f);
  return f;
}

/** A test build compiles the package with its _test.go files, an external _test package, or the test main. */
function isTestBuild(file: SourceFile, pkg: PackageInfo): boolean {
  return /_test\.go$/.test(file.path) || pkg.isTestMain || / \[.*\]$/.test(pkg.toolexecImportPath) || /\.test$/.test(pkg.toolexecImportPath);
}

export function evaluateFilePredicate(p: FilePredicate, file: SourceFile, pkg: PackageInfo): boolean {
  switch (p.kind) {
    case 'has-func': {
      const f = collect(file);
      if (p.receiver === null) return f.funcs.has(p.name) || f.methodNames.has(p.name);
      return f.funcs.has(`${p.name}\0${normaliseTypeText(p.receiver)}`);
    }
    case 'has-recv':
      return collect(file).receivers.has(normaliseTypeText(p.receiver));
    case 'has-struct':
      return collect(file).structs.has(p.name);
    case 'has-package':
      return collect(file).packageName === p.name;
    case 'is-test':
      return isTestBuild(file, pkg) === p.value;
    case 'all-of':
      return p.of.every((q) => evaluateFilePredicate(q, file, pkg));
    case 'one-of':
      return p.of.some((q) => evaluateFilePredicate(q, file, pkg));
    case 'not':
      return !evaluateFilePredicate(p.of, file, pkg);
  }
}

export const filePredicateJoinPoint: JoinPointKind<'file-predicate'> = {
  kind: 'file-predicate',
  nodeTypes: () => FILE_NODE,
  needles: () => true,
  matches: (spec, _node, ctx) => evaluateFilePredicate(spec.predicate, ctx.file, ctx.pkg),
};
