// `weft prepare [go build flags…] [packages…]`: readies a CI image or a fresh container so the
// first real build pays nothing for weft — builds the shim, and compiles the packages the
// aspects inject (and anything named) through `weft go build`, i.e. with the same flags, the
// same toolexec and the same -V=full suffix as a real build, so their results sit in GOCACHE.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeftError } from '../errors.js';
import { describeConfigOrigin, readConfigFacts } from '../diagnostics/about.js';
import { findGo } from '../weaving/prepare.js';
import { ensureOracleForGo } from '../install/ensure-oracle.js';
import { ensureShim } from '../install/ensure-shim.js';
import { runGoCommand } from './go-command.js';

export interface PrepareCommandInput {
  /** go build flags and extra packages, passed to go build as given. */
  args: string[];
  configFlag: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stderr: (s: string) => void;
}

export async function runPrepareCommand(input: PrepareCommandInput): Promise<number> {
  const started = Date.now();
  const go = findGo(input.env);
  // The type oracle is built whatever the aspects: it is cheap once cached, and an image prepared
  // for one configuration is often used with another.
  const [shim, oracle, config] = await Promise.all([
    ensureShim({ go, env: input.env }),
    ensureOracleForGo(go, input.env),
    readConfigFacts({ env: input.env, dir: input.cwd, cwd: input.cwd, configFlag: input.configFlag }),
  ]);
  input.stderr(`weft prepare: shim ${shim}\nweft prepare: type oracle ${oracle}\n`);
  const packages = config.injectedPackages.filter((p) => p !== 'unsafe' && p !== 'C');
  const named = input.args.some((a) => !a.startsWith('-'));
  if (packages.length === 0 && !named) {
    const origin = describeConfigOrigin(config);
    input.stderr(`weft prepare: ${origin === null ? 'no configuration found' : `${origin} injects no packages`}; nothing to compile (name packages to warm them: weft prepare ./...)\n`);
    return 0;
  }
  const statsDir = mkdtempSync(join(tmpdir(), 'weft-prepare-'));
  try {
    const statsFile = join(statsDir, 'stats.json');
    const args = ['build', ...input.args, ...packages];
    const code = await runGoCommand({
      args,
      globals: { config: input.configFlag },
      env: { ...input.env, WEFT_STATS_JSON: statsFile },
      cwd: input.cwd,
    });
    if (code !== 0) {
      throw new WeftError('E_RESOLVE', `\`weft go ${args.join(' ')}\` failed (exit ${code}); GOCACHE is only partly warmed`, {
        hint: 'fix what go reported above (a runtime missing from go.mod: go get it), then run weft prepare again',
      });
    }
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { compileRequests: number; woven: number };
    const what = [...packages, ...input.args.filter((a) => !a.startsWith('-'))];
    input.stderr(`weft prepare: GOCACHE warmed for ${what.join(' ')}: ${stats.compileRequests} packages compiled, ${stats.woven} woven, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    rmSync(statsDir, { recursive: true, force: true });
  }
}
