// `weft version`: weft's, node's and go's versions and the configuration's fingerprint, as a
// build in the current directory would see them; `--json` for scripts.
import { formatErrorData } from '../errors.js';
import { describeConfigOrigin, readInstallationFacts } from '../diagnostics/about.js';

export interface VersionCommandInput {
  json: boolean;
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Exit 0, or 2 when go or the configuration is unusable (the versions that could be read are still printed). */
export async function runVersionCommand(input: VersionCommandInput): Promise<number> {
  const f = await readInstallationFacts({ env: input.env, dir: input.cwd, cwd: input.cwd, configFlag: input.configFlag });
  if (input.json) {
    input.stdout(JSON.stringify({
      weft: f.weft,
      node: f.node,
      go: f.go.ok ? f.go.value.version : null,
      goPath: f.go.ok ? f.go.value.path : null,
      config: f.config.ok ? f.config.value.file : null,
      orchestrionModule: f.config.ok ? f.config.value.moduleRoot : null,
      aspects: f.config.ok ? f.config.value.aspects.length : null,
      fingerprint: f.config.ok ? f.config.value.fingerprint : null,
      errors: [...(f.go.ok ? [] : [f.go.error]), ...(f.config.ok ? [] : [f.config.error])],
    }) + '\n');
  } else {
    const lines = [`weft ${f.weft}`, `node ${f.node}`];
    lines.push(f.go.ok ? `go ${f.go.value.version} (${f.go.value.path})` : 'go unavailable (see below)');
    if (f.config.ok) {
      const c = f.config.value;
      const origin = describeConfigOrigin(c);
      lines.push(origin === null ? `config none (no weft.yml found; no aspects) fingerprint ${c.fingerprint}` : `config ${origin} (${c.aspects.length} aspects) fingerprint ${c.fingerprint}`);
    } else lines.push('config invalid (see below)');
    input.stdout(lines.join('\n') + '\n');
  }
  for (const e of [...(f.go.ok ? [] : [f.go.error]), ...(f.config.ok ? [] : [f.config.error])]) input.stderr(formatErrorData(e) + '\n');
  return f.go.ok && f.config.ok ? 0 : 2;
}
