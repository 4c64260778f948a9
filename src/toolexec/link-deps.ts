// Link-time dependencies recorded inside the compiled archive itself, as an extra `ar` member,
// so they travel through GOCACHE with the archive: a later build that gets the package from the
// cache never asks weft about it, yet its link must still include what the woven code needs.
//
// Member `weft.linkdeps`, text:
//   #weft.linkdeps@v1
//   import\t<path>      a package the woven code imports (the linker loads it by import; the
//                       link importcfg must provide its archive)
//   linkname\t<path>    a package reached only through //go:linkname (nobody imports it: the
//                       main package gets a blank import so it is linked and initialised)
// Lines are sorted and unique, and hold the transitive closure over the package's own
// dependencies, so the main package and the link see everything by reading their direct inputs.
// The shim merges members itself for a package routed only to carry them (shim/linkdeps.go);
// test/fixtures/linkdeps/merge.json keeps the two encodings equal.
import { WeftError } from '../errors.js';
import { readArchiveMember } from './archive.js';

export const LINK_DEPS_MEMBER = 'weft.linkdeps';
export const LINK_DEPS_HEADER = '#weft.linkdeps@v1';

export interface LinkDeps {
  /** Packages imported by woven code. */
  imports: string[];
  /** Packages needed only at link time (go:linkname targets). */
  linknames: string[];
}

export function emptyLinkDeps(): LinkDeps {
  return { imports: [], linknames: [] };
}

export function isEmptyLinkDeps(d: LinkDeps): boolean {
  return d.imports.length === 0 && d.linknames.length === 0;
}

function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/** Unions any number of link-deps sets; a package both imported and linknamed counts as imported. */
export function mergeLinkDeps(...sets: LinkDeps[]): LinkDeps {
  const imports = sortedUnique(sets.flatMap((s) => s.imports));
  const has = new Set(imports);
  return { imports, linknames: sortedUnique(sets.flatMap((s) => s.linknames)).filter((p) => !has.has(p)) };
}

/** Every package in the set, sorted. */
export function allLinkDeps(d: LinkDeps): string[] {
  return sortedUnique([...d.imports, ...d.linknames]);
}

export function encodeLinkDeps(d: LinkDeps): Uint8Array {
  const m = mergeLinkDeps(d);
  const lines = [LINK_DEPS_HEADER, ...m.imports.map((p) => `import\t${p}`), ...m.linknames.map((p) => `linkname\t${p}`)];
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

export function decodeLinkDeps(data: Uint8Array, source: string): LinkDeps {
  const text = Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines[0] !== LINK_DEPS_HEADER) {
    throw new WeftError('E_TOOLEXEC', `${source}: ${LINK_DEPS_MEMBER} member has header ${JSON.stringify(lines[0] ?? '')}, expected ${LINK_DEPS_HEADER}`, {
      hint: 'the archive was written by a different weft version; run `go clean -cache` and build again',
    });
  }
  const imports: string[] = [];
  const linknames: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [kind, path, ...rest] = lines[i]!.split('\t');
    if (path === undefined || path === '' || rest.length > 0 || (kind !== 'import' && kind !== 'linkname')) {
      throw new WeftError('E_TOOLEXEC', `${source}: malformed ${LINK_DEPS_MEMBER} line ${i + 1}: ${JSON.stringify(lines[i])}`, {
        hint: 'run `go clean -cache` and build again',
      });
    }
    (kind === 'import' ? imports : linknames).push(path);
  }
  return mergeLinkDeps({ imports, linknames });
}

/** The link deps recorded in an archive; empty when it has none (plain or unwoven packages). */
export function readLinkDeps(archive: string): LinkDeps {
  const data = readArchiveMember(archive, LINK_DEPS_MEMBER);
  return data === null ? emptyLinkDeps() : decodeLinkDeps(data, archive);
}

/**
 * Reads link deps of many archives for one build, remembering each by path: a build reads the
 * same dependency archives for every package that imports them, and an archive is complete
 * (compiled, and its member appended) before any compile or link that lists it starts.
 */
export class LinkDepsReader {
  private readonly memo = new Map<string, LinkDeps>();
  reads = 0;

  read(archive: string): LinkDeps {
    let deps = this.memo.get(archive);
    if (deps === undefined) {
      this.reads++;
      deps = readLinkDeps(archive);
      this.memo.set(archive, deps);
    }
    return deps;
  }

  /** The union over several archives (the transitive closure, since each holds its own closure). */
  collect(archives: Iterable<string>): LinkDeps {
    const sets: LinkDeps[] = [];
    for (const a of archives) {
      const d = this.read(a);
      if (!isEmptyLinkDeps(d)) sets.push(d);
    }
    return sets.length === 0 ? emptyLinkDeps() : mergeLinkDeps(...sets);
  }
}
