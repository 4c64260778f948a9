// `weft explain <package>`: why each aspect does or does not apply to a package — the weaving
// scope, the package-level verdict, the pre-filter's needles found or missing per file, and for
// every join point candidate node its match or the reason it did not match. This is a separate,
// explain-only path over the same registry: the build's matcher stays a plain boolean and pays
// nothing for the reasons.
import { readFileSync } from 'node:fs';
import type { FunctionOption, JoinPointSpec, ResolvedAspect, ResolvedConfig } from '../config/types.js';
import { weavingScopeOf } from '../config/tracer-internal.js';
import { WeftError } from '../errors.js';
import type { WeavePackageInput } from './api.js';
import { isIgnored } from './directives.js';
import { functionName, signatureOf } from './functions.js';
import { isFileOnly, registry, type MatchContext, type PackageInfo } from './join-points/index.js';
import { optionMatches } from './join-points/function.js';
import { refersTo } from './join-points/function-call.js';
import { collectNeedles, evaluateFormula, formatFormula } from './needles.js';
import { SourceFile } from './source-file.js';
import { childByField, FUNCTION_TYPES, loadGoParser, parseGoSync, type SyntaxNode } from './syntax.js';
import { mainModulePath, packageInfo } from './weave-package.js';
import { isUndecided, type Undecided } from './undecided.js';

/** Why a node did (ok) or did not match; `passed` counts the checks that held before the one that failed. */
export interface Why {
  ok: boolean;
  reason: string;
  passed: number;
}

export interface NodeVerdict {
  file: string;
  line: number;
  /** What the node is: `func (*T) Name`, `call fmt.Println`, ... */
  what: string;
  ok: boolean;
  reason: string;
}

export interface FileNeedles {
  file: string;
  found: string[];
  missing: string[];
  passes: boolean;
}

export interface AspectExplanation {
  aspect: string;
  location: string;
  /** 'all' | 'tracer-internal' | 'none' and whether it lets this aspect in. */
  scope: { value: string; allows: boolean };
  /** true / false: decided by the package alone; null: decided node by node. */
  packageVerdict: boolean | null;
  packageReason: string;
  formula: string;
  needles: FileNeedles[];
  matches: NodeVerdict[];
  /** Candidates that passed some checks but not all (the ones worth reading), and how many others. */
  nearMisses: NodeVerdict[];
  otherMisses: number;
}

export interface PackageExplanation {
  importPath: string;
  aspects: AspectExplanation[];
}

const FUNC_WHAT = (file: SourceFile, fn: SyntaxNode): string => {
  if (fn.type === 'func_literal') return 'func literal';
  const sig = signatureOf(fn);
  const recv = sig.receiver !== null ? `(${file.slice(sig.receiver.type)}) ` : '';
  return `func ${recv}${functionName(file, fn)}`;
};

function describeOption(o: FunctionOption): string {
  switch (o.kind) {
    case 'name': return `name ${o.name}`;
    case 'receiver': return `receiver ${o.type.text}`;
    case 'has-receiver': return o.value ? 'a method' : 'not a method';
    case 'signature': return `signature (${o.args.map((a) => a.text).join(', ')}) (${o.returns.map((a) => a.text).join(', ')})`;
    case 'signature-contains': return `signature containing (${o.args.map((a) => a.text).join(', ')}) (${o.returns.map((a) => a.text).join(', ')})`;
    case 'directive': return `directive //${o.name}`;
    default: return `${o.kind} ${o.type.text}`;
  }
}

function describeFunctionFact(o: FunctionOption, file: SourceFile, fn: SyntaxNode): string {
  const sig = signatureOf(fn);
  const list = (ps: typeof sig.params): string => ps.map((p) => `${p.variadic ? '...' : ''}${file.slice(p.type)}`).join(', ');
  switch (o.kind) {
    case 'name': return fn.type === 'func_literal' ? 'a function literal has no name' : `its name is ${functionName(file, fn)}`;
    case 'receiver': return sig.receiver === null ? 'it is not a method' : `its receiver is ${file.slice(sig.receiver.type)} (wrong receiver)`;
    case 'has-receiver': return sig.receiver === null ? 'it is not a method' : 'it is a method';
    case 'signature':
    case 'signature-contains': return `its signature is (${list(sig.params)}) (${list(sig.results)}) (wrong signature)`;
    case 'directive': return `no //${o.name} directive above it`;
    default: return 'no parameter of that type';
  }
}

