// Weaving one parsed file: match every planned aspect against the tree (children before
// parents, ignored subtrees skipped), apply the advice of each matched node in orchestrion's
// (namespace, order, declaration) order, remove the imports the advice left unused, add the
// imports it needs, and produce the final text with //line directives, re-parsed to prove it is
// well-formed Go. What cannot be decided or woven becomes a warning (src/weave/undecided.ts).
import type { AdviceSpec, ResolvedAspect } from '../config/types.js';
import { compareNamespaces } from '../config/advice/common.js';
import { weavingScopeOf } from '../config/tracer-internal.js';
import { WeftError } from '../errors.js';
import { applyAdvice, type AdviceContext } from './advice/index.js';
import { templateData, type ContextEnv } from './context.js';
import { IGNORE_DIRECTIVES, isIgnored } from './directives.js';
import { EditList, linearize, mapGenerated, shieldMarkers, splitMarked } from './edits.js';
import { Renamer } from './functions.js';
import { guessPackageName, reusableImportName } from './imports.js';
import { isFileOnly, registry, type MatchContext, type PackageInfo } from './join-points/index.js';
import type { Formula } from './needles.js';
import { SourceFile } from './source-file.js';
import { checkGoSyntax, childByField, parseGoSync, type SyntaxNode } from './syntax.js';
import type { TypeQuestions } from './type-facts.js';
import { compareLang, compileTemplate, rewriteQualifiers, templateFuncs } from './templates.js';
import { UndecidableError, type Undecided, type WeaveWarning } from './undecided.js';
import type { Parser } from 'web-tree-sitter';

export interface AspectPlan {
  aspect: ResolvedAspect;
  /** Declaration position of the aspect in the config, for stable ordering. */
  index: number;
  nodeTypes: ReadonlySet<string> | null;
  /** The join point holds at the file root only: it matches the package's first file. */
  fileOnly: boolean;
  /** The package alone decided it (no file predicate left to evaluate at the root). */
  decided: boolean;
  formula: Formula;
}

/** What weaving the files of one package accumulates. */
export interface PackageState {
  pkg: PackageInfo;
  /** Path of the file that receives package-level advice. */
  packageFile: string;
  injectedKeys: Set<string>;
  addedImports: Set<string>;
  links: Set<string>;
  lang: string;
  aspects: Set<string>;
  warnings: WeaveWarning[];
  /** Type questions and answers (absent: no type information available). */
  oracle?: TypeQuestions;
}

export function planAspects(aspects: readonly ResolvedAspect[], pkg: PackageInfo): AspectPlan[] {
  const plans: AspectPlan[] = [];
  const scope = weavingScopeOf(pkg.importPath);
  if (scope === 'none') return plans;
  aspects.forEach((aspect, index) => {
    if (scope === 'tracer-internal' && aspect.tracerInternal !== true) return;
    const value = registry.packageValue(aspect.joinPoint, pkg);
    if (value === false) return;
    const nodeTypes = registry.nodeTypes(aspect.joinPoint);
    const fileOnly = value === true || isFileOnly(nodeTypes);
    const formula = fileOnly ? true : registry.needles(aspect.joinPoint, pkg);
    if (formula === false) return;
    plans.push({ aspect, index, nodeTypes, fileOnly, decided: value === true, formula });
  });
  return plans;
}

interface Matched {
  plan: AspectPlan;
  advice: AdviceSpec;
  adviceIndex: number;
}

/** orchestrion's order: (namespace, order, declaration index), applied first to last. */
function compareAdvice(a: Matched, b: Matched): number {
  return compareNamespaces(a.advice.namespace, b.advice.namespace) || a.advice.order - b.advice.order || a.plan.index - b.plan.index || a.adviceIndex - b.adviceIndex;
}

export interface FileWeaveResult {
  text: string;
  /** Nodes that received advice. */
  nodes: number;
}

/**
 * Weaves one file; returns null when nothing applies. `plans` are those the file's bytes left
 * possible. What cannot be decided or woven goes to state.warnings (src/weave/undecided.ts).
 */
export function weaveFile(parser: Parser, path: string, original: string, plans: readonly AspectPlan[], state: PackageState): FileWeaveResult | null {
  const { text, restore } = shieldMarkers(original);
  const file = parseOrWarn(parser, path, text, plans, state);
  if (file === null) return null;
  const matches = matchNodes(file, plans, state);
  if (matches.length === 0) return null;
  const edits = new EditList(file);
  const imports = new ImportBinder(file, state);
  const nodes = applyMatches(file, edits, imports, matches, state);
  removeImportsMadeUnused(file, edits);
  imports.insert(edits);
  if (edits.count === 0) return null;
  return { text: restore(finish(parser, file, edits)), nodes };
}

