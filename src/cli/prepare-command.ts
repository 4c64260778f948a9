// `weft prepare [go build flags…] [packages…]`: readies a CI image or a fresh container so the
// first real build pays nothing for weft — builds the shim, and compiles the packages the
// aspects inject (and anything named) through `weft go build`, i.e. with the same flags, the
// same toolexec and the same -V=full suffix as a real build, so their results sit in GOCACHE.
//
// Which injected packages: when the module has Go sources, exactly what planning its build
// (`./...`, default mode) finds woven code injects, as the build itself will compile it; with
// only go.mod and go.sum (a container layer before the sources are copied), every package the
// configuration names that the module's build list can provide. A package outside the build list
// (a bundle names integrations for libraries the module does not use) is skipped, never fetched:
// go.mod stays as it is.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WeftError } from '../errors.js';
import { makeOwnedTempDir } from '../owned-temp.js';
import { describeConfigOrigin, readConfigFacts } from '../diagnostics/about.js';
import { findGo } from '../weaving/prepare.js';
import { ensureOracleForGo } from '../install/ensure-oracle.js';
import { ensureShim } from '../install/ensure-shim.js';
import { injectedToWarm } from '../build/index.js';
import { runGoCommand } from './go-command.js';
import { readGoCommandLine } from '../toolexec/go-command-line.js';

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
  const configured = config.injectedPackages.filter((p) => p !== 'unsafe' && p !== 'C');
  // `-tags x`: x is a flag's value, not a package (go's own reading of the arguments).
  const named = readGoCommandLine(['build', ...input.args]).packages;
  if (configured.length === 0 && named.length === 0) {
    const origin = describeConfigOrigin(config);
    input.stderr(`weft prepare: ${origin === null ? 'no configuration found' : `${origin} injects no packages`}; nothing to compile (name packages to warm them: weft prepare ./...)\n`);
    return 0;
  }
  // go's flags come before its packages.
  const flags = input.args.slice(0, input.args.length - named.length);
    const { packages, skipped, why } = configured.length === 0 ? { packages: [], skipped: [], why: '' } : await injectedToWarm({ go, cwd: input.cwd, env: input.env, configFlag: input.configFlag }, flags, configured);
  if (skipped.length > 0) input.stderr(`weft prepare: skipped ${skipped.length} of the ${configured.length} packages the configuration may inject (${why}): ${skipped.join(' ')}\n`);
  if (packages.length === 0 && named.length === 0) {
    input.stderr(`weft prepare: nothing to compile (name packages to warm them: weft prepare ./...)\n`);
    return 0;
  }
  const statsDir = makeOwnedTempDir('weft-prepare-');
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
    const what = [...packages, ...named];
    input.stderr(`weft prepare: GOCACHE warmed for ${what.join(' ')}: ${stats.compileRequests} packages compiled, ${stats.woven} woven, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    rmSync(statsDir, { recursive: true, force: true });
  }
}
