// A plain-object copy of the tree-sitter concrete syntax tree. Copying once through a cursor
// lets the tree-sitter tree be deleted immediately (its memory lives in WASM and is never
// collected) and lets every later pass walk ordinary objects with parent links.
// Positions are UTF-16 indices into the JS string of the file; byte columns are computed only
// where Go needs them (//line directives, error messages), in source-file.ts.
import { createRequire } from 'node:module';
import { Language, Parser, type Tree, type TreeCursor } from 'web-tree-sitter';
import { WeftError } from '../errors.js';

export interface SyntaxNode {
  readonly type: string;
  readonly named: boolean;
  /** The field name under which the parent holds this node (`function`, `arguments`, ...). */
  readonly field: string | null;
  readonly start: number;
  readonly end: number;
  readonly children: SyntaxNode[];
  parent: SyntaxNode | null;
  /** Position in a post-order walk; used to keep advice ordering stable. */
  index: number;
  /** Position among the parent's children (so siblings are found without searching). */
  childIndex: number;
}

export interface ParsedGo {
  root: SyntaxNode;
  /** The first ERROR or MISSING node, when the text does not parse cleanly. */
  error: { start: number; missing: string | null } | null;
}

let parser: Parser | null = null;
let loading: Promise<Parser> | null = null;

/** Loads the Go grammar once per thread. */
export function loadGoParser(): Promise<Parser> {
  if (parser) return Promise.resolve(parser);
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const grammar = require.resolve('tree-sitter-go/tree-sitter-go.wasm');
    const lang = await Language.load(grammar);
    const p = new Parser();
    p.setLanguage(lang);
    parser = p;
    return p;
  })();
  return loading;
}

/** Parses Go text into a plain tree; the tree-sitter tree is always freed before returning. */
export async function parseGo(text: string): Promise<ParsedGo> {
  const p = await loadGoParser();
  return parseGoSync(p, text);
}

/**
 * Anonymous tokens the weaver looks at; every other anonymous node (punctuation, keywords) is
 * skipped while copying, which saves about a third of the nodes and most cursor calls.
 */
const KEPT_TOKENS: ReadonlySet<string> = new Set([':=', '...', '=', '<-']);

interface TypeTable {
  types: string[];
  fields: (string | null)[];
  /** Per type id: 1 named, 2 anonymous but kept, 0 skipped. */
  keep: Uint8Array;
}

const tables = new WeakMap<Language, TypeTable>();

function typeTable(lang: Language): TypeTable {
  let t = tables.get(lang);
  if (!t) {
    const keep = new Uint8Array(lang.types.length + 1);
    lang.types.forEach((name, id) => {
      keep[id] = lang.nodeTypeIsNamed(id) ? 1 : KEPT_TOKENS.has(name) ? 2 : 0;
    });
    t = { types: lang.types, fields: lang.fields, keep };
    tables.set(lang, t);
  }
  return t;
}

/**
 * tree-sitter-go reads `new(` and `make(` as the builtins, whose first argument must be a type:
 * Go 1.26's `new(expr)` (`new(T(v))`, `new(123)`) and calls of a local function named make or
 * new do not parse. A file that fails is parsed again with those names masked by identifiers of
 * the same length (`n_w`, `m_ke`: a plain call), except where the argument starts with what
 * only a type can (`[`, map, chan, struct, interface, func, `<-`), which needs the builtin form.
 * Offsets do not move and nodes are sliced from the real text, so the tree fits the file.
 */
