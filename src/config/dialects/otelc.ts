// OpenTelemetry otelc rule files (`*.otelc.yml`, the target/where/do schema of its docs/rules.md)
// as a second dialect, mapped onto the same aspect model. A file is read as otelc when it is
// named *.otelc.yml/yaml, or when it has none of orchestrion's top-level keys and its entries are
// mappings with `target`. Each rule becomes one aspect per `do` modifier (id `rule`, or
// `rule#N` when a rule has several). What maps cleanly is mapped:
//   target            exact path → import-path; `main` → package-name main (a -p main compile weaves under its real path);
//                     glob → package-filter (one level of {a,b} expanded); `$root` → package-filter root
//   inject_code       func/recv (+ signature filters) → function-body + prepend-statements
//   add_struct_fields struct → struct-definition + add-struct-field per new_field
//   wrap_call         function_call → function-call + append-args and/or wrap-expression
//   expand_directive  directive → function-body(directive) + prepend-statements ({{FuncName}} → .Function.Name)
//   assign_value      identifier → declaration-of + assign-value (`replace` only)
//   imports           template imports of every advice; `_: path` → add-blank-import
//   where.file        file-predicate (has_func[+has_recv], has_recv, has_struct, has_package, is_test, all-of/one-of/not)
//   version           module-version: the package's module version (its module cache directory) in [start, end)
//   add_file          inject-declarations of the file's declarations, its imports as template imports
//   last_result       function option last-result (the last result written as that type)
// Everything else (inject_hooks, which needs otelc's hook runtime;
// pattern/placement; test_main) is reported as "not supported yet" with
// the rule's line, never silently dropped. otelc writes types with local package names
// (`*http.Request`, `*DB`): unqualified names resolve to the target package, `pkg.T` through the
// rule's imports, then a short table of standard packages; otherwise the user is asked to add it.
import type {
  AdviceSpec, FilePredicate, FunctionOption, JoinPointSpec, QualifiedName, ResolvedAspect, SourceLocation, TemplateSpec, TypeRef,
} from '../types.js';
import type { MappingView, ParseContext } from '../yaml-access.js';
import {
  checkKeys, childPath, isMappingNode, isSequenceNode, locationOf, readBoolean, readMapping, readSequence, readSingleton, readString,
  report, resolveNode,
} from '../yaml-access.js';
import { PREDECLARED_TYPES, checkImportPath, isGoIdentifier, tryParseTypeRef } from '../go-syntax.js';
import { readDirectiveName, readIdentifier, readQualifiedName } from '../read-go.js';
import { didYouMean } from '../problems.js';
import { DEFAULT_NAMESPACE, DEFAULT_ORDER } from '../advice/common.js';
import { isScalar } from 'yaml';
import { isSemver } from '../semver.js';
import { parseToolFile } from '../tool-file.js';

const RULE_KEYS = ['target', 'version', 'where', 'do', 'imports', 'name'];
const WHERE_KEYS = [
  'func', 'recv', 'struct', 'function_call', 'directive', 'kind', 'identifier', 'signature', 'signature_contains',
  'result', 'last_result', 'param', 'pattern', 'placement', 'file', 'all-of', 'one-of', 'not',
];
const MODIFIERS = ['inject_hooks', 'inject_code', 'add_struct_fields', 'add_file', 'wrap_call', 'expand_directive', 'assign_value'];
const FILE_LEAVES = ['has_func', 'has_recv', 'has_struct', 'has_directive', 'has_package', 'is_test'];
const FILE_COMBINATORS = ['all-of', 'one-of', 'not'];
const UNSUPPORTED_WHERE: Record<string, string> = {
  pattern: '`pattern` (injecting at a matching statement) is not supported by weft yet; code is injected at the start of the function',
  placement: '`placement` is not supported by weft yet',
  'all-of': 'combinators at the top of `where` are not supported (otelc rejects them too)',
  'one-of': 'combinators at the top of `where` are not supported (otelc rejects them too)',
  not: 'combinators at the top of `where` are not supported (otelc rejects them too)',
};

