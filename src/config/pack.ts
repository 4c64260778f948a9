// weft's OpenTelemetry pack as configuration knows it: a module with no public path yet, which
// `weft pin` copies into a user's module. Its own file so the build path can name it without
// loading the YAML loader.

/** The pack's module path (packs/otel in weft's repository). */
export const OTEL_PACK_MODULE = 'github.com/weft-dev/weft/packs/otel';

/** The `weft pin` command that makes `pkg` (a package aspects inject) available to a module. */
export function pinCommandFor(pkg: string): string {
  return pkg === OTEL_PACK_MODULE || pkg.startsWith(`${OTEL_PACK_MODULE}/`) ? 'weft pin' : `weft pin ${pkg}`;
}