/** The explaining twin of registry.matches, for the kinds users ask about; others fall back to the plain verdict. */
export function explainMatch(spec: JoinPointSpec, node: SyntaxNode, ctx: MatchContext): Why {
  const file = ctx.file;
  try {
    switch (spec.kind) {
      case 'function': {
        if (!FUNCTION_TYPES.has(node.type)) return { ok: false, reason: 'not a function', passed: 0 };
        let passed = 0;
        for (const o of spec.options) {
          const m = optionMatches(o, node, ctx);
          if (isUndecided(m)) return { ok: false, reason: undecidedReason(m), passed: passed + 1 };
          if (!m) return { ok: false, reason: `wants ${describeOption(o)}, but ${describeFunctionFact(o, file, node)}`, passed };
          passed++;
        }
        return { ok: true, reason: spec.options.map(describeOption).join(', ') || 'any function', passed };
      }
      case 'function-body': {
        if (node.type !== 'block' || node.field !== 'body' || node.parent === null || !FUNCTION_TYPES.has(node.parent.type)) return { ok: false, reason: 'not a function body', passed: 0 };
        return explainMatch(spec.function, node.parent, ctx);
      }
      case 'function-call': {
        if (node.type !== 'call_expression') return { ok: false, reason: 'not a call', passed: 0 };
        const fn = childByField(node, 'function');
        if (fn === null) return { ok: false, reason: 'not a call', passed: 0 };
        const text = file.slice(fn);
        const name = text.slice(text.lastIndexOf('.') + 1);
        if (name !== spec.callee.name) return { ok: false, reason: `calls ${text}`, passed: 0 };
        if (!refersTo(fn, spec.callee, ctx)) {
          return { ok: false, reason: `calls ${text}, which is not ${spec.callee.path}.${spec.callee.name} here (another package, a shadowing local, or not imported)`, passed: 1 };
        }
        return { ok: true, reason: `calls ${spec.callee.path}.${spec.callee.name}`, passed: 2 };
      }
      case 'all-of': {
        // Package-level parts hold for every node of the package: they do not make a node "close".
        let passed = 0;
        for (const s of spec.of) {
          const fileLevel = isFileOnly(registry.nodeTypes(s));
          const w = explainMatch(s, fileLevel ? file.root : node, ctx);
          if (!w.ok) return { ok: false, reason: w.reason, passed: passed + w.passed };
          if (!fileLevel) passed += 1 + w.passed;
        }
        return { ok: true, reason: 'every part of all-of', passed };
      }
      case 'one-of': {
        const whys = spec.of.map((s) => explainMatch(s, node, ctx));
        const hit = whys.find((w) => w.ok);
        if (hit) return hit;
        return { ok: false, reason: `no part of one-of matched: ${whys.map((w) => w.reason).join('; ')}`, passed: Math.max(0, ...whys.map((w) => w.passed)) };
      }
      case 'not': {
        const target = isFileOnly(registry.nodeTypes(spec.of)) ? file.root : node;
        const w = explainMatch(spec.of, target, ctx);
        return w.ok ? { ok: false, reason: `excluded by not: ${w.reason}`, passed: 1 } : { ok: true, reason: `not (${w.reason})`, passed: 1 };
      }
      default: {
        const m = registry.matches(spec, node, ctx);
        if (isUndecided(m)) return { ok: false, reason: undecidedReason(m), passed: 1 };
        return { ok: m, reason: m ? spec.kind : `does not match ${spec.kind}`, passed: 0 };
      }
    }
  } catch (e) {
    // Options that need type information throw E_UNSUPPORTED during a build; here they are a reason.
    const msg = e instanceof WeftError ? e.message : (e as Error).message;
    return { ok: false, reason: `needs types: ${msg}`, passed: 1 };
  }
}

/** An undecidable candidate: a build warns about it (and fails it under --weft-strict). */
function undecidedReason(m: Undecided): string {
  return `undecided, needs types: ${m.undecided} (a build warns; --weft-strict fails it)`;
}

