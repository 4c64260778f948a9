// `weft explain --config`: which configuration files a build in this directory loads, from
// where, in what order, and how many aspects each gives; the same discovery as `weft go`
// (weft.yml, then the main module's orchestrion.tool.go packages; --config / WEFT_CONFIG alone),
// then every integration with on or off and why (weft.yml's `integrations` switches).
import type { ConfigSource, ResolvedConfig, ResolvedIntegration } from '../config/index.js';
import { readGoCommand } from '../toolexec/go-command-line.js';
import { discoverConfiguration, findGo, goFactsOf, loadBuildConfig } from '../weaving/prepare.js';
import { extractBuildFlags } from '../toolexec/build-flags.js';

export interface ExplainConfigInput {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The global --config, if given. */
  configFlag?: string | undefined;
  /** go build flags that decide where pinned packages come from (`-tags=…`, `-mod=…`). */
  goFlags?: readonly string[];
  stdout: (s: string) => void;
}

export async function runExplainConfig(input: ExplainConfigInput): Promise<number> {
  const discovery = discoverConfiguration({ explicit: input.configFlag, env: input.env, startDir: input.cwd, cwd: input.cwd });
  const go = findGo(input.env);
  // GOFLAGS as a build here would read them (`go env -w` included).
  const { goflags } = await goFactsOf({ go, dir: input.cwd, env: input.env });
  const buildFlags = extractBuildFlags(readGoCommand(['build', ...(input.goFlags ?? [])], goflags), input.env, input.cwd).flags;
  const { config, goListRuns } = await loadBuildConfig({ discovery, go, dir: input.cwd, env: input.env, buildFlags });
  input.stdout(formatConfigExplanation(config, { discovery: discovery.file !== null ? `${discovery.fileVia}: ${discovery.file}` : null, moduleRoot: discovery.moduleRoot, goListRuns }));
  return 0;
}

/** The report, one line per file in load order, indented by how deep it was reached. */
export function formatConfigExplanation(config: ResolvedConfig, facts: { discovery: string | null; moduleRoot: string | null; goListRuns: number }): string {
  const sources: readonly ConfigSource[] = config.sources ?? config.files.map((file) => ({ file, kind: 'yaml' as const, via: '', importPath: null, depth: 0, aspects: 0 }));
  const lines: string[] = [];
  if (sources.length === 0) {
    lines.push('no configuration: no --config, WEFT_CONFIG, weft.yml, orchestrion.tool.go or orchestrion.yml here; every compile is left unchanged');
    return `${lines.join('\n')}\n`;
  }
  const n = config.aspects.length;
  const switchedOff = (config.integrations ?? []).reduce((k, i) => k + (i.on ? (i.aspectsOff ?? []).length : i.aspects.length), 0);
  const count = switchedOff === 0 ? 'in all' : `on, ${switchedOff} switched off`;
  lines.push(`${sources.length} ${sources.length === 1 ? 'file' : 'files'} loaded, ${n} ${n === 1 ? 'aspect' : 'aspects'} ${count} (fingerprint ${config.fingerprint.slice(0, 16)})`);
  if (facts.discovery !== null) lines.push(`user configuration: ${facts.discovery}`);
  if (facts.moduleRoot !== null) lines.push(`orchestrion configuration of the main module: ${facts.moduleRoot} (${facts.goListRuns === 0 ? 'packages found in the cache' : `${facts.goListRuns} go list ${facts.goListRuns === 1 ? 'run' : 'runs'}`})`);
  const width = String(sources.length).length;
  sources.forEach((s, i) => {
    const count = s.kind === 'tool-file' ? 'imports' : `${s.aspects} ${s.aspects === 1 ? 'aspect' : 'aspects'}`;
    const what = s.kind === 'built-in' ? `${s.file} (weft's copy of orchestrion's built-in aspects)` : s.file;
    lines.push(`${String(i + 1).padStart(width)}. ${'  '.repeat(s.depth)}${what}: ${count}${s.via !== '' ? ` — ${s.via}` : ''}`);
  });
  lines.push(...formatIntegrations(config.integrations ?? []));
  return `${lines.join('\n')}\n`;
}

/** One line per integration (on/off and why), and one per aspect switched off inside an integration left on. */
export function formatIntegrations(integrations: readonly ResolvedIntegration[]): string[] {
  if (integrations.length === 0) return [];
  const off = integrations.filter((i) => !i.on).length;
  const lines = [`integrations: ${integrations.length}, ${off} off`];
  for (const i of integrations) {
    const n = i.aspects.length;
    lines.push(`  ${i.on ? 'on ' : 'off'} ${i.name} (${n} ${n === 1 ? 'aspect' : 'aspects'}): ${i.reason}`);
    for (const a of i.aspectsOff ?? []) lines.push(`        aspect ${a.id} off: ${a.reason}`);
  }
  return lines;
}