export function maskBuiltinCalls(text: string): string | null {
  let changed = false;
  const out = text.replace(/\b(new|make)((?:\s|\/\*(?:[^*]|\*(?!\/))*\*\/)*\(\s*)(\S{0,9})/g, (m: string, name: string, open: string, next: string) => {
    if (/^(\[|map\b|chan\b|struct\b|interface\b|func\b|<-)/.test(next)) return m;
    changed = true;
    return `${name === 'new' ? 'n_w' : 'm_ke'}${open}${next}`;
  });
  return changed ? out : null;
}

/** The tree of text, through maskBuiltinCalls when the text alone does not parse. */
function parseTree(p: Parser, text: string): Tree {
  const tree = p.parse(text);
  if (!tree) throw new WeftError('E_INTERNAL', 'tree-sitter returned no tree');
  if (!tree.rootNode.hasError) return tree;
  const masked = maskBuiltinCalls(text);
  if (masked === null) return tree;
  const again = p.parse(masked);
  if (!again || again.rootNode.hasError) {
    again?.delete();
    return tree;
  }
  tree.delete();
  return again;
}

export function parseGoSync(p: Parser, text: string): ParsedGo {
  const tree = parseTree(p, text);
  try {
    const cursor = tree.walk();
    try {
      const table = typeTable(tree.language);
      let error: ParsedGo['error'] = null;
      const root: SyntaxNode = { type: cursor.nodeType, named: true, field: null, start: cursor.startIndex, end: cursor.endIndex, children: [], parent: null, index: 0, childIndex: 0 };
      const hasError = tree.rootNode.hasError;
      let counter = 0;
      const copy = (parent: SyntaxNode, c: TreeCursor): void => {
        if (!c.gotoFirstChild()) return;
        do {
          const id = c.nodeTypeId;
          const keep = table.keep[id] ?? 1;
          if (hasError && error === null && (id === 65535 || table.types[id] === undefined || c.nodeIsMissing)) {
            error = { start: c.startIndex, missing: c.nodeIsMissing ? c.nodeType : null };
          }
          // Fields named by the grammar (operators) are kept even on anonymous tokens.
          const fieldId = c.currentFieldId;
          if (keep === 0 && fieldId === 0) continue;
          const node: SyntaxNode = {
            type: table.types[id] ?? 'ERROR',
            named: keep !== 2 && keep !== 0,
            field: fieldId === 0 ? null : table.fields[fieldId] ?? null,
            start: c.startIndex,
            end: c.endIndex,
            children: [],
            parent,
            index: 0,
            childIndex: parent.children.length,
          };
          parent.children.push(node);
          copy(node, c);
          node.index = counter++;
        } while (c.gotoNextSibling());
        c.gotoParent();
      };
      copy(root, cursor);
      root.index = counter;
      if (hasError && error === null) error = { start: 0, missing: null };
      return { root, error };
    } finally {
      cursor.delete();
    }
  } finally {
    tree.delete();
  }
}

/** Parses text only to check it: null when clean, else the first ERROR/MISSING node. No tree copy. */
export function checkGoSyntax(p: Parser, text: string): ParsedGo['error'] {
  const tree = parseTree(p, text);
  try {
    if (!tree.rootNode.hasError) return null;
    const c = tree.walk();
    try {
      // Descend into the first child that contains an error until the error itself.
      for (;;) {
        const node = c.currentNode;
        if (node.isError || node.isMissing) return { start: node.startIndex, missing: node.isMissing ? node.type : null };
        if (!c.gotoFirstChild()) return { start: node.startIndex, missing: null };
        while (!(c.currentNode.hasError || c.currentNode.isMissing)) {
          if (!c.gotoNextSibling()) return { start: node.startIndex, missing: null };
        }
      }
    } finally {
      c.delete();
    }
  } finally {
    tree.delete();
  }
}

export function childByField(node: SyntaxNode, field: string): SyntaxNode | null {
  for (const c of node.children) if (c.field === field) return c;
  return null;
}

export function childrenByField(node: SyntaxNode, field: string): SyntaxNode[] {
  return node.children.filter((c) => c.field === field);
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((c) => c.named && c.type !== 'comment');
}

export function firstChildOfType(node: SyntaxNode, type: string): SyntaxNode | null {
  for (const c of node.children) if (c.type === type) return c;
  return null;
}

/** Calls visit for every node, children before their parent. */
export function walkPostOrder(node: SyntaxNode, visit: (n: SyntaxNode) => void): void {
  for (const c of node.children) walkPostOrder(c, visit);
  visit(node);
}

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The nearest enclosing function declaration or literal (the node itself included). */
export function enclosingFunction(node: SyntaxNode | null): SyntaxNode | null {
  for (let n = node; n; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return null;
}
