/**
 * The bodies of the FUSE replies (after fuse_out_header), as views: the
 * client reads them with the getters once their size is checked, a server
 * (the test's in-memory one) fills them with the setters. Names follow
 * fuse.h.
 */
import { FuseView, readUint16, readUint32, readUint64, readUint64Exact, writeUint16, writeUint32, writeUint64, writeUint64Exact } from "./bytes.ts";

/** fuse_attr: an inode's attributes. */
export class Attr extends FuseView {
  static readonly SIZE = 88;
  get ino(): number { return readUint64(this.bytes, 0); }
  set ino(value: number) { writeUint64(this.bytes, 0, value); }
  get size(): number { return readUint64(this.bytes, 8); }
  set size(value: number) { writeUint64(this.bytes, 8, value); }
  get blocks(): number { return readUint64(this.bytes, 16); }
  set blocks(value: number) { writeUint64(this.bytes, 16, value); }
  get atime(): number { return readUint64(this.bytes, 24); }
  set atime(value: number) { writeUint64(this.bytes, 24, value); }
  get mtime(): number { return readUint64(this.bytes, 32); }
  set mtime(value: number) { writeUint64(this.bytes, 32, value); }
  get ctime(): number { return readUint64(this.bytes, 40); }
  set ctime(value: number) { writeUint64(this.bytes, 40, value); }
  get atimensec(): number { return readUint32(this.bytes, 48); }
  set atimensec(value: number) { writeUint32(this.bytes, 48, value); }
  get mtimensec(): number { return readUint32(this.bytes, 52); }
  set mtimensec(value: number) { writeUint32(this.bytes, 52, value); }
  get ctimensec(): number { return readUint32(this.bytes, 56); }
  set ctimensec(value: number) { writeUint32(this.bytes, 56, value); }
  /** File type and permission bits (S_IFDIR | 0755, …). */
  get mode(): number { return readUint32(this.bytes, 60); }
  set mode(value: number) { writeUint32(this.bytes, 60, value); }
  get nlink(): number { return readUint32(this.bytes, 64); }
  set nlink(value: number) { writeUint32(this.bytes, 64, value); }
  get uid(): number { return readUint32(this.bytes, 68); }
  set uid(value: number) { writeUint32(this.bytes, 68, value); }
  get gid(): number { return readUint32(this.bytes, 72); }
  set gid(value: number) { writeUint32(this.bytes, 72, value); }
  get blksize(): number { return readUint32(this.bytes, 80); }
  set blksize(value: number) { writeUint32(this.bytes, 80, value); }
}

/** fuse_entry_out (LOOKUP, MKDIR, CREATE): the node found or made, and its attributes. */
export class EntryOut extends FuseView {
  static readonly SIZE = 40 + Attr.SIZE;
  get nodeid(): number { return readUint64(this.bytes, 0); }
  set nodeid(value: number) { writeUint64(this.bytes, 0, value); }
  get generation(): number { return readUint64(this.bytes, 8); }
  set generation(value: number) { writeUint64(this.bytes, 8, value); }
  /** How long (seconds, then nanoseconds) the client may cache the name and the attributes. */
  get entryValid(): number { return readUint64(this.bytes, 16); }
  set entryValid(value: number) { writeUint64(this.bytes, 16, value); }
  get attrValid(): number { return readUint64(this.bytes, 24); }
  set attrValid(value: number) { writeUint64(this.bytes, 24, value); }
  get attr(): Attr { return new Attr(this.bytes.subarray(40, 40 + Attr.SIZE)); }
}

/** fuse_attr_out (GETATTR, SETATTR): attr_valid, attr_valid_nsec, dummy, attr. */
export class AttrOut extends FuseView {
  static readonly SIZE = 16 + Attr.SIZE;
  get attrValid(): number { return readUint64(this.bytes, 0); }
  set attrValid(value: number) { writeUint64(this.bytes, 0, value); }
  get attr(): Attr { return new Attr(this.bytes.subarray(16, 16 + Attr.SIZE)); }
}

/** fuse_init_out: the server's version, flags and limits. */
export class InitOut extends FuseView {
  /** What a 7.23+ server sends; older ones (FUSE_COMPAT_22_INIT_OUT_SIZE) send 24 bytes, a server refusing our major 8. */
  static readonly SIZE = 64;
  static readonly COMPAT_SIZE = 24;
  get major(): number { return readUint32(this.bytes, 0); }
  set major(value: number) { writeUint32(this.bytes, 0, value); }
  get minor(): number { return readUint32(this.bytes, 4); }
  set minor(value: number) { writeUint32(this.bytes, 4, value); }
  get maxReadahead(): number { return readUint32(this.bytes, 8); }
  set maxReadahead(value: number) { writeUint32(this.bytes, 8, value); }
  get flags(): number { return readUint32(this.bytes, 12); }
  set flags(value: number) { writeUint32(this.bytes, 12, value); }
  get maxBackground(): number { return readUint16(this.bytes, 16); }
  set maxBackground(value: number) { writeUint16(this.bytes, 16, value); }
  get congestionThreshold(): number { return readUint16(this.bytes, 18); }
  set congestionThreshold(value: number) { writeUint16(this.bytes, 18, value); }
  /** The largest WRITE's data the server takes. */
  get maxWrite(): number { return readUint32(this.bytes, 20); }
  set maxWrite(value: number) { writeUint32(this.bytes, 20, value); }
  /** Timestamp granularity in nanoseconds. */
  get timeGran(): number { return readUint32(this.bytes, 24); }
  set timeGran(value: number) { writeUint32(this.bytes, 24, value); }
  /** With MAX_PAGES: the most pages a READ or WRITE may carry. */
  get maxPages(): number { return readUint16(this.bytes, 28); }
  set maxPages(value: number) { writeUint16(this.bytes, 28, value); }
}

