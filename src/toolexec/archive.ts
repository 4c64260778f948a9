// Go's `ar` archives (the compile's `_pkg_.a`): list members, read one, build a member to
// append. Written for the format cmd/pack and the compiler produce: "!<arch>\n", then 60-byte
// headers (name 16, mtime 12, uid 6, gid 6, mode 8, size 10, "`\n") and data padded to an even
// length. Two rules keep extra members harmless: the name must be shorter than 16 bytes and not
// end in .o/.syso (the linker then skips it), and the data must be at least 8 bytes (cmd/pack
// peeks 8 bytes of every member to tell Go objects from native ones).
import { openSync, readSync, closeSync, fstatSync, appendFileSync } from 'node:fs';
import { WeftError } from '../errors.js';

export const AR_MAGIC = '!<arch>\n';
const HEADER_SIZE = 60;
export const MAX_MEMBER_NAME = 15;
export const MIN_MEMBER_SIZE = 8;

export interface ArchiveMember {
  name: string;
  /** Offset of the member's data in the file. */
  offset: number;
  size: number;
}

function fail(archive: string, why: string): never {
  throw new WeftError('E_TOOLEXEC', `${archive} is not a valid Go archive: ${why}`, {
    hint: 'the archive is written by the Go compiler; remove it (go clean -cache) if it was damaged',
  });
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Lists members by reading only their headers (a few small reads, whatever the archive size). */
export function listArchiveMembers(archive: string): ArchiveMember[] {
  let fd: number;
  try {
    fd = openSync(archive, 'r');
  } catch (e) {
    throw new WeftError('E_TOOLEXEC', `cannot open archive ${archive}: ${(e as Error).message}`);
  }
  try {
    const total = fstatSync(fd).size;
    const magic = readExactly(fd, AR_MAGIC.length, 0).toString('latin1');
    if (magic !== AR_MAGIC) fail(archive, 'missing !<arch> header');
    const members: ArchiveMember[] = [];
    let pos = AR_MAGIC.length;
    while (pos + HEADER_SIZE <= total) {
      const h = readExactly(fd, HEADER_SIZE, pos);
      if (h.length < HEADER_SIZE || h[58] !== 0x60 || h[59] !== 0x0a) fail(archive, `bad member header at offset ${pos}`);
      const name = h.subarray(0, 16).toString('latin1').trimEnd();
      const size = Number.parseInt(h.subarray(48, 58).toString('latin1').trim(), 10);
      if (!Number.isFinite(size) || size < 0 || pos + HEADER_SIZE + size > total) fail(archive, `bad size for member ${name}`);
      members.push({ name, offset: pos + HEADER_SIZE, size });
      pos += HEADER_SIZE + size + (size % 2);
    }
    return members;
  } finally {
    closeSync(fd);
  }
}

/** Reads the data of the first member called `name`, or null when the archive has none. */
export function readArchiveMember(archive: string, name: string): Buffer | null {
  const member = listArchiveMembers(archive).find((m) => m.name === name);
  if (member === undefined) return null;
  const fd = openSync(archive, 'r');
  try {
    return readExactly(fd, member.size, member.offset);
  } finally {
    closeSync(fd);
  }
}

/** The bytes to append to an archive to add one member (header, data, padding). */
export function encodeArchiveMember(name: string, data: Uint8Array): Buffer {
  if (Buffer.byteLength(name, 'latin1') > MAX_MEMBER_NAME || name.length === 0 || /[\s/]/.test(name)) {
    throw new WeftError('E_INTERNAL', `archive member name ${JSON.stringify(name)} must be 1-${MAX_MEMBER_NAME} bytes without spaces or slashes`);
  }
  if (/\.(o|syso)$/.test(name)) throw new WeftError('E_INTERNAL', `archive member ${name} would be loaded by the linker as an object`);
  if (data.length < MIN_MEMBER_SIZE) throw new WeftError('E_INTERNAL', `archive member ${name} is ${data.length} bytes; cmd/pack needs at least ${MIN_MEMBER_SIZE}`);
  const header =
    name.padEnd(16) + '0'.padEnd(12) + '0'.padEnd(6) + '0'.padEnd(6) + '644'.padEnd(8) + String(data.length).padEnd(10) + '`\n';
  const parts = [Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.length)];
  if (data.length % 2 === 1) parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/**
 * Appends a member to an existing archive (what the shim does after a compile; here for
 * tests and for in-process use). Refuses to add a second member of the same name.
 */
export function appendArchiveMember(archive: string, name: string, data: Uint8Array): void {
  const members = listArchiveMembers(archive);
  if (members.some((m) => m.name === name)) throw new WeftError('E_INTERNAL', `archive ${archive} already has a member ${name}`);
  const encoded = encodeArchiveMember(name, data);
  const last = members[members.length - 1];
  // Members are padded to even offsets; an archive ending on an odd byte would misalign ours.
  const end = last === undefined ? AR_MAGIC.length : last.offset + last.size + (last.size % 2);
  const fd = openSync(archive, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  appendFileSync(archive, size < end ? Buffer.concat([Buffer.from('\n'), encoded]) : encoded);
}
