// Locates the project's aspect file: weft.yml (or weft.yaml) beside the nearest go.mod above the
// start directory. Reads the filesystem only; never runs go (GOWORK, -modfile are not considered).
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_FILE_NAMES = ['weft.yml', 'weft.yaml'] as const;

/** otelc's tool files: blank imports of instrumentation packages, whose `*.otelc.yml` rule files apply. */
export const OTELC_TOOL_FILE_NAMES = ['otel.instrumentation.go', 'otelc.tool.go'] as const;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The config file next to the nearest go.mod at or above `startDir`, or null (no go.mod, or no config beside it). */
export function findConfigFile(startDir: string): string | null {
  let dir = resolve(startDir);
  for (;;) {
    if (isFile(join(dir, 'go.mod'))) {
      for (const name of CONFIG_FILE_NAMES) {
        const candidate = join(dir, name);
        if (isFile(candidate)) return candidate;
      }
      return null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
