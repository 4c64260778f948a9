// The boundary check over src/: which room imports which, read from the TypeScript sources with
// the compiler's own parser (static `import … from`, `export … from`, dynamic `import()`).
//
// A room is a folder directly under src/, or a top-level file there (src/errors.ts,
// src/children.ts: leaf modules). A folder's index.ts declares the rooms it may import on one
// line of its header comment, `// rooms: config protocol errors` (`// rooms: none` for none); a
// top-level file may carry the same line, and without it imports no room. Type-only imports
// (`import type`, `export type`, imports whose every name is `type`, `import('x').T` in a type)
// are erased at run time: they count as dependencies for the declarations, but their circles are
// reported in their own categories.
//
// Run `node dist/test/unit/architecture/boundaries.js` for the whole report (rooms, line counts,
// declared and used imports, problems).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type ImportKind = 'value' | 'type';

export interface ImportEdge {
  from: string; // repo-relative path, forward slashes
  to: string;
  kind: ImportKind;
  dynamic: boolean;
}

export interface Room {
  name: string;
  /** Repo-relative files of the room. */
  files: string[];
  lines: number;
  /** The rooms named on the `// rooms:` line; null when the line is missing. */
  declared: string[] | null;
  /** Where the declaration is expected (the folder's index.ts, or the top-level file itself). */
  declarationFile: string;
}

export type ProblemCategory =
  | 'missing declaration'
  | 'unknown room'
  | 'undeclared import'
  | 'undeclared type-only import'
  | 'room circle'
  | 'room circle (type-only)'
  | 'file circle'
  | 'file circle (type-only)'
  | 'unresolved import';

export interface Problem {
  category: ProblemCategory;
  message: string;
}

export interface BoundaryReport {
  rooms: Room[];
  edges: ImportEdge[];
  problems: Problem[];
}

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ROOMS_LINE = /^\/\/\s*rooms:(.*)$/m;

function listTs(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listTs(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
}

const posix = (p: string): string => p.split(sep).join('/');

/** The room a repo-relative src/ path belongs to. */
export function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts.length < 2) throw new Error(`not under src/: ${file}`);
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}

/** Parses the `// rooms:` line of a header; null when there is none. */
export function parseRoomsLine(text: string): string[] | null {
  const m = ROOMS_LINE.exec(text);
  if (m === null) return null;
  const names = m[1]!.trim().split(/[\s,]+/).filter((s) => s !== '');
  return names.length === 1 && names[0] === 'none' ? [] : names;
}

interface RawImport {
  specifier: string;
  kind: ImportKind;
  dynamic: boolean;
}