/** Standard packages whose name differs from their path, for otelc's local type names. */
const STD_BY_NAME: Readonly<Record<string, string>> = {
  http: 'net/http', url: 'net/url', sql: 'database/sql', driver: 'database/sql/driver', slog: 'log/slog',
  json: 'encoding/json', tls: 'crypto/tls', atomic: 'sync/atomic', rpc: 'net/rpc', httptest: 'net/http/httptest',
  context: 'context', errors: 'errors', fmt: 'fmt', io: 'io', os: 'os', time: 'time', strings: 'strings',
  bytes: 'bytes', sync: 'sync', net: 'net', log: 'log', regexp: 'regexp', reflect: 'reflect', unsafe: 'unsafe',
};

export function isOtelcFileName(file: string): boolean {
  return /\.otelc\.ya?ml$/.test(file);
}

/** An orchestrion document has meta/aspects/extends; an otelc one is rules with `target`. */
export function looksLikeOtelc(ctx: ParseContext, top: MappingView): boolean {
  if (top.entries.size === 0) return false;
  for (const k of ['meta', 'aspects', 'extends']) if (top.entries.has(k)) return false;
  for (const e of top.entries.values()) {
    const v = resolveNode(ctx, e.value);
    if (!isMappingNode(ctx, v)) return false;
    const view = readMapping({ ...ctx, problems: [] }, v, '');
    if (!view?.entries.has('target')) return false;
  }
  return true;
}

interface RuleContext {
  readonly ctx: ParseContext;
  readonly path: string;
  readonly node: unknown;
  readonly location: SourceLocation;
  /** Target package path for resolving local names; null when the target is a pattern. */
  readonly targetPath: string | null;
  readonly imports: Record<string, string>;
  /** add_file modifiers met, completed by the loader once their packages are found (completeAddFiles). */
  readonly addFiles: AddFileRequest[];
}

/**
 * An `add_file: {file, path}`: the file `file` of the Go package `path`, added to the target
 * package. It becomes an inject-declarations advice whose template is the file's declarations and
 * whose imports are the file's imports (blank ones as add-blank-import): the loader reads the file
 * (it lives in a package the rule's module or go.mod provides) and fills the advice in.
 */
export interface AddFileRequest {
  readonly file: string;
  readonly path: string;
  /** The rule file, the modifier's node and YAML path, for problems. */
  readonly ctx: ParseContext;
  readonly node: unknown;
  readonly yamlPath: string;
  /** The advice to fill in, and the list it sits in (blank imports are appended to it). */
  readonly advice: AdviceSpec;
  readonly list: AdviceSpec[];
}

/** Resolves an otelc type (`*http.Request`, `*DB`, `[]byte`) to a TypeRef with full import paths. */
function resolveOtelcType(rc: RuleContext, node: unknown, path: string): TypeRef | null {
  const text = readString(rc.ctx, node, path, { what: 'a Go type' });
  if (text === null) return null;
  let failure: string | null = null;
  // Rewrite each qualified or bare name token, then parse the result as an orchestrion-style type.
  const rewritten = text.replace(/(?<![\w./])([\p{L}_][\p{L}_\p{Nd}]*)(?:\.([\p{L}_][\p{L}_\p{Nd}]*))?/gu, (m, a: string, b?: string) => {
    if (['map', 'chan', 'func', 'interface', 'struct'].includes(a) && b === undefined) return m;
    if (b === undefined) {
      if (PREDECLARED_TYPES.has(a)) return m;
      if (rc.targetPath === null) {
        failure ??= `cannot tell which package \`${a}\` belongs to: the rule's target is a pattern or \`main\`; qualify it (\`pkg.${a}\` with pkg in imports)`;
        return m;
      }
      return `${rc.targetPath}.${a}`;
    }
    const pkg = rc.imports[a] ?? STD_BY_NAME[a];
    if (pkg === undefined) {
      failure ??= `unknown package \`${a}\` in \`${text}\`; add \`${a}: <import path>\` to the rule's imports`;
      return m;
    }
    return `${pkg}.${b}`;
  });
  if (failure !== null) {
    report(rc.ctx, node, path, failure);
    return null;
  }
  const r = tryParseTypeRef(rewritten);
  if (!r.ok) {
    report(rc.ctx, node, path, r.message.replace(rewritten.trim(), text.trim()));
    return null;
  }
  return r.value;
}

