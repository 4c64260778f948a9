// Paths under a module's root made relative to it in JSON text, so what a build keeps in the weft
// cache (a stored plan, the configuration's package listing and resolved form) is found again
// by a checkout restored at another path, as CI restores its caches. A leaf module: the plan,
// weaving and resolve rooms all keep such entries.

/** Stands for the module root in kept text: NUL-marked, which no path holds. */
export const MODULE_ROOT_MARK = '\u0000weft-module-root\u0000';

/**
 * JSON text with every path at or under `from` (a string equal to it, or holding it followed by
 * `/`) put at `to`. On the text, not the parsed value: a listing of thousands of packages holds
 * millions of strings (their Deps), and one pass over the text costs a few milliseconds.
 */
export function relocateJson(text: string, from: string, to: string): string {
  const f = JSON.stringify(from).slice(1, -1);
  const t = JSON.stringify(to).slice(1, -1);
  return text.split(`${f}/`).join(`${t}/`).split(`"${f}"`).join(`"${t}"`);
}

/** True when text already holds the mark (escaped, as JSON writes it): it cannot be kept relocatable. */
export function holdsRootMark(text: string): boolean {
  return text.includes(JSON.stringify(MODULE_ROOT_MARK).slice(1, -1));
}

/** A root paths can be made relative to ('' and / cannot). */
export function isRelocatableRoot(root: string | null | undefined): root is string {
  return root !== null && root !== undefined && root !== '' && root !== '/';
}
