// `weft doctor`: checks what a build needs, each finding with what to do about it. Checks are a
// list so later parts (caches, the type oracle, pinned configurations) add theirs in one place.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatErrorData } from '../errors.js';
import { pinCommandFor } from '../config/pack.js';
import { runGoList } from '../resolve/index.js';
import { readGoCommand } from '../toolexec/go-command-line.js';
import { describeConfigOrigin, readInstallationFacts, type InstallationFacts } from './about.js';
import { ensureShim, weftCacheDir } from '../install/ensure-shim.js';
import { defaultSocketParent } from '../jobserver/listen.js';

export interface Finding {
  /** `ok`, `note` (worth knowing, not a problem) or `problem` (doctor exits 1). */
  status: 'ok' | 'note' | 'problem';
  subject: string;
  message: string;
  /** What to do; required for problems. */
  fix?: string;
  /** Extra lines (the config's problems, one each). */
  details?: string[];
}

export interface DoctorContext {
  env: NodeJS.ProcessEnv;
  dir: string;
  facts: InstallationFacts;
  /** `go env` values (empty when go is unusable). */
  goEnv: Record<string, string>;
}

export type DoctorCheck = (ctx: DoctorContext) => Promise<Finding[]>;

const MIN_GO_MINOR = 23;

function goEnvValues(go: string, dir: string, env: NodeJS.ProcessEnv, names: readonly string[]): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    execFile(go, ['env', '-json', ...names], { cwd: dir, env, encoding: 'utf8' }, (err, stdout) => {
      if (err !== null) return resolve({});
      try {
        resolve(JSON.parse(stdout) as Record<string, string>);
      } catch {
        resolve({});
      }
    });
  });
}

function writableDir(path: string): string | null {
  // The nearest existing ancestor decides whether the directory can be created.
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    if (!statSync(p).isDirectory()) return `${p} is not a directory`;
    accessSync(p, constants.W_OK | constants.X_OK);
    return null;
  } catch (e) {
    return `${p} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

const checkGo: DoctorCheck = async ({ facts, goEnv }) => {
  if (!facts.go.ok) return [{ status: 'problem', subject: 'go', message: facts.go.error.message, fix: facts.go.error.hint ?? 'install Go ≥ 1.23 and put it on PATH' }];
  const { version, path } = facts.go.value;
  const minor = /^go1\.(\d+)/.exec(version);
  const toolchain = goEnv['GOTOOLCHAIN'] ?? '';
  const out: Finding[] = [];
  if (minor !== null && Number(minor[1]) < MIN_GO_MINOR) {
    out.push({ status: 'problem', subject: 'go', message: `${version} at ${path} is older than go1.${MIN_GO_MINOR}`, fix: `install Go ≥ 1.${MIN_GO_MINOR}, or let go.mod select one (a \`toolchain\` line with GOTOOLCHAIN=auto)` });
  } else {
    out.push({ status: 'ok', subject: 'go', message: `${version} at ${path}${toolchain !== '' ? ` (GOTOOLCHAIN=${toolchain})` : ''}` });
  }
  // A go.mod `toolchain` line can switch the go command to another release: weft builds its shim
  // and runs its go list with whatever this directory selects, which is what a build uses too.
  const local = goEnv['GOROOT'] !== undefined && !goEnv['GOROOT'].includes('/golang.org/toolchain@');
  if (!local) out.push({ status: 'note', subject: 'go', message: `GOTOOLCHAIN selects a downloaded toolchain here (GOROOT ${goEnv['GOROOT']}); weft uses the same one` });
  return out;
};

const checkShim: DoctorCheck = async ({ env, facts }) => {
  if (!facts.go.ok) return [];
  try {
    const shim = await ensureShim({ go: facts.go.value.path, env });
    return [{ status: 'ok', subject: 'shim', message: shim }];
  } catch (e) {
    const d = e as { message: string; hint?: string; details?: string[] };
    return [{ status: 'problem', subject: 'shim', message: `cannot build the shim: ${d.message}`, fix: d.hint ?? 'check that go can build a standard-library program here', ...(d.details ? { details: d.details } : {}) }];
  }
};

const checkDirs: DoctorCheck = async ({ env, goEnv }) => {
  const dirs: [string, string, string][] = [
    ['weft cache', weftCacheDir(env), 'set WEFT_CACHE to a writable directory'],
    ['socket directory', defaultSocketParent(), 'point XDG_RUNTIME_DIR (or TMPDIR) at a writable directory'],
  ];
  if (goEnv['GOCACHE'] !== undefined && goEnv['GOCACHE'] !== '' && goEnv['GOCACHE'] !== 'off') dirs.push(['GOCACHE', goEnv['GOCACHE'], 'set GOCACHE to a writable directory']);
  return dirs.map(([subject, path, fix]): Finding => {
    const bad = writableDir(path);
    return bad === null ? { status: 'ok', subject, message: path } : { status: 'problem', subject, message: bad, fix };
  });
};