function escapeTemplate(code: string): string {
  // otelc raw code is plain Go; weft advice templates are text/template, so literal `{{` must be escaped.
  return code.replace(/\{\{|\}\}/g, (m) => `{{"${m}"}}`);
}

function template(rc: RuleContext, source: string): TemplateSpec {
  const imports: Record<string, string> = {};
  for (const [k, v] of Object.entries(rc.imports)) if (k !== '_') imports[k] = v;
  return { source, imports, lang: null, location: rc.location };
}

type AdviceBody = AdviceSpec extends unknown ? (AdviceSpec extends infer A ? (A extends AdviceSpec ? Omit<A, 'location' | 'namespace' | 'order'> : never) : never) : never;

function advice(rc: RuleContext, spec: AdviceBody): AdviceSpec {
  return { ...spec, namespace: DEFAULT_NAMESPACE, order: DEFAULT_ORDER, location: rc.location } as AdviceSpec;
}

function readTarget(ctx: ParseContext, node: unknown, path: string, location: SourceLocation): { jp: JoinPointSpec; path: string | null } | null {
  const t = readString(ctx, node, path, { what: 'a package import path or glob' });
  if (t === null) return null;
  const target = t.trim();
  if (target === 'test_main') {
    report(ctx, node, path, '`target: test_main` is reserved by otelc and not supported');
    return null;
  }
  // `-p main` packages weave under their real import path: `main` is the package clause's name.
  if (target === 'main') return { jp: { kind: 'package-name', name: 'main', location }, path: null };
  if (target === '$root') return { jp: { kind: 'package-filter', pattern: '**', root: '.', location }, path: null };
  if (/[*?[{]/.test(target)) {
    const brace = /\{([^{}]*)\}/.exec(target);
    const patterns = brace ? brace[1]!.split(',').map((alt) => target.replace(brace[0], alt)) : [target];
    if (patterns.some((p) => /[{}]/.test(p))) {
      report(ctx, node, path, `nested \`{}\` alternation in ${JSON.stringify(target)} is not supported; split the rule`);
      return null;
    }
    const filters: JoinPointSpec[] = patterns.map((pattern) => ({ kind: 'package-filter', pattern, root: null, location }));
    return { jp: filters.length === 1 ? filters[0]! : { kind: 'one-of', of: filters, location }, path: null };
  }
  const why = checkImportPath(target);
  if (why !== null) {
    report(ctx, node, path, `invalid target ${JSON.stringify(target)}: ${why}`);
    return null;
  }
  return { jp: { kind: 'import-path', path: target, location }, path: target };
}

/** `start_inclusive,end_exclusive` (either side may be left empty) → module-version. */
function readVersionRange(ctx: ParseContext, node: unknown, path: string, location: SourceLocation): JoinPointSpec | null {
  const text = readString(ctx, node, path, { what: 'a version range `start_inclusive,end_exclusive` such as `v0.11.0,v0.12.0`' });
  if (text === null) return null;
  const sides = text.split(',').map((x) => x.trim());
  const bad = sides.find((x) => x !== '' && !isSemver(x));
  if (sides.length !== 2 || bad !== undefined || (sides[0] === '' && sides[1] === '')) {
    report(ctx, node, path, `invalid version range ${JSON.stringify(text)}: write \`start_inclusive,end_exclusive\` with semantic versions such as \`v0.11.0,v0.12.0\` (one side may be empty)`);
    return null;
  }
  return { kind: 'module-version', start: sides[0]!, end: sides[1]!, location };
}

function readImports(ctx: ParseContext, node: unknown, path: string): { imports: Record<string, string>; blank: string[] } | null {
  const view = readMapping(ctx, node, path, 'a mapping from aliases to import paths');
  if (!view) return null;
  const imports: Record<string, string> = {};
  const blank: string[] = [];
  let ok = true;
  for (const [alias, e] of view.entries) {
    const p = childPath(path, alias);
    const value = readString(ctx, e.value, p, { what: 'an import path' });
    const why = value === null ? 'missing' : checkImportPath(value);
    if (value === null || why !== null) {
      if (value !== null) report(ctx, e.value, p, `invalid import path ${JSON.stringify(value)}: ${why}`);
      ok = false;
      continue;
    }
    if (alias === '_') blank.push(value);
    else if (!isGoIdentifier(alias)) {
      report(ctx, e.key, p, `\`${alias}\` is not a valid import alias`);
      ok = false;
    } else imports[alias] = value;
  }
  return ok ? { imports, blank } : null;
}

/**
 * One `where.file` node: a leaf predicate (`has_func` may come with `has_recv`, which narrows it
 * to that receiver) or one combinator owning the node, as otelc's docs/rules.md has it.
 */
function readFilePredicate(ctx: ParseContext, node: unknown, path: string): FilePredicate | null {
  const view = readMapping(ctx, node, path, 'a mapping of file predicates (has_func, has_recv, has_struct, has_package, is_test, all-of, one-of, not)');
  if (!view || !checkKeys(ctx, view, path, [...FILE_LEAVES, ...FILE_COMBINATORS])) return null;
  const keys = [...view.entries.keys()];
  const combinators = keys.filter((k) => FILE_COMBINATORS.includes(k));
  if (combinators.length > 0 && keys.length > 1) {
    report(ctx, node, path, `\`${combinators[0]}\` owns its node: it cannot sit beside ${keys.filter((k) => k !== combinators[0]).map((k) => `\`${k}\``).join(', ')}; nest them inside it`);
    return null;
  }
  const leaves = keys.filter((k) => k !== 'has_recv' || !keys.includes('has_func'));
  if (leaves.length !== 1) {
    report(ctx, node, path, leaves.length === 0 ? 'an empty `where.file` node: give one predicate' : `one predicate per \`where.file\` node (found ${leaves.join(', ')}): combine them with all-of / one-of`);
    return null;
  }
  const key = leaves[0]!;
  const e = view.entries.get(key)!;
  const p = childPath(path, key);
  switch (key) {
    case 'all-of':
    case 'one-of': {
      const items = readSequence(ctx, e.value, p, 'a list of file predicates');
      if (items === null) return null;
      const of = items.map((it, i) => readFilePredicate(ctx, it, childPath(p, i)));
      return of.every((x) => x !== null) ? { kind: key, of: of as FilePredicate[] } : null;
    }
    case 'not': {
      const of = readFilePredicate(ctx, e.value, p);
      return of === null ? null : { kind: 'not', of };
    }
    case 'has_func': {
      const name = readIdentifier(ctx, e.value, p, 'a function name');
      const r = view.entries.get('has_recv');
      const receiver = r ? readString(ctx, r.value, childPath(path, 'has_recv'), { what: 'a receiver type such as `*DB`' }) : null;
      if (name === null || (r && receiver === null)) return null;
      return { kind: 'has-func', name, receiver: receiver === null ? null : receiver.trim() };
    }
    case 'has_recv': {
      const receiver = readString(ctx, e.value, p, { what: 'a receiver type such as `*DB`' });
      return receiver === null ? null : { kind: 'has-recv', receiver: receiver.trim() };
    }
    case 'has_struct': {
      const name = readIdentifier(ctx, e.value, p, 'a struct type name');
      return name === null ? null : { kind: 'has-struct', name };
    }
    case 'has_package': {
      const name = readIdentifier(ctx, e.value, p, 'a package name');
      return name === null ? null : { kind: 'has-package', name };
    }
    case 'is_test': {
      const value = readBoolean(ctx, e.value, p);
      return value === null ? null : { kind: 'is-test', value };
    }
    default:
      // has_directive: otelc validates it but rejects it at build time too.
      report(ctx, e.key, p, `\`${key}\` is not supported (otelc does not execute it either); use \`where.directive\` with \`expand_directive\``);
      return null;
  }
}

