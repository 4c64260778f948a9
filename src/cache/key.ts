// The weave cache key: a SHA-256 over everything that can change what weaving one package
// produces. Keys are shared between machines through the remote store, so they are SHA-256 and
// built from a canonical text (one `name value` line per input, fixed order), never from
// anything that differs between two checkouts of the same source: file paths enter only as
// base names, since the value is stored with the paths abstracted (see value.ts).
import { createHash } from 'node:crypto';

export const WEAVE_KEY_VERSION = 1;

export interface WeaveKeyInput {
  /** weftBuildIdentity(): different weaving code or grammar weaves differently. */
  buildIdentity: string;
  /**
   * Fingerprint of only the aspects that can apply to this package (after the package-level
   * filter), in declaration order: an edit to an aspect that cannot touch the package must not
   * invalidate it, while any change to one that can, or to their order, must.
   */
  aspectsFingerprint: string;
  /** The compile's -p: join points and the package-level filter match on it. */
  importPath: string;
  /** TOOLEXEC_IMPORTPATH: `-p main` packages match on it, and test variants (`pkg [pkg.test]`) differ. */
  toolexecImportPath: string;
  /** The main module's path: package-filter `root: .` patterns are relative to it. */
  modulePath: string;
  /** Generated test mains weave differently (`test-main` join point). */
  isTestMain: boolean;
  /** Go version: the `Version` template function and version-dependent advice read it. */
  goVersion: string;
  /** GOOS/GOARCH: the file set and build constraints the woven code must satisfy depend on them. */
  goos: string;
  goarch: string;
  /** -lang: woven code may need a raise, and the raise is part of the value. */
  lang: string;
  /** Build tags: advice and constraints may be evaluated against them. */
  buildTags: string;
  /** Base names and SHA-256 of the package's files, in compile order (the first file gets package-level advice). */
  files: readonly { name: string; sha256: string }[];
  /** Imports present in the compile's importcfg: decides which added imports need archives. */
  importcfgPackages: readonly string[];
  /**
   * Identity of the packages the applicable aspects may inject (module versions or content
   * hashes of local ones), so woven code is never reused against a different runtime.
   */
  injectedIdentity: string;
  /**
   * Identities (SHA-256) of the export data a type oracle read while deciding typed matches.
   * Empty until typed matching lands; a typed match must list every export file it consulted
   * here, or a dependency's changed types would reuse a stale decision.
   */
  typeOracle: readonly string[];
}

/**
 * The digest of what a weave was made from: the package's files (names and content, in order).
 * A cache entry records it and a reader compares it with the one its key was computed from, so
 * an entry never answers for other bytes than the ones it was woven from.
 */
export function weaveInputDigest(files: WeaveKeyInput['files']): string {
  return sha256Hex(files.map((f, i) => `file ${i} ${JSON.stringify(f.name)} ${f.sha256}\n`).join(''));
}

/** The canonical text hashed into the key (exported for tests and debugging). */
export function weaveKeyText(k: WeaveKeyInput): string {
  const lines = [
    `weft-weave-key ${WEAVE_KEY_VERSION}`,
    `build ${k.buildIdentity}`,
    `aspects ${k.aspectsFingerprint}`,
    `import-path ${k.importPath}`,
    `toolexec-import-path ${k.toolexecImportPath}`,
    `module-path ${k.modulePath}`,
    `test-main ${k.isTestMain}`,
    `go ${k.goVersion}`,
    `goos ${k.goos}`,
    `goarch ${k.goarch}`,
    `lang ${k.lang}`,
    `tags ${k.buildTags}`,
    ...k.files.map((f, i) => `file ${i} ${JSON.stringify(f.name)} ${f.sha256}`),
    `importcfg ${JSON.stringify([...k.importcfgPackages].sort())}`,
    `injected ${k.injectedIdentity}`,
    `type-oracle ${JSON.stringify(k.typeOracle)}`,
  ];
  return lines.join('\n') + '\n';
}

/** The key: lowercase hex SHA-256 of weaveKeyText. */
export function weaveKey(k: WeaveKeyInput): string {
  return createHash('sha256').update(weaveKeyText(k)).digest('hex');
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
