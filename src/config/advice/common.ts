// What every advice carries besides its own fields: ordering keys (only prepend-statements may
// set them in the schema; the others get the defaults).
export const DEFAULT_NAMESPACE = '';
export const DEFAULT_ORDER = 0;
