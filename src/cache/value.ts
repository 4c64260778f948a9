// Cache values: everything needed to answer a compile without parsing (the weave result without
// its timing figures), made relocatable. Woven files carry `//line` directives, warnings name
// files: all with the absolute paths of the compile that wove them. Before storing, every
// occurrence of a source file's path is replaced by a placeholder for its position in the
// compile's file list; on use, the placeholders become the paths of the compile being answered,
// so a hit from another checkout directory, GOMODCACHE or a -trimpath build names its own files.
// Go source cannot contain NUL, so a NUL-delimited placeholder cannot collide with user text.

export const VALUE_VERSION = 2;

const placeholder = (i: number): string => `\u0000F${i}\u0000`;
const PLACEHOLDER_RE = /\u0000F(\d+)\u0000/g;

interface StoredValue {
  v: number;
  files: number;
  /** The digest of the bytes the result was woven from (weaveInputDigest). */
  input: string;
  result: unknown;
}

/** Serialises a weave result (minus `stats`) with the compile's file paths abstracted and the digest of the bytes it was woven from. */
export function encodeValue(result: object, files: readonly string[], input: string): Buffer {
  const { stats: _stats, ...rest } = result as Record<string, unknown>;
  // Longest first: a path that is a prefix of another must not eat part of it.
  const order = files.map((f, i) => ({ f, i })).filter((x) => x.f !== '').sort((a, b) => b.f.length - a.f.length);
  const abstract = (s: string): string => {
    for (const { f, i } of order) if (s.includes(f)) s = s.split(f).join(placeholder(i));
    return s;
  };
  const stored: StoredValue = { v: VALUE_VERSION, files: files.length, input, result: mapStrings(rest, abstract) };
  return Buffer.from(JSON.stringify(stored), 'utf8');
}

/**
 * The stored result with this compile's paths filled in; null when the bytes are not a value of
 * this version, were made for a different number of files, or were woven from other bytes than
 * `input` says the key was computed from (treated like a corrupt entry).
 */
export function decodeValue<T>(bytes: Uint8Array, files: readonly string[], input: string): T | null {
  let stored: StoredValue;
  try {
    stored = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredValue;
  } catch {
    return null;
  }
  if (stored === null || typeof stored !== 'object' || stored.v !== VALUE_VERSION || stored.files !== files.length || stored.input !== input || typeof stored.result !== 'object') return null;
  let bad = false;
  const concrete = (s: string): string =>
    s.includes('\u0000')
      ? s.replace(PLACEHOLDER_RE, (_m, n: string) => {
        const f = files[Number(n)];
        if (f === undefined) bad = true;
        return f ?? '';
      })
      : s;
  const result = mapStrings(stored.result, concrete) as T;
  return bad ? null : result;
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f);
    return out;
  }
  return v;
}
