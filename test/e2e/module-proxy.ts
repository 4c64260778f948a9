// A Go module proxy in a directory (GOPROXY=file://…), written by the tests so that `go get`
// runs for real with no network: list, .info, .mod and .zip per version, in the layout the go
// command reads. Zips are stored (not deflated): go only checks their paths and hash.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { crc32 } from 'node:zlib';

export interface ProxyModule {
  readonly path: string;
  readonly version: string;
  /** Path inside the module → content (go.mod included). */
  readonly files: Readonly<Record<string, string>>;
}

/** Every file under `dir`, as ProxyModule files. */
export function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p).split(sep).join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Module paths are case-encoded in proxy URLs (`!` before a lower-cased capital). */
function escapePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function zip(entries: readonly { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const dirSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Writes the modules into `dir` and returns the GOPROXY value for it. */
export function writeModuleProxy(dir: string, modules: readonly ProxyModule[]): string {
  const versions = new Map<string, string[]>();
  for (const m of modules) {
    const at = join(dir, escapePath(m.path), '@v');
    mkdirSync(at, { recursive: true });
    const gomod = m.files['go.mod'];
    if (gomod === undefined) throw new Error(`${m.path}@${m.version} has no go.mod`);
    writeFileSync(join(at, `${m.version}.mod`), gomod);
    writeFileSync(join(at, `${m.version}.info`), JSON.stringify({ Version: m.version, Time: '2026-01-01T00:00:00Z' }));
    const prefix = `${m.path}@${m.version}/`;
    writeFileSync(join(at, `${m.version}.zip`), zip(Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, text]) => ({ name: prefix + name, data: Buffer.from(text) }))));
    versions.set(m.path, [...(versions.get(m.path) ?? []), m.version]);
  }
  for (const [path, vs] of versions) writeFileSync(join(dir, escapePath(path), '@v', 'list'), `${vs.join('\n')}\n`);
  return `file://${dir}`;
}