/** The function join point from where.func/recv and the signature filters. */
function functionJoinPoint(rc: RuleContext, where: MappingView, wpath: string): JoinPointSpec | null {
  const f = where.entries.get('func');
  if (!f) {
    report(rc.ctx, where.node, wpath, 'this modifier needs `func` in `where`');
    return null;
  }
  let ok = true;
  const options: FunctionOption[] = [];
  const name = readIdentifier(rc.ctx, f.value, childPath(wpath, 'func'), 'a function name');
  if (name === null) ok = false;
  else options.push({ kind: 'name', name });
  const r = where.entries.get('recv');
  if (r) {
    const t = resolveOtelcType(rc, r.value, childPath(wpath, 'recv'));
    if (t === null) ok = false;
    else options.push({ kind: 'receiver', type: t });
  } else options.push({ kind: 'has-receiver', value: false });
  const list = (node: unknown, p: string): TypeRef[] | null => {
    const items = readSequence(rc.ctx, node, p, 'a list of Go types');
    if (items === null) return null;
    const out = items.map((it, i) => resolveOtelcType(rc, it, childPath(p, i)));
    return out.every((t) => t !== null) ? (out as TypeRef[]) : null;
  };
  for (const key of ['signature', 'signature_contains'] as const) {
    const e = where.entries.get(key);
    if (!e) continue;
    const p = childPath(wpath, key);
    const view = readMapping(rc.ctx, e.value, p, 'a mapping with `args` and/or `returns`');
    if (!view || !checkKeys(rc.ctx, view, p, ['args', 'returns'])) {
      ok = false;
      continue;
    }
    const a = view.entries.get('args');
    const re = view.entries.get('returns');
    const args = a ? list(a.value, childPath(p, 'args')) : [];
    const returns = re ? list(re.value, childPath(p, 'returns')) : [];
    if (args === null || returns === null) ok = false;
    else options.push({ kind: key === 'signature' ? 'signature' : 'signature-contains', args, returns });
  }
  const lr = where.entries.get('last_result');
  if (lr) {
    const t = resolveOtelcType(rc, lr.value, childPath(wpath, 'last_result'));
    if (t === null) ok = false;
    else options.push({ kind: 'last-result', type: t });
  }
  for (const [key, side] of [['result', 'returns'], ['param', 'args']] as const) {
    const e = where.entries.get(key);
    if (!e) continue;
    const t = resolveOtelcType(rc, e.value, childPath(wpath, key));
    if (t === null) ok = false;
    else options.push({ kind: 'signature-contains', args: side === 'args' ? [t] : [], returns: side === 'returns' ? [t] : [] });
  }
  if (!ok) return null;
  return { kind: 'function-body', function: { kind: 'function', options, location: rc.location }, location: rc.location };
}

