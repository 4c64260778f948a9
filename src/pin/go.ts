// The go commands pin and unpin run, always on the one module being edited: GOWORK=off (a
// workspace's other modules are not edited, and go.work.sum stays as it is), GOTOOLCHAIN=local
// (pin never switches the user's Go under them), no GOFLAGS (a -mod=vendor or -modfile there
// would redirect the edit).
import { spawn } from 'node:child_process';
import { countChild } from '../children.js';
import { WeftError } from '../errors.js';

export interface GoRunner {
  readonly go: string;
  /** The module root: go commands run there. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface GoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runGo(r: GoRunner, args: readonly string[]): Promise<GoResult> {
  const env: NodeJS.ProcessEnv = { ...r.env, GOWORK: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };
  countChild(`go ${args.slice(0, 2).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(r.go, args, { cwd: r.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', (e) => reject(new WeftError('E_GO_NOT_FOUND', `cannot run ${r.go}: ${e.message}`, { cause: e })));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs go and throws E_PIN with go's own message when it fails. */
export async function mustRunGo(r: GoRunner, args: readonly string[], what: string, hint = 'fix what go reports (a module it cannot download, a version that does not exist), then run the command again; nothing was changed'): Promise<GoResult> {
  const res = await runGo(r, args);
  if (res.code !== 0) {
    throw new WeftError('E_PIN', `${what}: \`go ${args.join(' ')}\` failed in ${r.dir}`, {
      details: (res.stderr.trim() || res.stdout.trim()).split('\n').slice(0, 20),
      hint,
    });
  }
  return res;
}

export interface ModRequire {
  readonly Path: string;
  readonly Version: string;
  readonly Indirect?: boolean;
}

/** What `go mod edit -json` reports of a go.mod. */
export interface ModFile {
  readonly Go?: string;
  readonly Toolchain?: string;
  readonly Require?: readonly ModRequire[] | null;
  readonly Tool?: readonly { readonly Path: string }[] | null;
  readonly Replace?: readonly { readonly Old: { readonly Path: string }; readonly New: { readonly Path: string; readonly Version?: string } }[] | null;
}

export async function readModFile(r: GoRunner, file: string): Promise<ModFile> {
  const res = await mustRunGo(r, ['mod', 'edit', '-json', file], `cannot read ${file}`);
  return JSON.parse(res.stdout) as ModFile;
}

/** Compares dotted Go versions (`1.22`, `1.24.0`, `1.26rc1` counts as 1.26). */
export function goVersionAtLeast(version: string, min: string): boolean {
  const parts = (v: string): number[] => v.replace(/^go/, '').split(/[^0-9]+/).filter((x) => x !== '').map(Number);
  const a = parts(version);
  const b = parts(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