/**
 * A file tree-sitter cannot parse is left to the compiler, whose own error is the one to show
 * (Go's errors in user code pass through unchanged); but if the compiler accepts it, the
 * aspects it may hold were not woven: a warning under the one rule.
 */
function parseOrWarn(parser: Parser, path: string, text: string, plans: readonly AspectPlan[], state: PackageState): SourceFile | null {
  const parsed = parseGoSync(parser, text);
  const file = new SourceFile(path, text, parsed.root);
  if (!parsed.error) return file;
  const where = file.position(parsed.error.start);
  state.warnings.push({
    aspect: [...new Set(plans.map((p) => p.aspect.id))].join(','),
    file: where.file,
    line: where.line,
    column: where.column,
    reason: `the file does not parse for weft (${parsed.error.missing !== null ? `missing ${parsed.error.missing}` : 'syntax error'}); if the compiler accepts it, this is a weft bug`,
  });
  return null;
}

interface NodeMatches {
  node: SyntaxNode;
  list: Matched[];
}

/** Matches every plan on the original tree, children first; ignored subtrees are skipped. */
function matchNodes(file: SourceFile, plans: readonly AspectPlan[], state: PackageState): NodeMatches[] {
  const types = { file, importPath: state.pkg.importPath, ...(state.oracle !== undefined ? { oracle: state.oracle } : {}) };
  const nodePlans = plans.filter((p) => !p.fileOnly);
  const filePlans = file.path === state.packageFile ? plans.filter((p) => p.fileOnly) : [];
  let anyNode = false;
  const wanted = new Set<string>();
  for (const p of nodePlans) {
    if (p.nodeTypes === null) anyNode = true;
    else for (const t of p.nodeTypes) wanted.add(t);
  }
  const checkIgnore = IGNORE_DIRECTIVES.some((d) => file.text.includes(`//${d}`));
  // An ignore directive above the package clause exempts the whole file.
  const clause = file.root.children.find((c) => c.type === 'package_clause');
  if (checkIgnore && clause && isIgnored(file, clause)) return [];

  const matches: NodeMatches[] = [];
  const visit = (node: SyntaxNode): void => {
    if (checkIgnore && node.parent && isIgnored(file, node)) return;
    for (const c of node.children) visit(c);
    if (!anyNode && !wanted.has(node.type) && node.type !== 'source_file') return;
    const list: Matched[] = [];
    const candidates = node.type === 'source_file' ? [...nodePlans, ...filePlans] : nodePlans;
    for (const plan of candidates) {
      if (!plan.fileOnly && plan.nodeTypes !== null && !plan.nodeTypes.has(node.type)) continue;
      const ctx: MatchContext = { file, pkg: state.pkg, aspect: plan.aspect, types };
      const hit = plan.fileOnly && plan.decided ? true : registry.matches(plan.aspect.joinPoint, node, ctx);
      if (hit === false) continue;
      if (hit !== true) {
        state.warnings.push(warningAt(file, node, plan.aspect.id, hit));
        continue;
      }
      plan.aspect.advice.forEach((advice, adviceIndex) => list.push({ plan, advice, adviceIndex }));
    }
    if (list.length > 0) matches.push({ node, list: list.sort(compareAdvice) });
  };
  visit(file.root);
  return matches;
}

function warningAt(file: SourceFile, node: SyntaxNode, aspect: string, why: Undecided): WeaveWarning {
  const where = file.position(why.needsTypes?.start ?? node.start);
  return { aspect, file: where.file, line: where.line, column: where.column, reason: why.undecided, ...(why.needsTypes !== undefined ? { needsTypes: why.needsTypes } : {}) };
}

/** The imports the advice needs in one file, under names that cannot collide with the file's own. */
class ImportBinder {
  private readonly aliases = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly blank = new Set<string>();
  /** Paths written under the file's own import name (no import added). */
  private readonly reused = new Set<string>();
  private readonly existing: Set<string>;

  constructor(
    private readonly file: SourceFile,
    private readonly state: PackageState,
  ) {
    this.existing = new Set(file.imports.specs.map((s) => s.path));
  }

  qualifier(path: string, preferred?: string): string {
    if (path === this.state.pkg.importPath) return '';
    let alias = this.aliases.get(path);
    if (alias !== undefined) return alias;
    // A dot-imported package's names are written bare, as orchestrion writes them (`*Mux` for
    // chi's Mux under `. "github.com/go-chi/chi/v5"`), rather than through a second import.
    if (this.file.imports.dotImports.includes(path)) {
      this.aliases.set(path, '');
      this.reused.add(path);
      return '';
    }
    const own = reusableImportName(this.file, path);
    if (own !== null) {
      this.aliases.set(path, own);
      this.reused.add(path);
      return own;
    }
    const base = `__weft_${(preferred ?? guessPackageName(path)).replace(/[^\p{L}\p{Nd}_]/gu, '_')}`;
    alias = base;
    for (let i = 2; this.file.isIdentifierUsed(alias) || this.used.has(alias); i++) alias = `${base}${i}`;
    this.aliases.set(path, alias);
    this.used.add(alias);
    return alias;
  }