function qualifiedInTarget(rc: RuleContext, node: unknown, path: string, what: string): QualifiedName | null {
  const name = readIdentifier(rc.ctx, node, path, what);
  if (name === null) return null;
  if (rc.targetPath === null) {
    report(rc.ctx, node, path, `\`${name}\` needs an exact target package; the rule's target is a pattern or \`main\``);
    return null;
  }
  return { path: rc.targetPath, name };
}

/** One modifier → its join point (without the package part) and advice. */
function readModifier(
  rc: RuleContext, where: MappingView | null, wpath: string, name: string, value: unknown, path: string,
): { jp: JoinPointSpec | null; advice: AdviceSpec[] } | null {
  const ctx = rc.ctx;
  const need = (key: string): { key: unknown; value: unknown } | null => {
    const e = where?.entries.get(key);
    if (!e) report(ctx, where?.node ?? rc.node, wpath, `\`${name}\` needs \`${key}\` in \`where\``);
    return e ?? null;
  };
  const body = (allowed: string[], required: string[]): MappingView | null => {
    const view = readMapping(ctx, value, path);
    if (!view) return null;
    return checkKeys(ctx, view, path, allowed, required) ? view : null;
  };
  switch (name) {
    case 'inject_hooks':
      report(ctx, value, path, '`inject_hooks` is not supported by weft yet: it needs otelc\'s hook runtime (HookContext); use `inject_code`, or an orchestrion aspect with prepend-statements');
      return null;
    case 'add_file': {
      const view = body(['file', 'path'], ['file', 'path']);
      if (!view) return null;
      const file = readString(ctx, view.entries.get('file')!.value, childPath(path, 'file'), { what: 'a Go file name such as `helpers.go`' });
      const pkg = readString(ctx, view.entries.get('path')!.value, childPath(path, 'path'), { what: 'the import path of the package holding the file' });
      if (file === null || pkg === null) return null;
      if (!/^[^/\\]+\.go$/.test(file)) {
        report(ctx, view.entries.get('file')!.value, childPath(path, 'file'), `\`${file}\` must be the name of a .go file in the package \`path\` names (no directories)`);
        return null;
      }
      const why = checkImportPath(pkg);
      if (why !== null) {
        report(ctx, view.entries.get('path')!.value, childPath(path, 'path'), `invalid import path ${JSON.stringify(pkg)}: ${why}`);
        return null;
      }
      const placeholder = advice(rc, { kind: 'inject-declarations', template: template(rc, ''), links: [] });
      const list = [placeholder];
      rc.addFiles.push({ file, path: pkg, ctx, node: value, yamlPath: path, advice: placeholder, list });
      return { jp: null, advice: list };
    }
    case 'inject_code': {
      const view = body(['raw'], ['raw']);
      if (!where) {
        report(ctx, rc.node, wpath, '`inject_code` needs `func` in `where`');
        return null;
      }
      const jp = functionJoinPoint(rc, where, wpath);
      const raw = view ? readString(ctx, view.entries.get('raw')!.value, childPath(path, 'raw'), { what: 'Go code' }) : null;
      if (!view || jp === null || raw === null) return null;
      return { jp, advice: [advice(rc, { kind: 'prepend-statements', template: template(rc, escapeTemplate(raw)) })] };
    }
    case 'add_struct_fields': {
      const s = need('struct');
      const type = s ? qualifiedInTarget(rc, s.value, childPath(wpath, 'struct'), 'a struct name') : null;
      const view = body(['new_field'], ['new_field']);
      if (!view || type === null) return null;
      const fp = childPath(path, 'new_field');
      const items = readSequence(ctx, view.entries.get('new_field')!.value, fp, 'a list of {name, type}');
      if (items === null) return null;
      const out: AdviceSpec[] = [];
      let ok = true;
      items.forEach((item, i) => {
        const ip = childPath(fp, i);
        const f = readMapping(ctx, item, ip, 'a mapping with `name` and `type`');
        if (!f || !checkKeys(ctx, f, ip, ['name', 'type'], ['name', 'type'])) {
          ok = false;
          return;
        }
        const fname = readIdentifier(ctx, f.entries.get('name')!.value, childPath(ip, 'name'), 'a field name');
        const ftype = resolveOtelcType(rc, f.entries.get('type')!.value, childPath(ip, 'type'));
        if (fname === null || ftype === null) ok = false;
        else out.push(advice(rc, { kind: 'add-struct-field', name: fname, type: ftype }));
      });
      return ok ? { jp: { kind: 'struct-definition', type, location: rc.location }, advice: out } : null;
    }
    case 'wrap_call': {
      const fc = need('function_call');
      const callee = fc ? readQualifiedName(ctx, fc.value, childPath(wpath, 'function_call')) : null;
      const view = body(['replace', 'append_args', 'variadic_type'], []);
      if (!view || callee === null) return null;
      const out: AdviceSpec[] = [];
      const aa = view.entries.get('append_args');
      if (aa) {
        const ap = childPath(path, 'append_args');
        const items = readSequence(ctx, aa.value, ap, 'a list of Go expressions');
        const vt = view.entries.get('variadic_type');
        if (!vt) {
          report(ctx, aa.key, ap, '`append_args` needs `variadic_type` in weft (the element type of the variadic parameter, e.g. `grpc.DialOption`)');
          return null;
        }
        const type = resolveOtelcType(rc, vt.value, childPath(path, 'variadic_type'));
        if (items === null || type === null) return null;
        const values = items.map((it, i) => readString(ctx, it, childPath(ap, i), { what: 'a Go expression' }));
        if (values.some((v) => v === null)) return null;
        out.push(advice(rc, { kind: 'append-args', type, values: (values as string[]).map((v) => template(rc, escapeTemplate(v))) }));
      }
      const rp = view.entries.get('replace');
      if (rp) {
        const src = readString(ctx, rp.value, childPath(path, 'replace'), { what: 'a Go expression template' });
        if (src === null) return null;
        out.push(advice(rc, { kind: 'wrap-expression', template: template(rc, src) }));
      }
      if (out.length === 0) {
        report(ctx, value, path, '`wrap_call` needs `replace` or `append_args`');
        return null;
      }
      return { jp: { kind: 'function-call', callee, location: rc.location }, advice: out };
    }
    case 'expand_directive': {
      const d = need('directive');
      const dname = d ? readDirectiveName(ctx, d.value, childPath(wpath, 'directive')) : null;
      const view = body(['template'], ['template']);
      const src = view ? readString(ctx, view.entries.get('template')!.value, childPath(path, 'template'), { what: 'Go code' }) : null;
      if (dname === null || src === null) return null;
      const converted = escapeTemplate(src).replace(/\{\{"\{\{"\}\}FuncName\{\{"\}\}"\}\}/g, '{{ .Function.Name }}');
      const jp: JoinPointSpec = {
        kind: 'function-body',
        function: { kind: 'all-of', of: [{ kind: 'directive', name: dname, location: rc.location }, { kind: 'function', options: [], location: rc.location }], location: rc.location },
        location: rc.location,
      };
      return { jp, advice: [advice(rc, { kind: 'prepend-statements', template: template(rc, converted) })] };
    }
    case 'assign_value': {
      const id = need('identifier');
      const symbol = id ? qualifiedInTarget(rc, id.value, childPath(wpath, 'identifier'), 'a declared name') : null;
      const k = where?.entries.get('kind');
      if (k) {
        const kind = readString(ctx, k.value, childPath(wpath, 'kind'), { allowEmpty: true, what: 'var, const or empty' });
        if (kind !== null && !['', 'var', 'const'].includes(kind)) {
          report(ctx, k.value, childPath(wpath, 'kind'), `\`kind: ${kind}\` cannot take assign_value; use var or const`);
          return null;
        }
      }
      const view = body(['replace', 'wrap'], []);
      if (!view || symbol === null) return null;
      if (view.entries.has('wrap')) {
        report(ctx, view.entries.get('wrap')!.key, childPath(path, 'wrap'), '`wrap` is not supported by weft yet; use `replace`');
        return null;
      }
      const rp = view.entries.get('replace');
      if (!rp) {
        report(ctx, value, path, '`assign_value` needs `replace`');
        return null;
      }
      const src = readString(ctx, rp.value, childPath(path, 'replace'), { what: 'a Go expression' });
      if (src === null) return null;
      return { jp: { kind: 'declaration-of', symbol, location: rc.location }, advice: [advice(rc, { kind: 'assign-value', template: template(rc, escapeTemplate(src)) })] };
    }
    default:
      report(ctx, value, path, `unknown otelc modifier \`${name}\`${didYouMean(name, MODIFIERS)} (allowed: ${MODIFIERS.join(', ')})`);
      return null;
  }
}

