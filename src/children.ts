// Child processes weft starts, counted by kind. The count is a cost that does not depend on the
// machine's speed, so tests can hold it fixed (`--weft-stats=json`: `processes`) where timings
// would only be noise. Every spawn site in src counts itself here.
const counts: Record<string, number> = {};

/** Records one started child process of `kind` (`go list`, `go env`, `type oracle`, …). */
export function countChild(kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/** Children started by this process so far, by kind. */
export function childCounts(): Record<string, number> {
  return { ...counts };
}
