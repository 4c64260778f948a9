// Sizes as users write them for WEFT_CACHE_MAX and `weft cache trim --max-size`.
import { WeftError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** `1073741824`, `512M`, `1GiB`, `2g` → bytes (binary units). `what` names the setting in the error. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m !== null ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (m === null || unit === undefined) {
    throw new WeftError('E_USAGE', `${what} must be a size such as 500M or 1G, got ${JSON.stringify(text)}`, { hint: 'use a number of bytes with an optional K, M, G or T suffix' });
  }
  return Math.floor(Number(m[1]) * unit);
}
