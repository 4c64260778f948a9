// Directive comments (`//name args` on the line(s) right above a node): the `directive` join
// point, `.DirectiveArgs`, and the `//weft:ignore` family that exempts a node and its subtree.
import type { SourceFile } from './source-file.js';
import type { SyntaxNode } from './syntax.js';

export const IGNORE_DIRECTIVES = ['weft:ignore', 'orchestrion:ignore', 'dd:ignore'];

/** The comments directly above node: consecutive sibling comments, each on its own line, none separated by a blank line. */
export function precedingComments(file: SourceFile, node: SyntaxNode): SyntaxNode[] {
  const parent = node.parent;
  if (!parent) return [];
  const siblings = parent.children;
  let i = node.childIndex - 1;
  const out: SyntaxNode[] = [];
  let next = node;
  while (i >= 0) {
    const c = siblings[i]!;
    if (c.type !== 'comment') break;
    const gap = file.text.slice(c.end, next.start);
    if (!/^[ \t]*\r?\n[ \t]*$/.test(gap)) break;
    out.unshift(c);
    next = c;
    i--;
  }
  // A statement inside a statement_list whose first statement is node: comments may sit in the block.
  if (out.length === 0 && parent.type === 'statement_list' && siblings[0] === node && parent.parent) {
    return precedingComments(file, parent);
  }
  return out;
}

/** The argument text of directive `name` above node (`''` when it has none), or null. */
export function directiveArgs(file: SourceFile, node: SyntaxNode, name: string): string | null {
  if (!mayHaveDirective(node)) return null;
  for (const c of precedingComments(file, node)) {
    const text = file.slice(c);
    if (!text.startsWith('//')) continue;
    const body = text.slice(2);
    if (body === name) return '';
    if (body.startsWith(name) && /^[ \t]/.test(body.slice(name.length))) return body.slice(name.length).trim();
  }
  return null;
}

/** True when a comment may sit directly above node (a cheap test before looking at the comments). */
export function mayHaveDirective(node: SyntaxNode): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (node.childIndex > 0) return parent.children[node.childIndex - 1]!.type === 'comment';
  return parent.type === 'statement_list' && parent.parent !== null && parent.childIndex > 0 && parent.parent.children[parent.childIndex - 1]!.type === 'comment';
}

export function isIgnored(file: SourceFile, node: SyntaxNode): boolean {
  if (!mayHaveDirective(node)) return false;
  return IGNORE_DIRECTIVES.some((d) => directiveArgs(file, node, d) !== null);
}

/** `key:value` pairs of a directive's arguments; values may be double-quoted. */
export function parseDirectiveArgs(args: string): { Key: string; Value: string }[] {
  const out: { Key: string; Value: string }[] = [];
  const re = /([^\s:]+)(?::("(?:[^"\\]|\\.)*"|\S*))?/g;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    let value = m[2] ?? '';
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        value = value.slice(1, -1);
      }
    }
    out.push({ Key: m[1]!, Value: value });
  }
  return out;
}
