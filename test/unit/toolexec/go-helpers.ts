// Helpers for toolexec tests that need real archives: compile tiny packages with the real
// `go tool compile`, link them with `go tool link`, list them with `go tool pack t`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `weft-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function goTool(cwd: string, ...args: string[]): string {
  return execFileSync('go', ['tool', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `packagefile` lines for the standard-library closure of `pkgs` (from the warm GOCACHE). */
export function stdPackageFiles(...pkgs: string[]): string {
  return execFileSync('go', ['list', '-export', '-deps', '-f', '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}', ...pkgs], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Compiles one package from source text into `<dir>/<name>.a` and returns its path. */
export function compilePackage(dir: string, importPath: string, name: string, source: string, importcfg?: string): string {
  const src = join(dir, `${name}.go`);
  writeFileSync(src, source);
  const out = join(dir, `${name}.a`);
  const args = ['compile', '-p', importPath, '-o', out, '-pack'];
  if (importcfg !== undefined) args.push('-importcfg', importcfg);
  goTool(dir, ...args, src);
  return out;
}
