// Builds weft's Go programs — the shim (shim/) with the user's own go, the type oracle (oracle/,
// see ensure-oracle.ts) with the compile's toolchain — the first time they are needed and keeps
// them in the weft cache directory, keyed by everything that changes the binary: the program's
// sources, the Go version and host platform, and the values baked into it (for the shim, the
// job-server command of drop-in mode). A second run finds the binary and returns without
// starting go at all (the `go env` answers are kept beside it, keyed by the go binary's path,
// size and mtime).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeftError } from '../errors.js';
import { countChild } from '../children.js';
import { frontPointerContent, frontPointerPath, writeFrontPointer } from './front-pointer.js';
import { daemonIdentity } from './version.js';
import { weftBuildStamps } from '../cache/identity.js';
import { writeAtomically } from './write-atomically.js';

export interface EnsureShimOptions {
  /** The go command: a name looked up on PATH, or a path. */
  go: string;
  /** Default: weftCacheDir(env). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

/** The package root (holds shim/, bin/weft.js), found from this file in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'shim', 'go.mod')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new WeftError('E_INTERNAL', `cannot find the weft package root (with shim/go.mod) above ${fileURLToPath(import.meta.url)}`, {
    hint: 'the weft installation is incomplete; reinstall it',
  });
}

/** WEFT_CACHE, else $XDG_CACHE_HOME/weft, else ~/.cache/weft. */
export function weftCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['WEFT_CACHE']) return resolve(env['WEFT_CACHE']);
  if (env['XDG_CACHE_HOME']) return join(resolve(env['XDG_CACHE_HOME']), 'weft');
  return join(env['HOME'] || homedir(), '.cache', 'weft');
}

/** Finds the go binary: a path as given, else the first executable match on PATH. */
export function lookPath(go: string, env: NodeJS.ProcessEnv = process.env): string {
  const notFound = (): WeftError =>
    new WeftError('E_GO_NOT_FOUND', `cannot find the go command ${JSON.stringify(go)}${go.includes('/') ? '' : ' on PATH'}`, {
      hint: 'install Go ≥ 1.23 or put it on PATH',
    });
  if (go.includes('/')) {
    const p = resolve(go);
    if (!isExecutableFile(p)) throw notFound();
    return p;
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, go);
    if (isExecutableFile(p)) return isAbsolute(p) ? p : resolve(p);
  }
  throw notFound();
}

function isExecutableFile(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

interface GoEnv {
  GOVERSION: string;
  GOHOSTOS: string;
  GOHOSTARCH: string;
}

/** Environment for every go we run here: the user's, minus what would change how the shim builds. */
function buildEnv(env: NodeJS.ProcessEnv, goEnv?: GoEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, GOWORK: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOENV: 'off' };
  delete out['GOFLAGS'];
  if (goEnv) {
    out['GOOS'] = goEnv.GOHOSTOS;
    out['GOARCH'] = goEnv.GOHOSTARCH;
  }
  return out;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    countChild(`go ${args[0] ?? ''}`);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'EACCES') {
        reject(new WeftError('E_GO_NOT_FOUND', `cannot run the go command ${cmd}: ${err.code}`, { hint: 'install Go ≥ 1.23 or put it on PATH', cause: err }));
      } else reject(err);
    });
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), out: Buffer.concat(chunks).toString('utf8') }));
  });
}

async function readGoEnv(goPath: string, env: NodeJS.ProcessEnv, programRoot: string): Promise<GoEnv> {
  const st = statSync(goPath);
  // GOROOT in the env can point the same go binary at another tree; it is part of the key.
  const key = createHash('sha256').update(`${goPath}\0${st.size}\0${st.mtimeMs}\0${env['GOROOT'] ?? ''}`).digest('hex').slice(0, 24);
  const file = join(programRoot, `goenv-${key}.json`);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as GoEnv;
    if (cached.GOVERSION && cached.GOHOSTOS && cached.GOHOSTARCH) return cached;
  } catch {
    // not cached yet (or unreadable): ask go
  }
  const r = await run(goPath, ['env', 'GOVERSION', 'GOHOSTOS', 'GOHOSTARCH'], { env: buildEnv(env) });
  const [GOVERSION, GOHOSTOS, GOHOSTARCH] = r.out.trim().split('\n').map((s) => s.trim());
  if (r.code !== 0 || !GOVERSION || !GOHOSTOS || !GOHOSTARCH) {
    throw new WeftError('E_GO_NOT_FOUND', `\`${goPath} env GOVERSION GOHOSTOS GOHOSTARCH\` failed (exit ${r.code})`, {
      details: r.out.trim().split('\n'),
      hint: 'install Go ≥ 1.23 or put a working go on PATH',
    });
  }
  const m = /^go1\.(\d+)/.exec(GOVERSION);
  if (m && Number(m[1]) < 23) {
    throw new WeftError('E_GO_NOT_FOUND', `${goPath} is ${GOVERSION}; weft needs Go 1.23 or newer`, { hint: 'install Go ≥ 1.23 or put it on PATH' });
  }
  const goEnv: GoEnv = { GOVERSION, GOHOSTOS, GOHOSTARCH };
  await writeAtomically(file, JSON.stringify(goEnv) + '\n').catch(() => undefined);
  return goEnv;
}


/** Hash of what goes into the binary: Go sources (tests excluded) and go.mod. */
async function hashSources(srcDir: string): Promise<string> {
  const names = (await readdir(srcDir)).filter((n) => n === 'go.mod' || (n.endsWith('.go') && !n.endsWith('_test.go'))).sort();
  const h = createHash('sha256');
  for (const n of names) {
    const data = await readFile(join(srcDir, n));
    h.update(`${n}\0${data.length}\0`).update(data);
  }
  return h.digest('hex');
}

