/**
 * The bodies of the FUSE requests the client sends (after fuse_in_header),
 * as views: the client fills them with the setters, a server (the test's
 * in-memory one) reads them with the getters. Names follow fuse.h.
 */
import { utf8Encode } from "../../process/text-encoding.ts";
import { FuseView, readUint32, readUint64, readUint64Exact, writeUint32, writeUint64, writeUint64Exact } from "./bytes.ts";

/** fuse_init_in as protocol 7.31 has it: major, minor, max_readahead, flags. */
export class InitIn extends FuseView {
  static readonly SIZE = 16;
  get major(): number { return readUint32(this.bytes, 0); }
  set major(value: number) { writeUint32(this.bytes, 0, value); }
  get minor(): number { return readUint32(this.bytes, 4); }
  set minor(value: number) { writeUint32(this.bytes, 4, value); }
  get maxReadahead(): number { return readUint32(this.bytes, 8); }
  set maxReadahead(value: number) { writeUint32(this.bytes, 8, value); }
  get flags(): number { return readUint32(this.bytes, 12); }
  set flags(value: number) { writeUint32(this.bytes, 12, value); }
}

/** fuse_getattr_in: getattr_flags, dummy, fh. */
export class GetattrIn extends FuseView {
  static readonly SIZE = 16;
  get getattrFlags(): number { return readUint32(this.bytes, 0); }
  set getattrFlags(value: number) { writeUint32(this.bytes, 0, value); }
  get fh(): number { return readUint64(this.bytes, 8); }
  set fh(value: number) { writeUint64(this.bytes, 8, value); }
}

/** fuse_setattr_in: `valid` says which of the other fields to apply. */
export class SetattrIn extends FuseView {
  static readonly SIZE = 88;
  get valid(): number { return readUint32(this.bytes, 0); }
  set valid(value: number) { writeUint32(this.bytes, 0, value); }
  get fh(): number { return readUint64(this.bytes, 8); }
  set fh(value: number) { writeUint64(this.bytes, 8, value); }
  get size(): number { return readUint64(this.bytes, 16); }
  set size(value: number) { writeUint64(this.bytes, 16, value); }
  get atime(): number { return readUint64(this.bytes, 32); }
  set atime(value: number) { writeUint64(this.bytes, 32, value); }
  get mtime(): number { return readUint64(this.bytes, 40); }
  set mtime(value: number) { writeUint64(this.bytes, 40, value); }
  get atimensec(): number { return readUint32(this.bytes, 56); }
  set atimensec(value: number) { writeUint32(this.bytes, 56, value); }
  get mtimensec(): number { return readUint32(this.bytes, 60); }
  set mtimensec(value: number) { writeUint32(this.bytes, 60, value); }
  get mode(): number { return readUint32(this.bytes, 68); }
  set mode(value: number) { writeUint32(this.bytes, 68, value); }
}

/** fuse_open_in (OPEN, OPENDIR): open(2) flags, then open_flags (7.35+, 0 here). */
export class OpenIn extends FuseView {
  static readonly SIZE = 8;
  get flags(): number { return readUint32(this.bytes, 0); }
  set flags(value: number) { writeUint32(this.bytes, 0, value); }
}

/** fuse_create_in: flags, mode, umask, open_flags; the new file's name follows. */
export class CreateIn extends FuseView {
  static readonly SIZE = 16;
  get flags(): number { return readUint32(this.bytes, 0); }
  set flags(value: number) { writeUint32(this.bytes, 0, value); }
  get mode(): number { return readUint32(this.bytes, 4); }
  set mode(value: number) { writeUint32(this.bytes, 4, value); }
  get umask(): number { return readUint32(this.bytes, 8); }
  set umask(value: number) { writeUint32(this.bytes, 8, value); }
}

