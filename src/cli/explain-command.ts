// `weft explain <package|file> [--aspect id]`: for each aspect, whether it may weave the package
// (weaving scope, package-level verdict), the pre-filter's needles per file, and each candidate's
// match with file:line or the reason it did not match. The explaining is src/weave/explain.ts.
import { relative } from 'node:path';

export interface ExplainCommandInput {
  target: string;
  aspect: string | undefined;
  json: boolean;
  configFlag: string | undefined;
  goFlags: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (s: string) => void;
}

export async function runExplainCommand(input: ExplainCommandInput): Promise<number> {
  const [{ explainPackages }, { describeConfigOrigin }, { formatWarning }] = await Promise.all([import('../diagnostics/woven-packages.js'), import('../diagnostics/about.js'), import('../weave/index.js')]);
  const { config, packages } = await explainPackages({
    target: input.target, aspect: input.aspect, patterns: [], dir: input.cwd, cwd: input.cwd, env: input.env, configFlag: input.configFlag, flags: input.goFlags,
  });
  if (input.json) {
    input.stdout(JSON.stringify({ config: describeConfigOrigin(config), packages: packages.map((p) => ({ ...p.explanation, woven: p.woven.aspects, warnings: p.woven.warnings ?? [] })) }) + '\n');
    return 0;
  }
  const rel = (f: string): string => {
    const r = relative(input.cwd, f);
    return r.startsWith('..') ? f : r;
  };
  const off = (config.config.integrations ?? []).reduce((k, i) => k + (i.on ? (i.aspectsOff ?? []).length : i.aspects.length), 0);
  const switched = off > 0 ? ` (${off} more switched off by weft.yml's integrations: weft explain --config lists them)` : '';
  const lines: string[] = [`configuration: ${describeConfigOrigin(config) ?? 'none (no aspects)'}; ${config.aspects.length} aspects${switched}`];
  for (const p of packages) {
    const e = p.explanation;
    lines.push('', `package ${e.importPath}: ${p.woven.aspects.length > 0 ? `woven by ${p.woven.aspects.join(', ')}` : 'not woven'}`);
    for (const w of p.woven.warnings ?? []) lines.push(`  ${formatWarning(w)}`);
    for (const a of e.aspects) {
      const woven = p.woven.aspects.includes(a.aspect);
      lines.push(`  aspect ${a.aspect} (${a.location}): ${woven ? 'WOVEN' : 'not woven'}`);
      if (!a.scope.allows) {
        lines.push(`    scope: ${a.scope.value === 'none' ? 'no aspect weaves this package (weft or tracer code)' : 'tracer-internal package: only aspects marked `tracer-internal: true` weave it'}`);
        continue;
      }
      lines.push(`    package: ${a.packageReason}`);
      if (a.packageVerdict === false) continue;
      if (a.formula !== 'true') {
        lines.push(`    pre-filter: ${a.formula === 'false' ? 'false (no file of this package can match: e.g. a receiver type declared elsewhere)' : a.formula}`);
        for (const n of a.needles) {
          lines.push(`      ${rel(n.file)}: ${n.passes ? 'passes' : 'skipped'}${n.found.length > 0 ? `; found ${n.found.map((x) => JSON.stringify(x)).join(' ')}` : ''}${n.missing.length > 0 ? `; missing ${n.missing.map((x) => JSON.stringify(x)).join(' ')}` : ''}`);
        }
      }
      for (const m of a.matches) lines.push(`    match    ${rel(m.file)}:${m.line}: ${m.what}: ${m.reason}`);
      for (const m of a.nearMisses) lines.push(`    no match ${rel(m.file)}:${m.line}: ${m.what}: ${m.reason}`);
      if (a.otherMisses > 0) lines.push(`    (${a.otherMisses} other candidate nodes matched no part of the join point)`);
      if (a.matches.length === 0 && a.nearMisses.length === 0) lines.push('    no candidate came close');
    }
  }
  input.stdout(`${lines.join('\n')}\n`);
  return 0;
}