/** Every module specifier a source file names, with whether the import survives compilation. */
export function importsOf(fileName: string, text: string): RawImport[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: RawImport[] = [];
  const literal = (e: ts.Expression | undefined): string | null => (e !== undefined && ts.isStringLiteralLike(e) ? e.text : null);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      const clause = node.importClause;
      let typeOnly = clause?.isTypeOnly ?? false;
      if (clause !== undefined && !typeOnly && clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)) {
        const els = clause.namedBindings.elements;
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
      }
      if (spec !== null) out.push({ specifier: spec, kind: typeOnly ? 'type' : 'value', dynamic: false });
    } else if (ts.isExportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      let typeOnly = node.isTypeOnly;
      if (!typeOnly && node.exportClause !== undefined && ts.isNamedExports(node.exportClause)) {
        const els = node.exportClause.elements;
        typeOnly = els.length > 0 && els.every((e) => e.isTypeOnly);
      }
      if (spec !== null) out.push({ specifier: spec, kind: typeOnly ? 'type' : 'value', dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = literal(node.moduleReference.expression);
      if (spec !== null) out.push({ specifier: spec, kind: node.isTypeOnly ? 'type' : 'value', dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = literal(node.arguments[0]);
      if (spec !== null) out.push({ specifier: spec, kind: 'value', dynamic: true });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) out.push({ specifier: arg.literal.text, kind: 'type', dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Reads src/ under `root` and checks every rule; `problems` is empty when the layout holds. */
export function checkBoundaries(root: string = REPO_ROOT): BoundaryReport {
  const srcDir = join(root, 'src');
  const abs: string[] = [];
  listTs(srcDir, abs);
  const files = abs.map((p) => posix(relative(root, p)));
  const known = new Set(files);
  const texts = new Map(files.map((f, i) => [f, readFileSync(abs[i]!, 'utf8')]));
  const problems: Problem[] = [];

  // Rooms and their declarations.
  const rooms = new Map<string, Room>();
  for (const f of files) {
    const name = roomOf(f);
    let room = rooms.get(name);
    if (room === undefined) {
      const topLevel = f.split('/').length === 2;
      room = { name, files: [], lines: 0, declared: null, declarationFile: topLevel ? f : `src/${name}/index.ts` };
      rooms.set(name, room);
    }
    room.files.push(f);
    room.lines += texts.get(f)!.split('\n').length - (texts.get(f)!.endsWith('\n') ? 1 : 0);
  }
  for (const room of rooms.values()) {
    const text = texts.get(room.declarationFile);
    const topLevel = room.declarationFile.split('/').length === 2;
    room.declared = text === undefined ? null : parseRoomsLine(text);
    if (room.declared === null && topLevel) room.declared = [];
    if (room.declared === null) {
      problems.push({ category: 'missing declaration', message: `${room.declarationFile}: no \`// rooms: …\` line declaring the rooms ${room.name} may import` });
      continue;
    }
    for (const d of room.declared) {
      if (!rooms.has(d) && !files.some((f) => roomOf(f) === d)) problems.push({ category: 'unknown room', message: `${room.declarationFile}: declares room ${d}, which does not exist` });
      if (d === room.name) problems.push({ category: 'unknown room', message: `${room.declarationFile}: declares its own room ${d}` });
    }
  }

  // File-level imports inside src/.
  const edges: ImportEdge[] = [];
  for (const f of files) {
    for (const imp of importsOf(f, texts.get(f)!)) {
      if (!imp.specifier.startsWith('.')) continue; // node: builtins and packages
      const target = posix(relative(root, resolve(root, f, '..', imp.specifier))).replace(/\.js$/, '.ts');
      if (!target.startsWith('src/')) continue; // package.json and the like
      if (!known.has(target)) {
        problems.push({ category: 'unresolved import', message: `${f}: imports ${imp.specifier}, which is not a source file under src/` });
        continue;
      }
      edges.push({ from: f, to: target, kind: imp.kind, dynamic: imp.dynamic });
    }
  }
  const describe = (e: ImportEdge): string => `${e.from} → ${e.to}${note(e)}`;

  // Undeclared room imports.
  const crossing = new Map<string, ImportEdge[]>(); // "a b" → edges
  for (const e of edges) {
    const a = roomOf(e.from);
    const b = roomOf(e.to);
    if (a === b) continue;
    const key = `${a} ${b}`;
    (crossing.get(key) ?? crossing.set(key, []).get(key)!).push(e);
  }
  for (const [key, es] of [...crossing].sort(([x], [y]) => x.localeCompare(y))) {
    const [a, b] = key.split(' ') as [string, string];
    const declared = rooms.get(a)!.declared;
    if (declared === null || declared.includes(b)) continue;
    const value = es.filter((e) => e.kind === 'value');
    const shown = (value.length > 0 ? value : es).slice(0, 3).map(describe).join('; ');
    const more = es.length > 3 ? ` (and ${es.length - 3} more)` : '';
    problems.push({
      category: value.length > 0 ? 'undeclared import' : 'undeclared type-only import',
      message: `${a} imports ${b}, not declared in ${rooms.get(a)!.declarationFile}: ${shown}${more}`,
    });
  }

  // Room circles: value imports first, then circles that need a type-only import to close.
  const roomGraph = (kinds: ImportKind[]): Map<string, Map<string, ImportEdge>> => {
    const g = new Map<string, Map<string, ImportEdge>>();
    for (const e of edges) {
      if (!kinds.includes(e.kind)) continue;
      const a = roomOf(e.from);
      const b = roomOf(e.to);
      if (a === b) continue;
      const m = g.get(a) ?? g.set(a, new Map()).get(a)!;
      if (!m.has(b) || (m.get(b)!.kind === 'type' && e.kind === 'value')) m.set(b, e);
    }
    return g;
  };
  const valueRooms = roomGraph(['value']);
  const valueRoomCycles = cyclesOf(valueRooms);
  for (const c of valueRoomCycles) problems.push({ category: 'room circle', message: `${c.join(' → ')}: ${stepsOf(c, valueRooms).map(describe).join('; ')}` });
  const allRooms = roomGraph(['value', 'type']);
  for (const c of cyclesOf(allRooms)) {
    if (valueRoomCycles.some((v) => sameMembers(v, c))) continue;
    problems.push({ category: 'room circle (type-only)', message: `${c.join(' → ')}: ${stepsOf(c, allRooms).map(describe).join('; ')}` });
  }

  // File circles inside one room.
  const fileGraph = (kinds: ImportKind[]): Map<string, Map<string, ImportEdge>> => {
    const g = new Map<string, Map<string, ImportEdge>>();
    for (const e of edges) {
      if (!kinds.includes(e.kind) || roomOf(e.from) !== roomOf(e.to) || e.from === e.to) continue;
      const m = g.get(e.from) ?? g.set(e.from, new Map()).get(e.from)!;
      if (!m.has(e.to) || (m.get(e.to)!.kind === 'type' && e.kind === 'value')) m.set(e.to, e);
    }
    return g;
  };
  const valueFiles = fileGraph(['value']);
  const valueFileCycles = cyclesOf(valueFiles);
  for (const c of valueFileCycles) problems.push({ category: 'file circle', message: chainOf(c, valueFiles) });
  const allFiles = fileGraph(['value', 'type']);
  for (const c of cyclesOf(allFiles)) {
    if (valueFileCycles.some((v) => sameMembers(v, c))) continue;
    problems.push({ category: 'file circle (type-only)', message: chainOf(c, allFiles) });
  }

  return { rooms: [...rooms.values()].sort((x, y) => x.name.localeCompare(y.name)), edges, problems };
}

const note = (e: ImportEdge): string => `${e.dynamic ? ' (dynamic import)' : ''}${e.kind === 'type' ? ' (type-only)' : ''}`;

/** `a → b (dynamic import) → c → a`: each note says how the file before it imports that file. */
function chainOf(cycle: string[], g: Map<string, Map<string, ImportEdge>>): string {
  return [cycle[0]!, ...stepsOf(cycle, g).map((e) => `${e.to}${note(e)}`)].join(' → ');
}

function sameMembers(a: string[], b: string[]): boolean {
  const s = new Set(a.slice(0, -1));
  const t = new Set(b.slice(0, -1));
  return s.size === t.size && [...s].every((x) => t.has(x));
}

/** The import that makes each step of a cycle (closed: the last element repeats the first). */
function stepsOf(cycle: string[], g: Map<string, Map<string, ImportEdge>>): ImportEdge[] {
  const out: ImportEdge[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) out.push(g.get(cycle[i]!)!.get(cycle[i + 1]!)!);
  return out;
}

/**
 * The circles of a graph: for each strongly connected component (Tarjan), the shortest circle
 * through each of its nodes, closed, starting at its smallest node, without repeats. A component
 * of many rooms thus shows every pair of rooms that close it, not just one path.
 */
function cyclesOf(g: Map<string, Map<string, ImportEdge>>): string[][] {
  const nodes = [...new Set([...g.keys(), ...[...g.values()].flatMap((m) => [...m.keys()])])].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of [...(g.get(v)?.keys() ?? [])].sort()) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) components.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strong(v);
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const comp of components) {
    const inComp = new Set(comp);
    for (const start of comp) {
      const cycle = shortestCycle(g, inComp, start);
      const members = cycle.slice(0, -1);
      const first = members.indexOf([...members].sort()[0]!);
      const rotated = [...members.slice(first), ...members.slice(0, first)];
      const key = rotated.join('\n');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([...rotated, rotated[0]!]);
    }
  }
  return out.sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

/** Breadth-first from start back to start, inside one component. */
function shortestCycle(g: Map<string, Map<string, ImportEdge>>, inComp: Set<string>, start: string): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  let end: string | null = null;
  while (queue.length > 0 && end === null) {
    const v = queue.shift()!;
    for (const w of [...(g.get(v)?.keys() ?? [])].sort()) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        end = v;
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const path = [start];
  for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
  path.push(start);
  return path;
}

/** The report as text: rooms with line counts and imports, then every problem by category. */
export function formatReport(r: BoundaryReport): string {
  const lines: string[] = [];
  const uses = new Map<string, { value: Set<string>; type: Set<string> }>();
  for (const e of r.edges) {
    const a = roomOf(e.from);
    const b = roomOf(e.to);
    if (a === b) continue;
    const u = uses.get(a) ?? uses.set(a, { value: new Set(), type: new Set() }).get(a)!;
    u[e.kind].add(b);
  }
  lines.push('rooms (lines, files): declared → imports used (type-only imports in brackets)');
  for (const room of r.rooms) {
    const u = uses.get(room.name);
    const value = [...(u?.value ?? [])].sort();
    const typeOnly = [...(u?.type ?? [])].filter((t) => !u!.value.has(t)).sort();
    const used = [...value, ...typeOnly.map((t) => `[${t}]`)].join(' ') || '-';
    const declared = room.declared === null ? '(undeclared)' : room.declared.join(' ') || 'none';
    lines.push(`  ${room.name.padEnd(12)} ${String(room.lines).padStart(5)} ${String(room.files.length).padStart(3)}  ${declared} → ${used}`);
  }
  if (r.problems.length === 0) lines.push('no problems');
  else {
    const order: ProblemCategory[] = ['missing declaration', 'unknown room', 'unresolved import', 'undeclared import', 'undeclared type-only import', 'room circle', 'file circle', 'room circle (type-only)', 'file circle (type-only)'];
    for (const cat of order) {
      const ps = r.problems.filter((p) => p.category === cat);
      if (ps.length === 0) continue;
      lines.push(`${cat} (${ps.length}):`);
      for (const p of ps) lines.push(`  ${p.message}`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = checkBoundaries();
  process.stdout.write(`${formatReport(report)}\n`);
  process.exitCode = report.problems.length === 0 ? 0 : 1;
}
