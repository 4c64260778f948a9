// weft's own version, read once from package.json (so a release bump needs no code change), and
// the -V=full suffix built from it. The suffix is what keeps instrumented and plain results apart
// in GOCACHE, so every part of the build that changes the output must be in the fingerprint.
// Also the identity a front end and a daemon compare (daemonIdentity), which the front pointer
// written with the shim carries.
import { readFileSync } from 'node:fs';
import { weftBuildIdentity } from '../cache/identity.js';

let cached: string | null = null;

export function weftVersion(): string {
  if (cached !== null) return cached;
  // dist/src/install/version.js and src/install/version.ts both sit three levels under the root.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'weft' && typeof pkg.version === 'string') {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // try the next candidate
    }
  }
  cached = '0.0.0-unknown';
  return cached;
}

/**
 * `weft@<version>+<build identity>;<fingerprint>[;strict]`: appended by the shim to every tool's
 * `-V=full` line. The build identity (the weave cache keys use the same one) makes a rebuilt or
 * patched weft with an unchanged version string recompile instead of reusing GOCACHE entries it
 * did not make.
 */
export function versionSuffix(fingerprint: string, version: string = weftVersion(), strict = false, identity: string = weftBuildIdentity()): string {
  // Strict builds get their own cache entries: an archive compiled with warnings (unwoven at
  // those places) must not satisfy a strict build from GOCACHE.
  return `weft@${version}+${identity.slice(0, 16)};${fingerprint}${strict ? ';strict' : ''}`;
}

/** What a front end and a daemon compare: a daemon of another weft build must not serve. */
export function daemonIdentity(): string {
  return `${weftVersion()}+${weftBuildIdentity()}`;
}
