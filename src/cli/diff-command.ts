// `weft diff [packages…]`: what the current configuration weaves into the packages, as a unified
// diff against the original sources (coloured on a terminal), or `--stat` for counts. The weaving
// is src/diagnostics/woven-packages.ts (the `weft weave` path); this file only prints.
import { relative } from 'node:path';

export interface DiffCommandInput {
  patterns: string[];
  stat: boolean;
  color: boolean;
  lineDirectives: boolean;
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const PAINT = { bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', reset: '\x1b[0m' };

function paint(diff: string): string {
  return diff.split('\n').map((l) => {
    if (l.startsWith('--- ') || l.startsWith('+++ ')) return `${PAINT.bold}${l}${PAINT.reset}`;
    if (l.startsWith('@@')) return `${PAINT.cyan}${l}${PAINT.reset}`;
    if (l.startsWith('+')) return `${PAINT.green}${l}${PAINT.reset}`;
    if (l.startsWith('-')) return `${PAINT.red}${l}${PAINT.reset}`;
    return l;
  }).join('\n');
}

/** Exit 0 (also when nothing is woven: the summary on stderr says so). */
export async function runDiffCommand(input: DiffCommandInput): Promise<number> {
  const [{ weavePackages }, { formatWarning, stripLineDirectives, unifiedDiff }] = await Promise.all([import('../diagnostics/woven-packages.js'), import('../weave/index.js')]);
  const { config, packages } = await weavePackages({ patterns: input.patterns, dir: input.cwd, cwd: input.cwd, env: input.env, configFlag: input.configFlag });
  const stats: { name: string; added: number; removed: number }[] = [];
  for (const p of packages) {
    for (const w of p.result.warnings ?? []) input.stderr(`${formatWarning(w)}\n`);
    for (const f of p.files) {
      const rel = relative(input.cwd, f.path);
      const name = rel.startsWith('..') ? f.path : rel;
      const woven = input.lineDirectives ? f.woven : stripLineDirectives(f.woven);
      const d = unifiedDiff(f.original, woven, { from: `a/${name}`, to: `b/${name}` });
      stats.push({ name, added: d.added, removed: d.removed });
      if (!input.stat && d.text !== '') input.stdout(input.color ? `${paint(d.text.trimEnd())}\n` : d.text);
    }
  }
  if (input.stat) {
    const width = Math.max(0, ...stats.map((s) => s.name.length));
    for (const s of stats) {
      const bar = `${'+'.repeat(Math.min(s.added, 40))}${'-'.repeat(Math.min(s.removed, 40))}`;
      input.stdout(` ${s.name.padEnd(width)} | ${String(s.added + s.removed).padStart(4)} ${input.color ? `${PAINT.green}${'+'.repeat(Math.min(s.added, 40))}${PAINT.red}${'-'.repeat(Math.min(s.removed, 40))}${PAINT.reset}` : bar}\n`);
    }
    const added = stats.reduce((n, s) => n + s.added, 0);
    const removed = stats.reduce((n, s) => n + s.removed, 0);
    input.stdout(` ${stats.length} files changed, ${added} insertions(+), ${removed} deletions(-)\n`);
  }
  const wovenPkgs = packages.filter((p) => p.files.length > 0).length;
  const { describeConfigOrigin } = await import('../diagnostics/about.js');
  const where = describeConfigOrigin(config) ?? 'no configuration (no aspects)';
  input.stderr(`weft diff: ${wovenPkgs} of ${packages.length} packages woven by ${config.aspects.length} aspects of ${where}\n`);
  return 0;
}