const checkConfig: DoctorCheck = async ({ facts }) => {
  if (!facts.config.ok) {
    const e = facts.config.error;
    return [{ status: 'problem', subject: 'config', message: formatErrorData({ ...e, details: [], hint: undefined } as typeof e).replace(/^weft: /, ''), fix: e.hint ?? 'fix the configuration', ...(e.details ? { details: e.details } : {}) }];
  }
  const c = facts.config.value;
  const origin = describeConfigOrigin(c);
  if (origin === null) {
    return [{ status: 'note', subject: 'config', message: 'no weft.yml next to go.mod, no orchestrion.tool.go, no --config, no WEFT_CONFIG: builds weave nothing' }];
  }
  const extended = c.files.length - 1;
  return [{
    status: 'ok',
    subject: 'config',
    message: `${origin}${extended > 0 ? ` (+${extended} more files; weft explain --config lists them)` : ''}: ${c.aspects.length} aspects`,
    details: [`aspects: ${c.aspects.join(', ') || '(none)'}`, ...(c.injectedPackages.length > 0 ? [`may inject: ${c.injectedPackages.join(', ')}`] : [])],
  }];
};

/** Every package advice may inject must be resolvable from the main module (required in go.mod, or std). */
const checkRuntimes: DoctorCheck = async ({ env, dir, facts }) => {
  if (!facts.go.ok || !facts.config.ok || facts.config.value.injectedPackages.length === 0) return [];
  const listed = await runGoList(facts.config.value.injectedPackages, { go: facts.go.value.path, dir, env, flags: [], export: false }).catch(() => null);
  if (listed === null) return [{ status: 'problem', subject: 'runtime', message: 'cannot run go list for the injected packages', fix: 'run `go list` here and fix what it reports' }];
  const out: Finding[] = [];
  for (const p of listed.packages.filter((x) => x.DepOnly !== true)) {
    if (p.Error !== undefined) {
      out.push({ status: 'problem', subject: 'runtime', message: `${p.ImportPath}, injected by the aspects, is not available to this module: ${p.Error.Err.split('\n')[0]}`, fix: `${pinCommandFor(p.ImportPath)} (it requires the module and keeps it with orchestrion.tool.go)` });
    } else {
      const m = p.Module;
      out.push({ status: 'ok', subject: 'runtime', message: `${p.ImportPath}${p.Standard === true ? ' (std)' : m !== undefined ? ` (${m.Path}${m.Version !== undefined ? `@${m.Version}` : ''}${m.Replace !== undefined ? ` => ${m.Replace.Path}${m.Replace.Version !== undefined ? `@${m.Replace.Version}` : ''}` : ''})` : ''}` });
    }
  }
  return out;
};

const checkGoflags: DoctorCheck = async ({ env, goEnv }) => {
  // go env's value includes `go env -w GOFLAGS=…`, which the environment alone does not show.
  const goflags = goEnv['GOFLAGS'] ?? env['GOFLAGS'] ?? '';
  const toolexec = readGoCommand([], goflags).toolexec;
  if (toolexec === null) return [{ status: 'ok', subject: 'GOFLAGS', message: goflags === '' ? '(empty)' : `${goflags} (no -toolexec)` }];
  const value = toolexec.value;
  if (/weft-shim|weft(\.js)? toolexec/.test(value)) {
    return [{ status: 'note', subject: 'GOFLAGS', message: `-toolexec=${value}: drop-in mode, plain \`go build\` is instrumented`, fix: 'use plain go here; `weft go` refuses a -toolexec in GOFLAGS' }];
  }
  return [{ status: 'problem', subject: 'GOFLAGS', message: `-toolexec=${value} is set: weft cannot chain another toolexec`, fix: 'remove -toolexec from GOFLAGS (go env -u GOFLAGS, or unset it) before building with weft' }];
};

/** The checks in the order they are printed. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [checkGo, checkShim, checkDirs, checkConfig, checkRuntimes, checkGoflags];

export async function runDoctor(opts: { env: NodeJS.ProcessEnv; dir: string; configFlag?: string | undefined; cwd?: string }): Promise<Finding[]> {
  const facts = await readInstallationFacts(opts);
  const goEnv = facts.go.ok ? await goEnvValues(facts.go.value.path, opts.dir, opts.env, ['GOTOOLCHAIN', 'GOROOT', 'GOCACHE', 'GOFLAGS']) : {};
  const ctx: DoctorContext = { env: opts.env, dir: opts.dir, facts, goEnv };
  const findings: Finding[] = [];
  for (const check of DOCTOR_CHECKS) findings.push(...(await check(ctx)));
  return findings;
}
