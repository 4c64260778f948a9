// Shared helpers for the weaver's unit tests: aspects built directly as resolved specs, and
// temporary Go files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DEFAULT_NAMESPACE } from '../../../src/config/advice/common.js';
import { join } from 'node:path';
import type { AdviceSpec, JoinPointSpec, ResolvedAspect, ResolvedConfig, SourceLocation, TemplateSpec } from '../../../src/config/types.js';
import type { WeavePackageInput } from '../../../src/weave/api.js';

export const LOC: SourceLocation = { file: '/test/aspects.yml', line: 1, path: 'aspects[0]' };

type NoLoc<T> = T extends unknown ? Omit<T, 'location'> : never;

export function jp(spec: NoLoc<JoinPointSpec>): JoinPointSpec {
  return { ...spec, location: LOC } as JoinPointSpec;
}

export function tpl(source: string, imports: Record<string, string> = {}, lang: string | null = null): TemplateSpec {
  return { source, imports, lang, location: LOC };
}

type NoCommon<T> = T extends unknown ? Omit<T, 'location' | 'namespace' | 'order'> & { namespace?: string; order?: number } : never;

export function advice(spec: NoCommon<AdviceSpec>): AdviceSpec {
  return { namespace: DEFAULT_NAMESPACE, order: 0, ...spec, location: LOC } as AdviceSpec;
}

export function aspect(id: string, joinPoint: JoinPointSpec, ...adv: AdviceSpec[]): ResolvedAspect {
  return { id, joinPoint, advice: adv, location: LOC };
}

export function config(...aspects: ResolvedAspect[]): ResolvedConfig {
  return { files: ['/test/aspects.yml'], aspects, injectedPackages: [], fingerprint: `test-${aspects.map((a) => a.id).join('-')}` };
}

export function tempDir(prefix = 'weft-weave-'): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function input(importPath: string, files: string[], extra: Partial<WeavePackageInput> = {}): WeavePackageInput {
  return { importPath, toolexecImportPath: importPath, files, importcfgPackages: [], lang: 'go1.22', goVersion: 'go1.26.8', moduleRoot: '', isTestMain: false, ...extra };
}
