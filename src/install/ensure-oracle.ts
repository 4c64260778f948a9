// The type oracle (oracle/) reads the export data of the compile it serves, so it must be built
// by that compile's toolchain, not by whatever go is on PATH: a go.mod `toolchain` line can make
// the build run a newer Go whose export data an older importer cannot read (orchestrion #298).
// The toolchain is found from the compile tool's own path, $GOROOT/pkg/tool/<os_arch>/compile.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WeftError } from '../errors.js';
import { ensureGoProgram } from './ensure-shim.js';
import { countChild } from '../children.js';

/** The GOROOT a compile tool belongs to, from its path `$GOROOT/pkg/tool/<os_arch>/compile`. */
export function gorootOfTool(toolPath: string): string {
  const toolDir = dirname(toolPath);
  const root = dirname(dirname(dirname(toolDir)));
  if (dirname(dirname(toolDir)) !== join(root, 'pkg') || !existsSync(join(root, 'bin', 'go'))) {
    throw new WeftError('E_GO_NOT_FOUND', `cannot find the Go toolchain of the compiler ${toolPath}: expected it under $GOROOT/pkg/tool/<os_arch>/ with $GOROOT/bin/go`, {
      hint: 'build with a standard Go installation (the type oracle is built by the toolchain that compiles)',
    });
  }
  return root;
}

export interface EnsureOracleOptions {
  /** The compile tool's absolute path, as the go command gave it to toolexec. */
  compilePath: string;
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

const building = new Map<string, Promise<string>>();

/** Returns the oracle binary for the toolchain of `compilePath`, building it once per process and cache. */
export function ensureOracle(opts: EnsureOracleOptions): Promise<string> {
  const goroot = gorootOfTool(opts.compilePath);
  const key = `${goroot}\0${opts.cacheDir ?? ''}`;
  let p = building.get(key);
  if (p === undefined) {
    // GOROOT set to the toolchain's own root: an inherited GOROOT must not point its go elsewhere.
    const env = { ...(opts.env ?? process.env), GOROOT: goroot };
    p = ensureGoProgram({ go: join(goroot, 'bin', 'go'), env, ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}), program: 'oracle', binaryName: 'weft-oracle' });
    building.set(key, p);
    p.catch(() => building.delete(key));
  }
  return p;
}

/**
 * Builds the oracle for the toolchain `go` compiles with (its GOTOOLDIR's compile), as a build
 * would on its first typed package: `weft prepare` calls this so a fresh container pays nothing.
 */
export async function ensureOracleForGo(go: string, env: NodeJS.ProcessEnv, cacheDir?: string): Promise<string> {
  return ensureOracle({ compilePath: await compileToolOf(go, env), env, ...(cacheDir !== undefined ? { cacheDir } : {}) });
}

/** The compile tool `go` builds with (`$GOTOOLDIR/compile`). */
export function compileToolOf(go: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    countChild('go env');
    execFile(go, ['env', 'GOTOOLDIR'], { env }, (err, stdout) => (err ? reject(new WeftError('E_GO_NOT_FOUND', `\`${go} env GOTOOLDIR\` failed: ${err.message}`)) : resolve(join(stdout.trim(), 'compile'))));
  });
}
