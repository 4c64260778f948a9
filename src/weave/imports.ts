// Per-file import resolution: which local name refers to which import path, dot imports, blank
// imports, and whether a name at some point of the file is shadowed by a local declaration
// (decided syntactically, which is exact for everything but identifiers declared in other files
// of the package, and those cannot coexist with an import of the same name).
import { childByField, childrenByField, walkPostOrder, type SyntaxNode } from './syntax.js';

export interface ImportSpec {
  path: string;
  /** The explicit name (`h`, `.`, `_`) or null. */
  explicit: string | null;
  /** The name the file uses for the package: explicit name or the guessed package name. */
  local: string;
  node: SyntaxNode;
}

export interface FileImports {
  specs: ImportSpec[];
  /** Local name → import path (excluding dot and blank imports). */
  byName: Map<string, string>;
  dotImports: string[];
  /** All import declarations, in order. */
  declarations: SyntaxNode[];
}

/** What import resolution reads of a file; a SourceFile (source-file.ts) is one. */
export interface ImportingFile {
  readonly root: SyntaxNode;
  readonly imports: FileImports;
  slice(node: { start: number; end: number }): string;
}

/**
 * The package name Go would most likely find at an import path, without reading it: the last
 * element, skipping a major-version suffix (`/v2`) and `gopkg.in`'s `.vN`, minus a `go-` prefix
 * or `-go` suffix. Used only when the file does not name the import explicitly.
 */
export function guessPackageName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v[0-9]+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  last = last.replace(/\.v[0-9]+$/, '');
  last = last.replace(/^go-/, '').replace(/[-.]go$/, '');
  return last.replace(/[^\p{L}\p{Nd}_]/gu, '_');
}

export function unquoteImportPath(text: string): string {
  if (text.startsWith('`')) return text.slice(1, -1);
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}

export function resolveImports(file: Pick<ImportingFile, 'root' | 'slice'>): FileImports {
  const specs: ImportSpec[] = [];
  const declarations: SyntaxNode[] = [];
  for (const decl of file.root.children) {
    if (decl.type !== 'import_declaration') continue;
    declarations.push(decl);
    const list = decl.children.find((c) => c.type === 'import_spec_list');
    const nodes = list ? list.children.filter((c) => c.type === 'import_spec') : decl.children.filter((c) => c.type === 'import_spec');
    for (const spec of nodes) {
      const pathNode = childByField(spec, 'path');
      if (!pathNode) continue;
      const path = unquoteImportPath(file.slice(pathNode));
      const nameNode = childByField(spec, 'name');
      const explicit = nameNode ? file.slice(nameNode) : null;
      specs.push({ path, explicit, local: explicit ?? guessPackageName(path), node: spec });
    }
  }
  const byName = new Map<string, string>();
  const dotImports: string[] = [];
  for (const s of specs) {
    if (s.explicit === '.') dotImports.push(s.path);
    else if (s.explicit !== '_') byName.set(s.local, s.path);
  }
  return { specs, byName, dotImports, declarations };
}

/** The import path a package qualifier at `use` refers to, or null when it is not an import (or is shadowed). */
export function resolveQualifier(file: ImportingFile, name: string, use: SyntaxNode): string | null {
  const path = file.imports.byName.get(name);
  if (path === undefined) return null;
  return isShadowed(file, name, use) ? null : path;
}

