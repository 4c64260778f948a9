// Property fuzzing of the weaver on mutated real Go files (the standard library's), with a
// seeded generator so every failure replays. Properties, for every mutant:
// - weaving never throws anything but a WeftError;
// - if the input parses, the woven output parses;
// - every token of the input is in the output at a place whose line-directive position is the token's
//   own line and byte column in the input (nothing lost, moved or mis-mapped);
// - a configuration that matches nothing leaves every file untouched.
// Used by the default suite with a small budget and by test:heavy with a long one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Node as TsNode, Parser } from 'web-tree-sitter';
import { WeftError } from '../../../src/errors.js';
import { loadGoParser } from '../../../src/weave/syntax.js';
import { weavePackage } from '../../../src/weave/weave-package.js';
import { advice, aspect, config, input, jp, tpl } from './helpers.js';

const PREPEND_EVERYWHERE = config(
  aspect('every-body', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [] }) }), advice({ kind: 'prepend-statements', template: tpl('_ = 0') })),
);
const MATCHES_NOTHING = config(
  aspect('nothing', jp({ kind: 'function-body', function: jp({ kind: 'function', options: [{ kind: 'name', name: 'NoSuchFunctionAnywhereZz9' }] }) }),
    advice({ kind: 'prepend-statements', template: tpl('_ = 0') })),
);

const CORPUS_DIRS = ['strconv', 'strings', 'bytes', 'sort', 'errors', 'unicode/utf8', 'net/url', 'encoding/json', 'text/template/parse', 'go/scanner', 'container/list', 'path'];
const NOISE = ['{', '}', '(', ')', 'func', 'return', '"', '`', '//', '/*', '*/', ';', 'go', 'defer', 'x :=', ',', '\n', 'type T[P any] struct{}', '\u00e9', '//line x.go:1'];

export function corpus(): string[] {
  const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
  const files: string[] = [];
  for (const d of CORPUS_DIRS) {
    const dir = join(goroot, 'src', d);
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.go') && statSync(join(dir, f)).size < 60_000) files.push(join(dir, f));
    }
  }
  return files;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number): number => Math.floor(rnd() * n);
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const i = pick(lines.length);
    switch (pick(7)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[i] ?? ''); break;
      case 2: { const j = pick(lines.length); [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; break; }
      case 3: lines.splice(i, 0, NOISE[pick(NOISE.length)]!); break;
      case 4: { const l = lines[i] ?? ''; const c = pick(l.length + 1); lines[i] = l.slice(0, c) + NOISE[pick(NOISE.length)]! + l.slice(c); break; }
      case 5: lines.length = Math.max(1, i); break;
      default: break; // unchanged: the real file itself
    }
  }
  return lines.join('\n');
}

interface Token { file: string; line: number; col: number; text: string }

/**
 * Leaves of the syntax tree (comments excluded) with the file, line and byte column the
 * compiler would report for them, following line directives (line and block comment forms) as go does.
 */