/** fuse_open_out (OPEN, OPENDIR, CREATE): the file handle and the server's open flags. */
export class OpenOut extends FuseView {
  static readonly SIZE = 16;
  get fh(): number { return readUint64(this.bytes, 0); }
  set fh(value: number) { writeUint64(this.bytes, 0, value); }
  get openFlags(): number { return readUint32(this.bytes, 8); }
  set openFlags(value: number) { writeUint32(this.bytes, 8, value); }
}

/** fuse_write_out: the bytes written, padding. */
export class WriteOut extends FuseView {
  static readonly SIZE = 8;
  get size(): number { return readUint32(this.bytes, 0); }
  set size(value: number) { writeUint32(this.bytes, 0, value); }
}

/** fuse_statfs_out (a fuse_kstatfs): blocks, bfree, bavail, files, ffree, bsize, namelen, frsize, padding, spare. */
export class StatfsOut extends FuseView {
  static readonly SIZE = 80;
  get blocks(): number { return readUint64(this.bytes, 0); }
  set blocks(value: number) { writeUint64(this.bytes, 0, value); }
  get bfree(): number { return readUint64(this.bytes, 8); }
  set bfree(value: number) { writeUint64(this.bytes, 8, value); }
  /** Free blocks an unprivileged user may take. */
  get bavail(): number { return readUint64(this.bytes, 16); }
  set bavail(value: number) { writeUint64(this.bytes, 16, value); }
  get files(): number { return readUint64(this.bytes, 24); }
  set files(value: number) { writeUint64(this.bytes, 24, value); }
  get ffree(): number { return readUint64(this.bytes, 32); }
  set ffree(value: number) { writeUint64(this.bytes, 32, value); }
  get bsize(): number { return readUint32(this.bytes, 40); }
  set bsize(value: number) { writeUint32(this.bytes, 40, value); }
  get namelen(): number { return readUint32(this.bytes, 44); }
  set namelen(value: number) { writeUint32(this.bytes, 44, value); }
  /** The unit `blocks` count in. */
  get frsize(): number { return readUint32(this.bytes, 48); }
  set frsize(value: number) { writeUint32(this.bytes, 48, value); }
}

/** fuse_dirent's fixed part: ino, off, namelen, type; the name follows, padded to 8 bytes. */
export const DIRENT_HEADER_SIZE = 24;

/** One READDIR entry. */
export interface Dirent {
  ino: number;
  /** Where the next READDIR starts to continue after this entry: a cookie (ext4's are 63-bit hashes), kept exact. */
  offset: bigint;
  type: number;
  name: Uint8Array;
}

/** The bytes one entry takes: its header and name, rounded up to 8. */
export function direntSize(nameLength: number): number {
  return (DIRENT_HEADER_SIZE + nameLength + 7) & ~7;
}

/**
 * The entries of a READDIR reply's body, or an error string when one runs
 * past the end or has an empty name.
 */
export function readDirents(body: Uint8Array): Dirent[] | string {
  const entries: Dirent[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + DIRENT_HEADER_SIZE > body.length) return `a READDIR entry at byte ${at} has ${body.length - at} bytes, less than its ${DIRENT_HEADER_SIZE}-byte header`;
    const nameLength = readUint32(body, at + 16);
    if (nameLength === 0 || at + DIRENT_HEADER_SIZE + nameLength > body.length) {
      return `a READDIR entry at byte ${at} has a name of ${nameLength} bytes in a reply of ${body.length}`;
    }
    entries.push({
      ino: readUint64(body, at),
      offset: readUint64Exact(body, at + 8),
      type: readUint32(body, at + 20),
      name: body.subarray(at + DIRENT_HEADER_SIZE, at + DIRENT_HEADER_SIZE + nameLength),
    });
    at += direntSize(nameLength);
  }
  return entries;
}

/** Write one entry at `at` in `bytes` (which must hold direntSize(name.length) more); returns the bytes taken. */
export function writeDirent(bytes: Uint8Array, at: number, entry: Dirent): number {
  const size = direntSize(entry.name.length);
  bytes.fill(0, at, at + size);
  writeUint64(bytes, at, entry.ino);
  writeUint64Exact(bytes, at + 8, entry.offset);
  writeUint32(bytes, at + 16, entry.name.length);
  writeUint32(bytes, at + 20, entry.type);
  bytes.set(entry.name, at + DIRENT_HEADER_SIZE);
  return size;
}