/** True when `name` is declared by a local declaration visible at `use`. */
export function isShadowed(file: ImportingFile, name: string, use: SyntaxNode): boolean {
  let prev: SyntaxNode = use;
  for (let n = use.parent; n; prev = n, n = n.parent) {
    switch (n.type) {
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        if (declaresInSignature(file, n, name)) return true;
        break;
      case 'block':
      case 'statement_list':
      case 'expression_case':
      case 'default_case':
      case 'type_case':
      case 'communication_case':
        for (const s of n.children) {
          if (s === prev || s.start >= prev.start) break;
          if (statementDeclares(file, s, name)) return true;
        }
        if (n.type === 'communication_case') {
          const comm = childByField(n, 'communication');
          if (comm && comm !== prev && statementDeclares(file, comm, name)) return true;
        }
        break;
      case 'if_statement':
      case 'for_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        const init = childByField(n, 'initializer');
        if (init && init !== prev && statementDeclares(file, init, name)) return true;
        if (n.type === 'type_switch_statement') {
          for (const a of childrenByField(n, 'alias')) if (file.slice(a) === name && prev.type !== 'expression_list') return true;
        }
        if (n.type === 'for_statement') {
          for (const c of n.children) {
            if (c === prev) break;
            if (c.type === 'range_clause' && prev.field === 'body') {
              const left = childByField(c, 'left');
              if (left && c.children.some((x) => x.type === ':=') && identifiersIn(file, left).includes(name)) return true;
            } else if (c.type === 'for_clause' && prev.field === 'body') {
              const init = childByField(c, 'initializer');
              if (init && statementDeclares(file, init, name)) return true;
            }
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return false;
}

function declaresInSignature(file: ImportingFile, fn: SyntaxNode, name: string): boolean {
  for (const field of ['receiver', 'parameters', 'result', 'type_parameters']) {
    const list = childByField(fn, field);
    if (!list) continue;
    for (const p of list.children) {
      for (const nm of childrenByField(p, 'name')) if (file.slice(nm) === name) return true;
    }
  }
  return false;
}

function identifiersIn(file: ImportingFile, node: SyntaxNode): string[] {
  if (node.type === 'identifier') return [file.slice(node)];
  return node.children.filter((c) => c.type === 'identifier').map((c) => file.slice(c));
}

function statementDeclares(file: ImportingFile, s: SyntaxNode, name: string): boolean {
  switch (s.type) {
    case 'short_var_declaration': {
      const left = childByField(s, 'left');
      return left !== null && identifiersIn(file, left).includes(name);
    }
    case 'var_declaration':
    case 'const_declaration':
    case 'type_declaration': {
      const specs: SyntaxNode[] = [];
      const collect = (n: SyntaxNode): void => {
        for (const c of n.children) {
          if (c.type === 'var_spec' || c.type === 'const_spec' || c.type === 'type_spec' || c.type === 'type_alias') specs.push(c);
          else if (c.type === 'var_spec_list' || c.type === 'const_spec_list') collect(c);
        }
      };
      collect(s);
      return specs.some((sp) => childrenByField(sp, 'name').some((nm) => file.slice(nm) === name));
    }
    case 'receive_statement': {
      const left = childByField(s, 'left');
      return left !== null && s.children.some((x) => x.type === ':=') && identifiersIn(file, left).includes(name);
    }
    case 'labeled_statement': {
      const inner = s.children.find((c) => c.named && c.type !== 'label_name');
      return inner ? statementDeclares(file, inner, name) : false;
    }
    default:
      return false;
  }
}

/**
 * The name under which woven code can refer to `path` through the file's own import, or null.
 * orchestrion keeps one import per path, so a template that imports a package the file already
 * imports uses the file's name for it; a second alias would leave the file's import unused once
 * its only use is replaced (`sql.Register(...)` rewritten by database/sql's aspect). Decided for
 * the whole file, conservatively: the name must occur only as a package qualifier (never as a
 * local identifier that could shadow it somewhere), and when the import has no explicit name the
 * file must use the qualifier at least once (which proves the package's name is that one).
 */
export function reusableImportName(file: ImportingFile, path: string): string | null {
  const spec = file.imports.specs.find((s) => s.path === path && s.explicit !== '_' && s.explicit !== '.');
  if (!spec || file.imports.byName.get(spec.local) !== path) return null;
  const name = spec.local;
  let qualifierUses = 0;
  let otherUses = 0;
  walkPostOrder(file.root, (n) => {
    if ((n.type !== 'identifier' && n.type !== 'package_identifier') || file.slice(n) !== name) return;
    const p = n.parent;
    if (n.type === 'identifier') {
      if (p && p.type === 'selector_expression' && childByField(p, 'operand') === n) qualifierUses++;
      else otherUses++;
    } else if (p && p.type === 'qualified_type') qualifierUses++;
  });
  if (otherUses > 0) return null;
  return spec.explicit !== null || qualifierUses > 0 ? name : null;
}