function describeNode(file: SourceFile, node: SyntaxNode): string {
  if (FUNCTION_TYPES.has(node.type)) return FUNC_WHAT(file, node);
  if (node.type === 'block' && node.parent !== null && FUNCTION_TYPES.has(node.parent.type)) return `body of ${FUNC_WHAT(file, node.parent)}`;
  if (node.type === 'call_expression') return `call ${file.slice(childByField(node, 'function') ?? node)}`;
  if (node.type === 'source_file') return 'the file';
  const text = file.slice(node).split('\n')[0]!;
  return `${node.type} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function explainPackageVerdict(spec: JoinPointSpec, pkg: PackageInfo): string {
  const v = registry.packageValue(spec, pkg);
  if (v === null) return 'decided node by node';
  const parts: string[] = [];
  const walk = (s: JoinPointSpec): void => {
    if (s.kind === 'all-of' || s.kind === 'one-of') s.of.forEach(walk);
    else if (s.kind === 'not') walk(s.of);
    else if (registry.packageValue(s, pkg) !== null) {
      const label = s.kind === 'package-filter' ? `package-filter ${s.pattern}${s.root !== null ? ` (root ${s.root})` : ''}`
        : s.kind === 'import-path' ? `import-path ${s.path}` : s.kind === 'package-name' ? `package-name ${s.name}` : s.kind;
      parts.push(`${label}: ${registry.packageValue(s, pkg) === true ? 'yes' : 'no'}`);
    }
  };
  walk(spec);
  return `${v ? 'holds' : 'rejects the package'} (${parts.join(', ')}; package ${pkg.importPath}${pkg.packageName !== '' ? `, name ${pkg.packageName}` : ''})`;
}

export interface ExplainOptions {
  /** Only this aspect. */
  aspect?: string;
  /** Only these files of the package (absolute paths). */
  files?: readonly string[];
  /** Near misses listed per aspect (default 20). */
  limit?: number;
}

export async function explainPackage(input: WeavePackageInput, config: ResolvedConfig, opts: ExplainOptions = {}): Promise<PackageExplanation> {
  const aspects: ResolvedAspect[] = opts.aspect !== undefined ? config.aspects.filter((a) => a.id === opts.aspect) : [...config.aspects];
  if (opts.aspect !== undefined && aspects.length === 0) {
    throw new WeftError('E_USAGE', `no aspect ${JSON.stringify(opts.aspect)} in the configuration`, { hint: `aspects: ${config.aspects.map((a) => a.id).join(', ') || '(none)'}` });
  }
  const texts = new Map(input.files.map((f) => [f, readFileSync(f, 'utf8')] as const));
  const pkg = packageInfo(input, texts.get(input.files[0] ?? '') ?? null, await mainModulePath(input.moduleRoot));
  const shown = opts.files !== undefined ? input.files.filter((f) => opts.files!.includes(f)) : input.files;
  const parser = await loadGoParser();
  const parsed = new Map<string, SourceFile>();
  const sourceOf = (f: string): SourceFile => {
    let s = parsed.get(f);
    if (!s) {
      s = new SourceFile(f, texts.get(f)!, parseGoSync(parser, texts.get(f)!).root);
      parsed.set(f, s);
    }
    return s;
  };
  const limit = opts.limit ?? 20;
  const scope = weavingScopeOf(pkg.importPath);
  const out: AspectExplanation[] = [];
  for (const aspect of aspects) {
    const allows = scope === 'all' || (scope === 'tracer-internal' && aspect.tracerInternal === true);
    const jp = aspect.joinPoint;
    const verdict = registry.packageValue(jp, pkg);
    const formula = verdict === false ? false : isFileOnly(registry.nodeTypes(jp)) || verdict === true ? true : registry.needles(jp, pkg);
    const all = [...collectNeedles(formula, new Set<string>())];
    const e: AspectExplanation = {
      aspect: aspect.id,
      location: `${aspect.location.file}:${aspect.location.line}`,
      scope: { value: scope, allows },
      packageVerdict: verdict,
      packageReason: explainPackageVerdict(jp, pkg),
      formula: formatFormula(formula),
      needles: shown.map((f) => {
        const t = texts.get(f)!;
        const found = all.filter((n) => t.includes(n));
        return { file: f, found, missing: all.filter((n) => !found.includes(n)), passes: evaluateFormula(formula, (n) => t.includes(n), Buffer.from(t, 'utf8')) };
      }),
      matches: [],
      nearMisses: [],
      otherMisses: 0,
    };
    if (verdict !== false) {
      const types = registry.nodeTypes(jp);
      const fileOnly = verdict === true || isFileOnly(types);
      for (const f of shown) {
        const file = sourceOf(f);
        const types0 = { file, importPath: pkg.importPath };
        const ctx: MatchContext = { file, pkg, aspect, types: types0 };
        if (fileOnly) {
          // Package-level advice goes to the package's first file.
          if (f === input.files[0]) e.matches.push({ file: f, line: 1, what: 'the package (first file)', ok: true, reason: e.packageReason });
          continue;
        }
        const visit = (node: SyntaxNode, ignored: boolean): void => {
          const ign = ignored || (node.parent !== null && isIgnored(file, node));
          for (const c of node.children) visit(c, ign);
          if (types !== null && !types.has(node.type)) return;
          const w = explainMatch(jp, node, ctx);
          const line = file.position(node.start).line;
          const v: NodeVerdict = { file: f, line, what: describeNode(file, node), ok: w.ok && !ign, reason: ign ? `ignored by a //weft:ignore (or //orchestrion:ignore) directive; otherwise: ${w.reason}` : w.reason };
          if (v.ok) e.matches.push(v);
          else if (w.passed > 0 || (ign && w.ok)) {
            if (e.nearMisses.length < limit) e.nearMisses.push(v);
            else e.otherMisses++;
          } else e.otherMisses++;
        };
        visit(file.root, false);
      }
    }
    out.push(e);
  }
  return { importPath: pkg.importPath, aspects: out };
}
