// Differential fuzzing against Go's text/template: a seeded generator builds random templates
// from actions, pipelines, builtins, if/else if/range/break/continue/with/else with/variables/
// define/template/block over fixed JSON data; each must
// either render exactly as Go renders it or fail in both engines with the same reason. weft
// must never throw anything but a TemplateError. Known, documented differences are excluded
// by rule below, not by case.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate, TemplateError } from '../../../src/template/index.js';
import { hasGo, runGo } from './oracle.js';

const ATOMS = ['.', '.A', '.B', '.A.B', '.L', '.M', '.S', '.N', '.F', '.Z', '$', '$x', '$.A', '1', '0', '-2', '1.5', '"s"', '`r`', "'c'", 'true', 'false', 'nil', '(len .L)', '(index .L 0)', '(print 1)', '(.M.k)'];
const FUNCS = ['print', 'printf "%v"', 'printf "%d %s"', 'printf "%q|%x|%5.2v|%T"', 'println', 'len', 'index', 'eq', 'eq .S', 'ne', 'lt', 'le 1', 'gt', 'ge', 'and', 'or', 'not', 'html', 'js', 'urlquery'];
const DATA = { A: { B: 'ab' }, B: 0, L: [1, 'two', [3], null, { B: 'lb' }], M: { k: 'v', z: 2, n: null }, S: 'str', N: 3, F: 2.5, Z: null };

function generator(seed: number): () => string {
  let state = seed;
  const rnd = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const pipeline = (): string => {
    const cmds: string[] = [];
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      if (i > 0 || rnd() < 0.5) {
        let c = pick(FUNCS);
        const k = Math.floor(rnd() * 3);
        for (let j = 0; j < k; j++) c += ' ' + pick(ATOMS);
        cmds.push(c);
      } else cmds.push(pick(ATOMS));
    }
    return cmds.join(' | ');
  };
  const body = (depth: number): string => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.25) s += pick(['x', ' ', '\n', 'y ']);
      else if (r < 0.55 || depth > 2) s += `{{${pick(['', '- '])}${pipeline()}${pick(['', ' -'])}}}`;
      else if (r < 0.65) s += `{{if ${pipeline()}}}${body(depth + 1)}${rnd() < 0.5 ? `{{else}}${body(depth + 1)}` : ''}{{end}}`;
      else if (r < 0.8) {
        const vars = pick(['', '$i, $e := ', '$e := ']);
        s += `{{range ${vars}${pick(['.L', '.M', '.N', '.S', '.', '3', '.Z'])}}}${body(depth + 1)}${rnd() < 0.3 ? '{{break}}' : ''}${vars !== '' && rnd() < 0.5 ? '{{$e}}' : ''}{{end}}`;
      } else if (r < 0.85) s += `{{with ${pipeline()}}}${body(depth + 1)}${pick(['', '{{else}}-', `{{else with ${pipeline()}}}${body(depth + 1)}`])}{{end}}`;
      else if (r < 0.88) s += `{{if ${pipeline()}}}a{{else if ${pipeline()}}}${body(depth + 1)}{{else}}c{{end}}`;
      else if (r < 0.91) s += `{{template "d" ${pick(['', '.', '.L', '.M', '$x', '.A'])}}}`;
      else if (r < 0.93) s += `{{block "b${Math.floor(rnd() * 3)}" ${pick(['.', '.L', '.M'])}}}${body(depth + 1)}{{end}}`;
      else if (r < 0.95) s += `{{range $i, $e := ${pick(['.L', '.M', '.'])}}}{{if ${pipeline()}}}{{continue}}{{end}}${body(depth + 1)}{{end}}`;
      else s += `{{$x = ${pipeline()}}}`;
    }
    return s;
  };
  return () => `{{define "d"}}<{{.}}{{with .}}{{printf "%v" .}}{{end}}>{{end}}{{$x := 1}}${body(0)}`;
}