// go's -ldflags is split with its own quoting rules: quote values that contain spaces.
function ldflagX(name: string, value: string): string {
  const arg = `${name}=${value}`;
  if (!/[\s'"]/.test(arg)) return `-X ${arg}`;
  if (!arg.includes("'")) return `-X '${arg}'`;
  if (!arg.includes('"')) return `-X "${arg}"`;
  throw new WeftError('E_SHIM_BUILD', `cannot bake ${JSON.stringify(value)} into the shim: it contains both kinds of quotes`, {
    hint: 'install weft and node under a path without quote characters',
  });
}

/**
 * Returns the absolute path of the shim binary for this weft and this go, building it first if
 * needed. Safe to call from several processes at once: each builds to its own temporary name and
 * renames it into place, so a reader sees no binary or a complete one.
 */
export async function ensureShim(opts: EnsureShimOptions): Promise<string> {
  const root = packageRoot();
  const serverScript = join(root, 'bin', 'weft.js');
  const serverNode = process.execPath;
  const shim = await ensureGoProgram({
    ...opts,
    program: 'shim',
    binaryName: 'weft-shim',
    // The job-server command is baked in for drop-in mode: it is part of the key.
    vars: { 'main.serverNode': serverNode, 'main.serverScript': serverScript },
  });
  // Without the pointer bin/weft only starts Node: slower, never wrong, so a write that fails
  // (a read-only cache) costs nothing more.
  const cacheDir = opts.cacheDir ?? weftCacheDir(opts.env ?? process.env);
  await writeFrontPointer(frontPointerPath(cacheDir, root), frontPointerContent(shim, daemonIdentity(), weftBuildStamps())).catch(() => false);
  return shim;
}

export interface EnsureGoProgramOptions extends EnsureShimOptions {
  /** The folder of the package root holding the program's sources (a Go main module), also its cache folder. */
  program: string;
  binaryName: string;
  /** -ldflags -X values (main.weftVersion is always set); part of the cache key. */
  vars?: Record<string, string>;
}

/**
 * Builds one of weft's standard-library-only Go programs with the given go into the weft cache,
 * keyed by its sources, the go version, the host platform and the baked-in values, and returns
 * the binary's path; a second call finds the binary without starting go.
 */
export async function ensureGoProgram(opts: EnsureGoProgramOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const goPath = lookPath(opts.go, env);
  const cacheDir = opts.cacheDir ?? weftCacheDir(env);
  const programRoot = join(cacheDir, opts.program);
  try {
    await mkdir(programRoot, { recursive: true });
  } catch (err) {
    throw new WeftError('E_CACHE', `cannot create the weft cache directory ${programRoot}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: 'set WEFT_CACHE to a writable directory',
      cause: err,
    });
  }

  const root = packageRoot();
  const srcDir = join(root, opts.program);
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version?: string };
  const vars = { 'main.weftVersion': pkg.version ?? 'dev', ...opts.vars };

  const [goEnv, srcHash] = await Promise.all([readGoEnv(goPath, env, programRoot), hashSources(srcDir)]);
  const key = createHash('sha256')
    .update([srcHash, goEnv.GOVERSION, goEnv.GOHOSTOS, goEnv.GOHOSTARCH, ...Object.entries(vars).flat()].join('\0'))
    .digest('hex')
    .slice(0, 32);
  const dir = join(programRoot, key);
  const binary = join(dir, opts.binaryName);
  const sizeFile = `${binary}.size`;
  // A binary cut short (disk full, a copy interrupted, a damaged cache) would fail every tool
  // of the build with an exec error; its size, recorded at build time, tells at no cost.
  if (await isIntact(binary, sizeFile)) return binary;

  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir, opts.binaryName);
  const tmp = join(dir, `${opts.binaryName}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const ldflags = ['-s', '-w', ...Object.entries(vars).map(([k, v]) => ldflagX(k, v))].join(' ');
  try {
    const r = await run(goPath, ['build', '-trimpath', '-ldflags', ldflags, '-o', tmp, '.'], { cwd: srcDir, env: buildEnv(env, goEnv) });
    if (r.code !== 0) {
      throw new WeftError('E_SHIM_BUILD', `building the weft ${opts.program} with ${goPath} (${goEnv.GOVERSION}) failed (exit ${r.code})`, {
        location: { file: srcDir },
        details: r.out.trim().split('\n'),
        hint: 'the output of go is shown above; check that this go can build a standard-library-only program (GOROOT, GOCACHE writable)',
      });
    }
    await writeAtomically(sizeFile, `${(await stat(tmp)).size}\n`);
    await rename(tmp, binary);
  } finally {
    await rm(tmp, { force: true });
  }
  return binary;
}

async function isIntact(binary: string, sizeFile: string): Promise<boolean> {
  try {
    const [st, recorded] = await Promise.all([stat(binary), readFile(sizeFile, 'utf8')]);
    return st.isFile() && st.size === Number(recorded.trim());
  } catch {
    return false;
  }
}

// A build killed half-way (kill -9, power loss) leaves its temporary file; an hour-old one
// cannot belong to a build still running.
async function removeStaleTemps(dir: string, binaryName: string): Promise<void> {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(`${binaryName}.tmp-`)) continue;
    const p = join(dir, name);
    const st = await stat(p).catch(() => null);
    if (st !== null && st.mtimeMs < cutoff) await rm(p, { force: true });
  }
}
