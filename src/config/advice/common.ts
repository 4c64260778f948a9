// What every advice carries besides its own fields: ordering keys (only prepend-statements may
// set them in the schema; the others get the defaults).
// orchestrion names the default namespace "default" and sorts it with the others by name, so
// advice in namespace "alpha" runs before unnamespaced advice and "zeta" after it.
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_ORDER = 0;
