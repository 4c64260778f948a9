// Weaving one parsed file: match every planned aspect against the tree (children before
// parents, ignored subtrees skipped), apply the advice of each matched node in (namespace,
// order, declaration) order, add the imports the advice needs, and produce the final text with
// //line directives, re-parsed to prove it is well-formed Go.
import type { AdviceSpec, ResolvedAspect } from '../config/types.js';
import { weavingScopeOf } from '../config/tracer-internal.js';
import { WeftError } from '../errors.js';
import { applyAdvice, type AdviceContext } from './advice/index.js';
import { templateData, type ContextEnv } from './context.js';
import { IGNORE_DIRECTIVES, isIgnored } from './directives.js';
import { EditList, linearize, mapGenerated } from './edits.js';
import { Renamer } from './functions.js';
import { guessPackageName, reusableImportName } from './imports.js';
import { isFileOnly, registry, type MatchContext, type PackageInfo } from './join-points/index.js';
import type { Formula } from './needles.js';
import { SourceFile } from './source-file.js';
import { checkGoSyntax, parseGoSync, type SyntaxNode } from './syntax.js';
import { compareLang, compileTemplate, rewriteQualifiers, templateFuncs } from './templates.js';
import type { Parser } from 'web-tree-sitter';

export interface AspectPlan {
  aspect: ResolvedAspect;
  /** Declaration position of the aspect in the config, for stable ordering. */
  index: number;
  nodeTypes: ReadonlySet<string> | null;
  /** The join point is decided by the package alone: it matches the package's first file. */
  fileOnly: boolean;
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
  warnings: string[];
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
    plans.push({ aspect, index, nodeTypes, fileOnly, formula });
  });
  return plans;
}

interface Matched {
  plan: AspectPlan;
  advice: AdviceSpec;
  adviceIndex: number;
}

function compareAdvice(a: Matched, b: Matched): number {
  if (a.advice.namespace !== b.advice.namespace) return a.advice.namespace < b.advice.namespace ? -1 : 1;
  return a.advice.order - b.advice.order || a.plan.index - b.plan.index || a.adviceIndex - b.adviceIndex;
}

export interface FileWeaveResult {
  text: string;
}