  blankImport(path: string): void {
    if (!this.existing.has(path) && path !== this.state.pkg.importPath) this.blank.add(path);
  }

  /** Adds the import lines after the last import declaration (or the package clause), in one insertion. */
  insert(edits: EditList): void {
    const lines: string[] = [];
    for (const [path, alias] of [...this.aliases].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (this.reused.has(path)) continue;
      lines.push(`import ${alias} ${JSON.stringify(path)}`);
      if (!this.existing.has(path)) this.state.addedImports.add(path);
    }
    for (const path of [...this.blank].sort()) {
      lines.push(`import _ ${JSON.stringify(path)}`);
      this.state.addedImports.add(path);
    }
    if (lines.length === 0) return;
    const anchor = this.file.imports.declarations[this.file.imports.declarations.length - 1] ?? this.file.root.children.find((c) => c.type === 'package_clause');
    if (!anchor) throw new WeftError('E_WEAVE_FAILED', `${this.file.path} has no package clause`, { location: { file: this.file.path } });
    edits.insert(anchor.end, `\n${lines.join('\n')}\n`, 'weft:imports', anchor.start);
  }
}

/**
 * An import whose every use the advice replaced (replace-function on each `sql.Open`, a
 * wrap-expression that drops its `{{ . }}`) would fail the compile with "imported and not used":
 * it is removed, as orchestrion's printer removes an import nothing refers to any more (with its
 * declaration when no spec is left). Only imports seen used in the original are touched (blank and
 * dot imports never), and a use survives when its original offset is still in the output.
 */
function removeImportsMadeUnused(file: SourceFile, edits: EditList): void {
  const specs = file.imports.specs.filter((s) => s.explicit !== '_' && s.explicit !== '.' && s.path !== 'C');
  if (specs.length === 0 || !edits.replaces) return;
  const names = new Set(specs.map((s) => s.local));
  const uses = new Map<string, number[]>();
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'import_declaration' || n.type === 'package_clause') return;
    let ref: SyntaxNode | null = null;
    if (n.type === 'qualified_type') ref = childByField(n, 'package');
    else if (n.type === 'selector_expression') ref = childByField(n, 'operand');
    if (ref !== null && (ref.type === 'identifier' || ref.type === 'package_identifier')) {
      const name = file.slice(ref);
      if (names.has(name)) uses.set(name, [...(uses.get(name) ?? []), ref.start]);
    }
    for (const c of n.children) visit(c);
  };
  visit(file.root);
  if (uses.size === 0) return;
  const kept: [number, number][] = [];
  let generated = '';
  for (const p of edits.filePieces()) {
    if (p.orig >= 0) kept.push([p.orig, p.orig + p.text.length]);
    else for (const r of splitMarked(p.text)) if (r.orig >= 0) kept.push([r.orig, r.orig + r.text.length]); else generated += `${r.text}\n`;
  }
  const unused = new Set<SyntaxNode>();
  for (const spec of specs) {
    const offsets = uses.get(spec.local);
    if (offsets === undefined || offsets.some((o) => kept.some(([a, b]) => a <= o && o < b))) continue;
    // A template that spells the name itself still uses it.
    if (new RegExp(`(^|[^\\p{L}\\p{Nd}_.])${spec.local}\\s*\\.`, 'u').test(generated)) continue;
    unused.add(spec.node);
  }
  for (const decl of file.imports.declarations) {
    const list = decl.children.find((c) => c.type === 'import_spec_list');
    const declSpecs = (list ?? decl).children.filter((c) => c.type === 'import_spec');
    const gone = declSpecs.filter((sp) => unused.has(sp));
    if (gone.length === 0) continue;
    if (gone.length === declSpecs.length) edits.replace(decl.start, decl.end, '', 'weft:imports', decl.start);
    else for (const sp of gone) edits.replace(sp.start, sp.end, '', 'weft:imports', sp.start);
  }
}

/**
 * Applies the advice of each matched node in its sorted order; an advice that cannot be woven for
 * want of types is a warning. Returns how many nodes received at least one advice.
 */