function readRule(ctx: ParseContext, key: string, node: unknown, addFiles: AddFileRequest[]): ResolvedAspect[] {
  const path = key;
  const view = readMapping(ctx, node, path, 'an otelc rule (a mapping with `target` and `do`)');
  if (!view) return [];
  checkKeys(ctx, view, path, RULE_KEYS, ['target', 'do']);
  const location = locationOf(ctx, node, path);
  const n = view.entries.get('name');
  const id = n ? readString(ctx, n.value, childPath(path, 'name'), { what: 'a rule name' }) : key;
  const v = view.entries.get('version');
  const version = v ? readVersionRange(ctx, v.value, childPath(path, 'version'), location) : null;
  const t = view.entries.get('target');
  const target = t ? readTarget(ctx, t.value, childPath(path, 'target'), location) : null;
  const im = view.entries.get('imports');
  const imports = im ? readImports(ctx, im.value, childPath(path, 'imports')) : { imports: {}, blank: [] };
  const wpath = childPath(path, 'where');
  const w = view.entries.get('where');
  const where = w ? readMapping(ctx, w.value, wpath, 'a mapping of selectors') : null;
  if (where) {
    checkKeys(ctx, where, wpath, WHERE_KEYS);
    for (const [k, e] of where.entries) {
      const why = UNSUPPORTED_WHERE[k];
      if (why !== undefined) report(ctx, e.key, childPath(wpath, k), why);
    }
  }
  const f = where?.entries.get('file');
  const filePredicate = f ? readFilePredicate(ctx, f.value, childPath(wpath, 'file')) : null;
  const d = view.entries.get('do');
  if (!target || !imports || id === null || !d || (f && filePredicate === null) || (v && version === null)) return [];
  const packagePart: JoinPointSpec[] = version !== null ? [target.jp, version] : [target.jp];
  const rc: RuleContext = { ctx, path, node, location, targetPath: target.path, imports: imports.imports, addFiles };
  const dpath = childPath(path, 'do');
  // `do` is a list of one-key modifiers; a single mapping is sugar for one.
  const items = isSequenceNode(ctx, d.value) ? readSequence(ctx, d.value, dpath) ?? [] : [d.value];
  if (items.length === 0) report(ctx, d.value, dpath, '`do` must not be empty');
  const out: ResolvedAspect[] = [];
  items.forEach((item, i) => {
    const ip = isSequenceNode(ctx, d.value) ? childPath(dpath, i) : dpath;
    const one = readSingleton(ctx, item, ip, 'a modifier', MODIFIERS);
    if (!one) return;
    const m = readModifier(rc, where, wpath, one.name, one.value, childPath(ip, one.name));
    // add_file has no point selector: the package part alone says where (its first file).
    if (!m || (m.jp === null && one.name !== 'add_file')) return;
    const blank = imports.blank.map((p) => advice(rc, { kind: 'add-blank-import', path: p }));
    out.push({
      id: items.length > 1 ? `${id}#${i}` : id,
      joinPoint: { kind: 'all-of', of: [...packagePart, ...(m.jp !== null ? [m.jp] : []), ...(filePredicate !== null ? [{ kind: 'file-predicate' as const, predicate: filePredicate, location }] : [])], location },
      advice: m.advice.length === 1 && one.name === 'add_file' ? (m.advice.push(...blank), m.advice) : [...m.advice, ...blank],
      location,
    });
  });
  return out;
}

