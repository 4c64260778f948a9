// src/config: loads orchestrion-schema aspect YAML (with `extends`), validates every field with
// file, line and YAML path, and produces the read-only ResolvedConfig with its fingerprint; also
// the Go name/type parsers the weaver shares, the weft.yml lookup, orchestrion's Go-package
// configuration (orchestrion.tool.go imports → orchestrion.yml, through a PackageLocator the caller
// provides) and the tracer-internal table of which packages receive which aspects.
// Owns: src/config/**. Must not import anything of weft but ../errors.js (no server, weave, pool),
// nor touch the filesystem beyond reading configuration files and looking for go.mod.
// rooms: errors
import type { ResolvedConfig } from './types.js';
import { loadConfigFile, type LoadOptions } from './loader.js';
import type { PackageLocator } from './types.js';
import { collectInjectedPackages, fingerprintAspects } from './fingerprint.js';

export type * from './types.js';
export type { Problem } from './problems.js';
export { templatesOf, type LoadOptions } from './loader.js';
export { CONFIG_SCHEMA_VERSION, canonicalAspectText, fingerprintAspects } from './fingerprint.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './find-config.js';
export {
  PREDECLARED_TYPES, checkImportPath, isGoIdentifier, isGoVersion, parseQualifiedName, parseTypeRef,
  tryParseQualifiedName, tryParseTypeRef,
} from './go-syntax.js';
export type { Parsed } from './go-syntax.js';
export { ADVICE_PARSERS, JOIN_POINT_PARSERS } from './registry.js';

/** The configuration of a build with no aspects (no weft.yml found): every compile is unchanged. */
export function emptyConfig(): ResolvedConfig {
  return { files: [], aspects: [], injectedPackages: collectInjectedPackages([]), fingerprint: fingerprintAspects([]) };
}

/** Loads and validates an aspect file and everything it extends. Throws WeftError E_CONFIG_READ / E_CONFIG_INVALID. */
export async function loadConfig(file: string, locate: PackageLocator | null = null, opts: LoadOptions = {}): Promise<ResolvedConfig> {
  return loadConfigFile(file, locate, opts);
}

export { OTEL_PACK_MODULE, pinCommandFor } from './pack.js';
export {
  BUILTIN_ASPECTS_FILE, ORCHESTRION_PACKAGE, PACKAGE_CONFIG_NAME, TESTED_VERSIONS, TOOL_FILE_NAME, loadConfigSet,
} from './loader.js';
export type { LoadConfigSetOptions } from './loader.js';
export { parseToolFile } from './tool-file.js';
export type { ToolFileImport, ToolFileParse } from './tool-file.js';
export { weavingScopeOf } from './tracer-internal.js';
export type { WeavingScope } from './tracer-internal.js';