function applyMatches(file: SourceFile, edits: EditList, imports: ImportBinder, matches: readonly NodeMatches[], state: PackageState): number {
  let advised = 0;
  let currentAspect = '';
  const renamer = new Renamer(file, edits, () => currentAspect);
  const types = { file, importPath: state.pkg.importPath, ...(state.oracle !== undefined ? { oracle: state.oracle } : {}) };
  for (const { node, list } of matches) {
    let applied = false;
    for (const m of list) {
      currentAspect = m.plan.aspect.id;
      const env: ContextEnv = { file, edits, renamer, types, aspectId: currentAspect };
      const ctx = adviceContext(file, edits, imports, node, m, env, state);
      try {
        applyAdvice(m.advice, ctx);
      } catch (e) {
        if (e instanceof UndecidableError) {
          state.warnings.push(warningAt(file, node, currentAspect, e.why));
          continue;
        }
        if (e instanceof WeftError) {
          if (e.aspect !== undefined && e.location !== undefined) throw e;
          const where = file.position(node.start);
          throw new WeftError(e.code, e.message, { aspect: e.aspect ?? currentAspect, location: e.location ?? { file: where.file, line: where.line, column: where.column }, details: e.details, ...(e.hint !== undefined ? { hint: e.hint } : {}), cause: e });
        }
        ctx.fail(`weaving ${m.advice.kind} failed: ${(e as Error).stack ?? String(e)}`);
      }
      state.aspects.add(currentAspect);
      applied = true;
    }
    if (applied) advised++;
  }
  return advised;
}

function adviceContext(file: SourceFile, edits: EditList, imports: ImportBinder, node: SyntaxNode, m: Matched, env: ContextEnv, state: PackageState): AdviceContext {
  const aspect = m.plan.aspect.id;
  const fail = (reason: string, hint?: string): never => {
    const where = file.position(node.start);
    throw new WeftError('E_WEAVE_FAILED', reason, { aspect, location: { file: where.file, line: where.line, column: where.column }, ...(hint !== undefined ? { hint } : {}) });
  };
  return {
    file,
    edits,
    pkg: state.pkg,
    aspect: m.plan.aspect,
    node,
    render: (t) => {
      const tpl = compileTemplate(t, aspect);
      let out: string;
      try {
        out = tpl.execute(templateData(env, node), { funcs: templateFuncs() });
      } catch (e) {
        if (e instanceof WeftError && e.code !== 'E_TEMPLATE') throw e;
        // A context method that needs type information fails inside the template: the one rule decides.
        for (let c: unknown = (e as Error).cause; c instanceof Error; c = c.cause) if (c instanceof UndecidableError) throw c;
        return fail(`advice template failed: ${(e as Error).message}`, `the template is at ${t.location.file}:${t.location.line}`);
      }
      // A node printed with %q carries its markers escaped: drop them (it is a string now, not code).
      out = out.replace(/\\u[eE]000\d+\\u[eE]001|\\u[eE]002/g, '');
      const names = new Set(Object.keys(t.imports));
      out = mapGenerated(out, (gen) => rewriteQualifiers(gen, names, (name) => imports.qualifier(t.imports[name]!, name)));
      if (t.lang !== null && compareLang(t.lang, state.lang) > 0) state.lang = t.lang;
      return out;
    },
    qualifier: (p) => imports.qualifier(p),
    blankImport: (p) => imports.blankImport(p),
    link: (p) => {
      state.links.add(p);
    },
    firstInPackage: (key) => {
      if (state.injectedKeys.has(key)) return false;
      state.injectedKeys.add(key);
      return true;
    },
    fail,
  };
}

/** The final text with //line directives, re-parsed: woven code that does not parse names the aspect whose edit broke it. */
function finish(parser: Parser, file: SourceFile, edits: EditList): string {
  const out = linearize(file, edits.filePieces());
  const error = checkGoSyntax(parser, out.text);
  if (!error) return out.text;
  const at = error.start;
  const span = out.spans.find((s) => s.start <= at && at <= s.end) ?? out.spans[0];
  const wovenLine = out.text.slice(0, at).split('\n').length;
  // Without its /*line*/ directives: they name absolute paths, and the message must not depend on where the file lives.
  const lineText = (out.text.split('\n')[wovenLine - 1] ?? '').replace(/\/\*line [^*]*\*\//g, '');
  const where = span ? file.position(span.edit.at) : file.position(0);
  throw new WeftError('E_WEAVE_FAILED', `the woven code does not parse (${error.missing !== null ? `missing ${error.missing}` : 'syntax error'} at woven line ${wovenLine}: ${lineText.trim().slice(0, 160)})`, {
    aspect: span?.edit.aspect ?? '',
    location: { file: where.file, line: where.line },
    hint: 'check the advice template: it must produce complete Go statements, expressions or declarations for where it is used',
  });
}
