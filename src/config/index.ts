// src/config: loads orchestrion-schema aspect YAML (with `extends`), validates every field with
// file, line and YAML path, and produces the read-only ResolvedConfig with its fingerprint.
// Must not touch the filesystem beyond reading configuration files; imports only errors.
// (Placeholder signatures: the loader replaces the bodies.)
import { createHash } from 'node:crypto';
import type { ResolvedConfig } from './types.js';
import { WeftError } from '../errors.js';

export type * from './types.js';

/** The configuration of a build with no aspects (no weft.yml found): every compile is unchanged. */
export function emptyConfig(): ResolvedConfig {
  return { files: [], aspects: [], injectedPackages: [], fingerprint: createHash('sha256').update('weft-empty-config').digest('hex') };
}

/** Loads and validates an aspect file and everything it extends. Throws WeftError E_CONFIG_READ / E_CONFIG_INVALID. */
export async function loadConfig(file: string): Promise<ResolvedConfig> {
  throw new WeftError('E_UNSUPPORTED', `loading ${file}: the config loader is not written yet`);
}
