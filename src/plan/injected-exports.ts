// The archives a planned build's injected packages were compiled to, kept beside the stored plan.
// A planned build compiles what woven code injects in one nested `go list -export` before go
// starts; with everything in GOCACHE that run still loads the whole closure once more (a second
// go process, a few hundred milliseconds on the dd-trace-go fixture) only to print where the
// archives are. The archives are GOCACHE outputs, named by their content, of compiles whose
// inputs the entry's key pins: the stored plan's key (the go command and its flags, the
// environment, the toolchain, the module cache, the -V=full suffix with the configuration and the
// injected packages' identity), and the plan's marks, mark files and routes. So while every file
// the entry names is still in GOCACHE, it is what the run would print: the next build of the key
// takes it and runs nothing. A file missing (a trimmed or lost GOCACHE) means the run, and a new
// entry.
//
// Paths are kept relative to GOCACHE (a CI job restores it wherever its runner puts it). Files
// used are touched the way go touches what it uses (mtime, at most once an hour), so go's trim of
// entries unused for days does not take them while builds keep using them. A GOCACHEPROG keeps
// its files where it likes: nothing is kept then.
import { createHash } from 'node:crypto';
import { statSync, utimesSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { LocalStore } from '../cache/store.js';
import type { BuildPlan } from './plan.js';
import { isRelocatableRoot, MODULE_ROOT_MARK, relocateJson } from '../relocate.js';

const FORMAT = 'weft-injected-exports/1';
/** go's cache refreshes a used file's mtime when it is older than this (cmd/go/internal/cache mtimeInterval). */
const TOUCH_AFTER_MS = 60 * 60 * 1000;

interface Entry {
  format: string;
  /** Import path → archive path relative to GOCACHE. */
  exports: [string, string][];
}

export interface InjectedExportsOptions {
  /** The weave cache directory (<weft cache dir>/weave). */
  dir: string;
  /** The stored plan's key (storedPlanKey), and the module root it made relative. */
  planKey: string;
  root: string;
  plan: BuildPlan;
  /** GOCACHE as `go env` said, and GOCACHEPROG. */
  gocache: string;
  gocacheprog: string;
}

export interface InjectedExports {
  /** The recorded archives (absolute paths), when every one is still in GOCACHE; else why not. */
  known(): { exports: Map<string, string> } | { why: string };
  /** Keeps `exports` (a run's archives of the closure) for the next build of the key; false when they cannot be kept. */
  record(exports: ReadonlyMap<string, string>): boolean;
}

/** null: nothing can be kept for this build (no GOCACHE directory of go's own). */
export function injectedExports(o: InjectedExportsOptions): InjectedExports | null {
  if (!isRelocatableRoot(o.root) || o.gocache === '' || o.gocache === 'off' || !isAbsolute(o.gocache) || o.gocacheprog !== '') return null;
  const p = o.plan;
  const key = `inject-${createHash('sha256').update(relocateJson(JSON.stringify([
    FORMAT,
    o.planKey,
    p.flags.filter((f) => !f.startsWith('-overlay=')),
    Object.entries(p.markFiles).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    [...p.routed].sort(),
    p.injected,
  ]), o.root, MODULE_ROOT_MARK)).digest('hex')}`;
  const store = new LocalStore(o.dir);
  return {
    known() {
      const read = store.read(key);
      if (read.kind !== 'hit') return { why: read.kind === 'miss' ? 'none kept' : `the kept entry is unreadable (${read.reason})` };
      let entry: Entry;
      try {
        entry = JSON.parse(read.body.toString('utf8')) as Entry;
      } catch (e) {
        return { why: `the kept entry is not JSON (${(e as Error).message})` };
      }
      if (entry.format !== FORMAT || !Array.isArray(entry.exports)) return { why: 'the kept entry has another format' };
      const now = Date.now();
      const exports = new Map<string, string>();
      for (const [pkg, rel] of entry.exports) {
        if (typeof pkg !== 'string' || typeof rel !== 'string' || rel === '' || isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return { why: 'the kept entry names a path outside GOCACHE' };
        const file = join(o.gocache, rel);
        try {
          const st = statSync(file);
          if (!st.isFile()) return { why: `${file} is not a file` };
          if (now - st.mtimeMs > TOUCH_AFTER_MS) utimesSync(file, st.atime, new Date(now));
        } catch {
          return { why: `the archive of ${pkg} is no longer in GOCACHE` };
        }
        exports.set(pkg, file);
      }
      return { exports };
    },
    record(exports) {
      const entry: Entry = { format: FORMAT, exports: [] };
      for (const [pkg, file] of exports) {
        const rel = relative(o.gocache, file);
        if (rel === '' || isAbsolute(rel) || rel.startsWith(`..${sep}`) || rel === '..') return false;
        entry.exports.push([pkg, rel]);
      }
      entry.exports.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      try {
        store.write(key, Buffer.from(JSON.stringify(entry), 'utf8'));
        return true;
      } catch {
        return false;
      }
    },
  };
}