/** Parses every rule of an otelc rule file (the top-level mapping); add_file advice waits for completeAddFiles. */
export function parseOtelcRules(ctx: ParseContext, top: MappingView): { aspects: ResolvedAspect[]; addFiles: AddFileRequest[] } {
  const out: ResolvedAspect[] = [];
  const addFiles: AddFileRequest[] = [];
  for (const [key, e] of top.entries) {
    const k = resolveNode(ctx, e.key);
    if (!isScalar(k)) continue;
    out.push(...readRule(ctx, key, e.value, addFiles));
  }
  return { aspects: out, addFiles };
}

/**
 * Fills in an add_file advice from the file's text: its declarations (package clause and imports
 * cut) as the template, its imports as the template's imports, blank imports as add-blank-import.
 * Returns false (with a problem reported) when the file cannot be used.
 */
export function completeAddFile(req: AddFileRequest, fileName: string, text: string | null, why: string | null): boolean {
  const fail = (message: string): false => {
    report(req.ctx, req.node, req.yamlPath, message);
    return false;
  };
  if (text === null) return fail(`cannot read \`${req.file}\` of package ${req.path}: ${why ?? 'not found'}`);
  const parsed = parseToolFile(text);
  if (!parsed.ok) return fail(`${fileName}:${parsed.line} does not parse as Go: ${parsed.message}`);
  const imports: Record<string, string> = {};
  const blank: string[] = [];
  for (const imp of parsed.imports) {
    if (imp.name === '_') blank.push(imp.path);
    else if (imp.name === '.') return fail(`${fileName}:${imp.line}: a dot import cannot be carried into another package's file; name the package`);
    else imports[imp.name ?? packageNameOfPath(imp.path)] = imp.path;
  }
  // Build constraints belong to the source file (otelc's added files are often `//go:build ignore`).
  const body = text.slice(parsed.rest).replace(/^\s*\/\/(go:build|\s*\+build)[^\n]*\n/gm, '');
  const a = req.advice as { template: TemplateSpec };
  a.template = { ...a.template, source: escapeTemplate(body), imports };
  for (const path of blank) req.list.push({ ...req.advice, kind: 'add-blank-import', path } as unknown as AdviceSpec);
  return true;
}

/** The name an unnamed import binds: the last path element without a major version suffix (`/v2`, gopkg.in's `.v1`). */
function packageNameOfPath(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v[0-9]+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  return last.replace(/\.v[0-9]+$/, '').replace(/^go-/, '').replace(/[-.]go$/, '').replace(/[^\p{L}\p{Nd}_]/gu, '_');
}