/** Random soups of template syntax fragments, for the lexer and parser. */
function soupGenerator(seed: number): () => string {
  const pieces = ['{{', '}}', '{{- ', ' -}}', '-', '/*', '*/', '"', "'", '`', '\\', '$', '$x', '.', '.A', '|', '(', ')', ':=', '=', ',', ' ', '\n', 'a', '1', '0x1', '1.5', 'e', 'if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil', 'true', 'print', 'len', '"s"', 'é', '\t', '#', '@', '_', '+'];
  let state = seed;
  const rnd = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  return () => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 14);
    for (let j = 0; j < n; j++) s += pieces[Math.floor(rnd() * pieces.length)]!;
    return s;
  };
}

/** The reason of an error message, without Go's location and context prefix. */
/**
 * weft's output or error message for one template; null (with a problem recorded) when it threw
 * anything but a TemplateError, which is a bug whatever Go says.
 */
function renderWithWeft(t: string, data: unknown, problems: string[]): { out: string; err: string } | null {
  try {
    return { out: parseTemplate(t, { name: 't' }).execute(data), err: '' };
  } catch (err) {
    if (!(err instanceof TemplateError)) {
      problems.push(`${JSON.stringify(t)}: threw ${String(err)}`);
      return null;
    }
    return { out: '', err: err.message };
  }
}

function reason(message: string): string {
  return message.replace(/^template: [^:]*:\d+(:\d+)?: /, '').replace(/^executing "[^"]*" at <.*?>: /, '');
}

/** Differences documented in src/template/index.ts (Go reports reflect internals here). */
function knownDifference(goErr: string, weftErr: string): boolean {
  return (/malformed character constant/.test(goErr) && /invalid syntax/.test(weftErr)) || /reflect: call of reflect\.Value\.Type on zero Value/.test(goErr) || (/can't index item of type uint8/.test(goErr) && /can't index item of type int/.test(weftErr));
}

describe('template fuzzing against Go', { skip: hasGo ? false : 'no go command' }, () => {
  it('agrees with Go on 1500 random templates', () => {
    const next = generator(20261122);
    const templates = Array.from({ length: 1500 }, next);
    const go = runGo(templates.map((t) => ({ template: t, data: DATA })));
    let rendered = 0;
    const problems: string[] = [];
    templates.forEach((t, i) => {
      const mine = renderWithWeft(t, DATA, problems);
      if (mine === null) return;
      const g = go[i]!;
      if (g.err === '' && mine.err === '') {
        rendered++;
        if (g.out !== mine.out) problems.push(`${JSON.stringify(t)}: Go ${JSON.stringify(g.out)}, weft ${JSON.stringify(mine.out)}`);
      } else if (g.err === '' || mine.err === '') {
        problems.push(`${JSON.stringify(t)}: Go ${JSON.stringify(g.err || g.out)}, weft ${JSON.stringify(mine.err || mine.out)}`);
      } else if (reason(g.err) !== reason(mine.err) && !knownDifference(g.err, mine.err)) {
        problems.push(`${JSON.stringify(t)}: Go error ${JSON.stringify(g.err)}, weft error ${JSON.stringify(mine.err)}`);
      }
    });
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} disagreements`);
    // The generator must keep producing templates that render, or this test proves little.
    assert.ok(rendered >= 300, `only ${rendered} templates rendered`);
  });

  it('lexes and parses 4000 random syntax soups like Go', () => {
    const next = soupGenerator(4242);
    const templates = Array.from({ length: 4000 }, next);
    const data = { A: 1 };
    const go = runGo(templates.map((t) => ({ template: t, data })));
    let errors = 0;
    const problems: string[] = [];
    templates.forEach((t, i) => {
      const mine = renderWithWeft(t, data, problems);
      if (mine === null) return;
      const g = go[i]!;
      if (g.err !== '' && mine.err !== '') {
        errors++;
        if (reason(g.err) !== reason(mine.err) && !knownDifference(g.err, mine.err)) problems.push(`${JSON.stringify(t)}: Go ${JSON.stringify(g.err)}, weft ${JSON.stringify(mine.err)}`);
      } else if (g.err !== mine.err || g.out !== mine.out) {
        problems.push(`${JSON.stringify(t)}: Go ${JSON.stringify(g.err || g.out)}, weft ${JSON.stringify(mine.err || mine.out)}`);
      }
    });
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} disagreements`);
    assert.ok(errors >= 500, `only ${errors} soups were errors: the generator lost its teeth`);
  });
});