/** Weaves one file; returns null when nothing applies. */
export function weaveFile(parser: Parser, path: string, text: string, plans: readonly AspectPlan[], state: PackageState): FileWeaveResult | null {
  const parsed = parseGoSync(parser, text);
  const file = new SourceFile(path, text, parsed.root);
  // A file tree-sitter cannot parse is left to the compiler, whose own error is the one to show
  // (Go's errors in user code pass through unchanged); say so, since it stays unwoven.
  if (parsed.error) {
    const where = file.position(parsed.error.start);
    state.warnings.push(`${where.file}:${where.line}:${where.column}: not woven: the file does not parse (${parsed.error.missing !== null ? `missing ${parsed.error.missing}` : 'syntax error'}); if the compiler accepts it, this is a weft bug`);
    return null;
  }
  const edits = new EditList(file);
  let currentAspect = '';
  const renamer = new Renamer(file, edits, () => currentAspect);
  const types = { file, importPath: state.pkg.importPath };
  const isPackageFile = path === state.packageFile;

  const nodePlans = plans.filter((p) => !p.fileOnly);
  const filePlans = isPackageFile ? plans.filter((p) => p.fileOnly) : [];
  let anyNode = false;
  const wanted = new Set<string>();
  for (const p of nodePlans) {
    if (p.nodeTypes === null) anyNode = true;
    else for (const t of p.nodeTypes) wanted.add(t);
  }
  const checkIgnore = IGNORE_DIRECTIVES.some((d) => text.includes(`//${d}`));
  // An ignore directive above the package clause exempts the whole file.
  const clause = file.root.children.find((c) => c.type === 'package_clause');
  if (checkIgnore && clause && isIgnored(file, clause)) return null;

  // Match on the original tree, children first.
  const matches: { node: SyntaxNode; list: Matched[] }[] = [];
  const visit = (node: SyntaxNode): void => {
    if (checkIgnore && node.parent && isIgnored(file, node)) return;
    for (const c of node.children) visit(c);
    if (!anyNode && !wanted.has(node.type) && node.type !== 'source_file') return;
    const list: Matched[] = [];
    const candidates = node.type === 'source_file' ? [...nodePlans, ...filePlans] : nodePlans;
    for (const plan of candidates) {
      if (!plan.fileOnly && plan.nodeTypes !== null && !plan.nodeTypes.has(node.type)) continue;
      const ctx: MatchContext = { file, pkg: state.pkg, aspect: plan.aspect, types };
      const hit = plan.fileOnly ? true : registry.matches(plan.aspect.joinPoint, node, ctx);
      if (!hit) continue;
      plan.aspect.advice.forEach((advice, adviceIndex) => list.push({ plan, advice, adviceIndex }));
    }
    if (list.length > 0) matches.push({ node, list: list.sort(compareAdvice) });
  };
  visit(file.root);
  if (matches.length === 0) return null;

  // Imports the advice needs in this file: path → alias.
  const aliases = new Map<string, string>();
  const usedAliases = new Set<string>();
  /** Paths written under the file's own import name (no import added). */
  const reused = new Set<string>();
  const blank = new Set<string>();
  const existing = new Set(file.imports.specs.map((s) => s.path));
  const qualifier = (path: string, preferred?: string): string => {
    if (path === state.pkg.importPath) return '';
    let alias = aliases.get(path);
    if (alias !== undefined) return alias;
    const own = reusableImportName(file, path);
    if (own !== null) {
      aliases.set(path, own);
      reused.add(path);
      return own;
    }
    const base = `__weft_${(preferred ?? guessPackageName(path)).replace(/[^\p{L}\p{Nd}_]/gu, '_')}`;
    alias = base;
    for (let i = 2; file.isIdentifierUsed(alias) || usedAliases.has(alias); i++) alias = `${base}${i}`;
    aliases.set(path, alias);
    usedAliases.add(alias);
    return alias;
  };

  for (const { node, list } of matches) {
    for (const m of list) {
      currentAspect = m.plan.aspect.id;
      state.aspects.add(m.plan.aspect.id);
      const env: ContextEnv = { file, edits, renamer, types, aspectId: currentAspect };
      const fail = (reason: string, hint?: string): never => {
        const where = file.position(node.start);
        throw new WeftError('E_WEAVE_FAILED', reason, { aspect: currentAspect, location: { file: where.file, line: where.line, column: where.column }, ...(hint !== undefined ? { hint } : {}) });
      };
      const ctx: AdviceContext = {
        file,
        edits,
        pkg: state.pkg,
        aspect: m.plan.aspect,
        node,
        render: (t) => {
          const tpl = compileTemplate(t, currentAspect);
          let out: string;
          try {
            out = tpl.execute(templateData(env, node), { funcs: templateFuncs() });
          } catch (e) {
            if (e instanceof WeftError && e.code !== 'E_TEMPLATE') throw e;
            // A context method that needs type information fails inside the template: keep its code.
            for (let c: unknown = (e as Error).cause; c instanceof Error; c = c.cause) {
              if (c instanceof WeftError && c.code === 'E_UNSUPPORTED') {
                const where = file.position(node.start);
                throw new WeftError('E_UNSUPPORTED', (e as Error).message, { aspect: currentAspect, location: { file: where.file, line: where.line, column: where.column }, ...(c.hint !== undefined ? { hint: c.hint } : {}) });
              }
            }
            fail(`advice template failed: ${(e as Error).message}`, `the template is at ${t.location.file}:${t.location.line}`);
          }
          // A node printed with %q carries its markers escaped: drop them (it is a string now, not code).
          out = out!.replace(/\\u[eE]000\d+\\u[eE]001|\\u[eE]002/g, '');
          const names = new Set(Object.keys(t.imports));
          out = mapGenerated(out!, (gen) => rewriteQualifiers(gen, names, (name) => qualifier(t.imports[name]!, name)));
          if (t.lang !== null && compareLang(t.lang, state.lang) > 0) state.lang = t.lang;
          return out;
        },
        qualifier: (p) => qualifier(p),
        blankImport: (p) => {
          if (!existing.has(p) && p !== state.pkg.importPath) blank.add(p);
        },
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
      try {
        applyAdvice(m.advice, ctx);
      } catch (e) {
        if (e instanceof WeftError) {
          if (e.aspect !== undefined && e.location !== undefined) throw e;
          const where = file.position(node.start);
          throw new WeftError(e.code, e.message, { aspect: e.aspect ?? currentAspect, location: e.location ?? { file: where.file, line: where.line, column: where.column }, details: e.details, ...(e.hint !== undefined ? { hint: e.hint } : {}), cause: e });
        }
        fail(`weaving ${m.advice.kind} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  // Imports go after the last import declaration (or the package clause) in one insertion.
  const lines: string[] = [];
  for (const [path, alias] of [...aliases].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (reused.has(path)) continue;
    lines.push(`import ${alias} ${JSON.stringify(path)}`);
    if (!existing.has(path)) state.addedImports.add(path);
  }
  for (const path of [...blank].sort()) {
    lines.push(`import _ ${JSON.stringify(path)}`);
    state.addedImports.add(path);
  }
  if (lines.length > 0) {
    const anchor = file.imports.declarations[file.imports.declarations.length - 1] ?? file.root.children.find((c) => c.type === 'package_clause');
    if (!anchor) throw new WeftError('E_WEAVE_FAILED', `${path} has no package clause`, { location: { file: path } });
    edits.insert(anchor.end, `\n${lines.join('\n')}\n`, 'weft:imports', anchor.start);
  }
  if (edits.count === 0) return null;

  const out = linearize(file, edits.filePieces());
  const error = checkGoSyntax(parser, out.text);
  if (error) {
    const at = error.start;
    const span = out.spans.find((s) => s.start <= at && at <= s.end) ?? out.spans[0];
    const wovenLine = out.text.slice(0, at).split('\n').length;
    const lineText = out.text.split('\n')[wovenLine - 1] ?? '';
    const where = span ? file.position(span.edit.at) : file.position(0);
    throw new WeftError('E_WEAVE_FAILED', `the woven code does not parse (${error.missing !== null ? `missing ${error.missing}` : 'syntax error'} at woven line ${wovenLine}: ${lineText.trim().slice(0, 160)})`, {
      aspect: span?.edit.aspect ?? '',
      location: { file: where.file, line: where.line },
      hint: 'check the advice template: it must produce complete Go statements, expressions or declarations for where it is used',
    });
  }
  return { text: out.text };
}
