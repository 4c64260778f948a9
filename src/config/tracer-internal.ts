// Which aspects may weave into a package, by the package's import path: the tracer and
// orchestrion must not instrument themselves (a tracer calling its own instrumented code
// recurses), so their packages receive only aspects marked `tracer-internal: true`, or none.
// The one table; first matching row wins. It runs for every compile: a few string compares.
/** `all`: every aspect; `tracer-internal`: only aspects marked so; `none`: no aspect. */
export type WeavingScope = 'all' | 'tracer-internal' | 'none';

interface ScopeRow {
  readonly path: string;
  /** Also every package below `path/`. */
  readonly below: boolean;
  readonly scope: WeavingScope;
}

const TABLE: readonly ScopeRow[] = [
  // orchestrion's runtime packages (runtime/built carries the built-in aspects' targets) are ordinary.
  { path: 'github.com/DataDog/orchestrion/runtime', below: true, scope: 'all' },
  // The rest of orchestrion is the tool itself: weaving it would instrument the instrumenter.
  { path: 'github.com/DataDog/orchestrion', below: true, scope: 'none' },
  // dd-trace-go v1.
  { path: 'gopkg.in/DataDog/dd-trace-go.v1', below: true, scope: 'tracer-internal' },
  // dd-trace-go's integration test suite is an application like any other (v1 layout, then v2).
  { path: 'github.com/DataDog/dd-trace-go/internal/orchestrion/_integration', below: true, scope: 'all' },
  { path: 'github.com/DataDog/dd-trace-go/v2/internal/orchestrion/_integration', below: true, scope: 'all' },
  // dd-trace-go v2 and its separately versioned contrib modules (github.com/DataDog/dd-trace-go/contrib/...).
  { path: 'github.com/DataDog/dd-trace-go', below: true, scope: 'tracer-internal' },
  // The tracer's remote-configuration client: instrumenting it makes the tracer trace itself in a loop.
  { path: 'github.com/DataDog/go-tuf/client', below: false, scope: 'none' },
];

/** The weaving scope of a package, by its import path (as orchestrion matches it: the path itself, or below it). */
export function weavingScopeOf(importPath: string): WeavingScope {
  for (const row of TABLE) {
    if (importPath === row.path) return row.scope;
    if (row.below && importPath.startsWith(row.path) && importPath.charCodeAt(row.path.length) === 0x2f /* / */) return row.scope;
  }
  return 'all';
}