function tokens(parser: Parser, text: string, file: string): Token[] {
  const tree = parser.parse(text);
  if (tree === null) throw new Error('no tree');
  const starts: { index: number; text: string }[] = [];
  // Only comments are directives: `/*line x:1*/` inside a string literal is text (go/scanner's
  // own tests hold such strings).
  const comments = new Set<number>();
  const walk = (n: TsNode): void => {
    if (n.childCount === 0) {
      if (n.type === 'comment') comments.add(n.startIndex);
      else if (n.endIndex > n.startIndex) starts.push({ index: n.startIndex, text: n.text });
      return;
    }
    for (const c of n.children) if (c !== null) walk(c);
  };
  walk(tree.rootNode);
  tree.delete();
  starts.sort((a, b) => a.index - b.index);
  // Walk the text once, following the line directives.
  const out: Token[] = [];
  let curFile = file;
  let line = 1;
  let col = 1;
  let k = 0;
  // A directive without a column leaves columns unknown (0) until the next directive, as in go/token.
  let colKnown = true;
  const directive = (spec: string): void => {
    const m = /^(.*):(\d+):(\d+)$/.exec(spec) ?? /^(.*):(\d+)$/.exec(spec);
    if (m === null) return;
    curFile = m[1]!;
    line = Number(m[2]);
    col = m[3] !== undefined ? Number(m[3]) : 1;
    colKnown = m[3] !== undefined;
  };
  for (let i = 0; i <= text.length; i++) {
    while (k < starts.length && starts[k]!.index === i) {
      out.push({ file: curFile, line, col: colKnown ? col : 0, text: starts[k]!.text });
      k++;
    }
    if (i === text.length) break;
    if ((i === 0 || text[i - 1] === '\n') && comments.has(i) && text.startsWith('//line ', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      const spec = text.slice(i + 7, stop);
      i = stop; // the newline: the next line starts at the directive's position
      directive(spec);
      continue;
    }
    if (comments.has(i) && text.startsWith('/*line ', i)) {
      const end = text.indexOf('*/', i);
      if (end > 0) {
        directive(text.slice(i + 7, end));
        i = end + 1;
        continue;
      }
    }
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      col = 1;
    } else {
      col += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3;
    }
  }
  return out;
}

export interface FuzzReport { cases: number; parsed: number; woven: number; failures: string[] }

/** Runs mutants until `ms` have passed (or `maxCases`); failures name the seed and case to replay. */
export async function fuzzWeaver(seed: number, ms: number, maxCases = Infinity): Promise<FuzzReport> {
  const parser = await loadGoParser();
  const files = corpus();
  const rnd = rng(seed);
  const report: FuzzReport = { cases: 0, parsed: 0, woven: 0, failures: [] };
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && report.cases < maxCases && report.failures.length < 5) {
    const file = files[Math.floor(rnd() * files.length)]!;
    const text = mutate(readFileSync(file, 'utf8'), rnd);
    const where = `seed ${seed} case ${report.cases} (${file})`;
    report.cases++;
    const path = `/fuzz/p/${file.slice(file.lastIndexOf('/') + 1)}`;
    const deps = { readFile: async () => new TextEncoder().encode(text) };
    const parses = !(parser.parse(text)?.rootNode.hasError ?? true);
    let woven;
    try {
      woven = await weavePackage(input('example.com/fuzz', [path]), PREPEND_EVERYWHERE, deps);
      const none = await weavePackage(input('example.com/fuzz', [path]), MATCHES_NOTHING, deps);
      if (none.files.length !== 0) report.failures.push(`${where}: a config matching nothing changed the file`);
    } catch (e) {
      if (!(e instanceof WeftError)) report.failures.push(`${where}: threw ${(e as Error).stack ?? String(e)}`);
      continue;
    }
    if (!parses) continue;
    report.parsed++;
    const out = woven.files[0]?.text;
    if (out === undefined) continue;
    report.woven++;
    const outTree = parser.parse(out);
    const broken = outTree?.rootNode.hasError ?? true;
    outTree?.delete();
    if (broken) {
      report.failures.push(`${where}: the input parses but the woven output does not`);
      continue;
    }
    // The user's own //line directives count for both: what the compiler would report for a
    // token of the input must be what it reports for the same token in the output.
    const key = (t: Token): string => `${t.file}:${t.line}:${t.col}:${t.text}`;
    const want = tokens(parser, text, path).map(key).sort();
    const got = tokens(parser, out, path).filter((t) => t.file !== '<generated>').map(key).sort();
    if (want.join('\n') !== got.join('\n')) {
      const missing = want.filter((x) => !got.includes(x)).slice(0, 3);
      const extra = got.filter((x) => !want.includes(x)).slice(0, 3);
      report.failures.push(`${where}: //line positions do not map back (missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)})`);
    }
  }
  return report;
}