/** fuse_read_in and fuse_write_in, which share one layout: fh, offset, size, flags, lock_owner, flags, padding. WRITE's data follows. */
export class ReadWriteIn extends FuseView {
  static readonly SIZE = 40;
  get fh(): number { return readUint64(this.bytes, 0); }
  set fh(value: number) { writeUint64(this.bytes, 0, value); }
  get offset(): number { return readUint64(this.bytes, 8); }
  set offset(value: number) { writeUint64(this.bytes, 8, value); }
  /** The same field for READDIR, where it is the cookie of the last entry read, exactly. */
  get directoryOffset(): bigint { return readUint64Exact(this.bytes, 8); }
  set directoryOffset(value: bigint) { writeUint64Exact(this.bytes, 8, value); }
  get size(): number { return readUint32(this.bytes, 16); }
  set size(value: number) { writeUint32(this.bytes, 16, value); }
  /** open(2) flags of the file (fuse_read_in.flags / fuse_write_in.flags). */
  get flags(): number { return readUint32(this.bytes, 32); }
  set flags(value: number) { writeUint32(this.bytes, 32, value); }
}

/** fuse_release_in (RELEASE, RELEASEDIR): fh, flags, release_flags, lock_owner. */
export class ReleaseIn extends FuseView {
  static readonly SIZE = 24;
  get fh(): number { return readUint64(this.bytes, 0); }
  set fh(value: number) { writeUint64(this.bytes, 0, value); }
  get flags(): number { return readUint32(this.bytes, 8); }
  set flags(value: number) { writeUint32(this.bytes, 8, value); }
}

/** fuse_flush_in: fh, unused, padding, lock_owner. */
export class FlushIn extends FuseView {
  static readonly SIZE = 24;
  get fh(): number { return readUint64(this.bytes, 0); }
  set fh(value: number) { writeUint64(this.bytes, 0, value); }
}

/** fuse_fsync_in: fh, fsync_flags (1 = data only), padding. */
export class FsyncIn extends FuseView {
  static readonly SIZE = 16;
  get fh(): number { return readUint64(this.bytes, 0); }
  set fh(value: number) { writeUint64(this.bytes, 0, value); }
  get fsyncFlags(): number { return readUint32(this.bytes, 8); }
  set fsyncFlags(value: number) { writeUint32(this.bytes, 8, value); }
}

/** fuse_mkdir_in: mode, umask; the name follows. */
export class MkdirIn extends FuseView {
  static readonly SIZE = 8;
  get mode(): number { return readUint32(this.bytes, 0); }
  set mode(value: number) { writeUint32(this.bytes, 0, value); }
  get umask(): number { return readUint32(this.bytes, 4); }
  set umask(value: number) { writeUint32(this.bytes, 4, value); }
}

/** fuse_rename_in: the new parent's node ID; the old name and the new name follow. */
export class RenameIn extends FuseView {
  static readonly SIZE = 8;
  get newdir(): number { return readUint64(this.bytes, 0); }
  set newdir(value: number) { writeUint64(this.bytes, 0, value); }
}

/** fuse_batch_forget_in: count, dummy; `count` ForgetOne entries follow. */
export class BatchForgetIn extends FuseView {
  static readonly SIZE = 8;
  get count(): number { return readUint32(this.bytes, 0); }
  set count(value: number) { writeUint32(this.bytes, 0, value); }
}

/** fuse_forget_one: a node ID and how many lookups of it the client forgets. */
export class ForgetOne extends FuseView {
  static readonly SIZE = 16;
  get nodeid(): number { return readUint64(this.bytes, 0); }
  set nodeid(value: number) { writeUint64(this.bytes, 0, value); }
  get nlookup(): number { return readUint64(this.bytes, 8); }
  set nlookup(value: number) { writeUint64(this.bytes, 8, value); }
}

/** A name as FUSE sends it: UTF-8 bytes and a NUL. */
export function cString(name: string): Uint8Array {
  const encoded = utf8Encode(name);
  const bytes = new Uint8Array(encoded.length + 1);
  bytes.set(encoded);
  return bytes;
}

/** The NUL-terminated names at the start of `bytes` (`count` of them), as raw bytes; undefined if one is not terminated. */
export function splitCStrings(bytes: Uint8Array, count: number): Uint8Array[] | undefined {
  const names: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = bytes.indexOf(0, at);
    if (end < 0) return undefined;
    names.push(bytes.subarray(at, end));
    at = end + 1;
  }
  return names;
}
