/**
 * The headers every FUSE message starts with: fuse_in_header on a request
 * (what the client sends), fuse_out_header on a reply (what the server
 * writes back). virtio-fs puts the request in the device-readable buffers of
 * a chain and the reply in its device-writable ones.
 */
import { FuseView, readInt32, readUint32, readUint64, writeUint16, writeUint32, writeUint64 } from "./bytes.ts";

/** len, opcode, unique, nodeid, uid, gid, pid, total_extlen, padding. */
export const IN_HEADER_SIZE = 40;
/** len, error, unique. */
export const OUT_HEADER_SIZE = 16;

export interface InHeaderFields {
  /** The whole request's length, this header included. */
  length: number;
  opcode: number;
  unique: number;
  nodeid: number;
  uid: number;
  gid: number;
  pid: number;
}

export class InHeader extends FuseView {
  get length(): number {
    return readUint32(this.bytes, 0);
  }
  set length(value: number) {
    writeUint32(this.bytes, 0, value);
  }
  get opcode(): number {
    return readUint32(this.bytes, 4);
  }
  set opcode(value: number) {
    writeUint32(this.bytes, 4, value);
  }
  /** The request's ID, which its reply repeats. */
  get unique(): number {
    return readUint64(this.bytes, 8);
  }
  set unique(value: number) {
    writeUint64(this.bytes, 8, value);
  }
  /** The inode the request is about (1 is the root). */
  get nodeid(): number {
    return readUint64(this.bytes, 16);
  }
  set nodeid(value: number) {
    writeUint64(this.bytes, 16, value);
  }
  get uid(): number {
    return readUint32(this.bytes, 24);
  }
  set uid(value: number) {
    writeUint32(this.bytes, 24, value);
  }
  get gid(): number {
    return readUint32(this.bytes, 28);
  }
  set gid(value: number) {
    writeUint32(this.bytes, 28, value);
  }
  get pid(): number {
    return readUint32(this.bytes, 32);
  }
  set pid(value: number) {
    writeUint32(this.bytes, 32, value);
  }

  /** Write a whole header at the start of `bytes` (no extensions); returns its size. */
  static emit(bytes: Uint8Array, fields: InHeaderFields): number {
    const header = new InHeader(bytes);
    header.length = fields.length;
    header.opcode = fields.opcode;
    header.unique = fields.unique;
    header.nodeid = fields.nodeid;
    header.uid = fields.uid;
    header.gid = fields.gid;
    header.pid = fields.pid;
    writeUint16(bytes, 36, 0);
    writeUint16(bytes, 38, 0);
    return IN_HEADER_SIZE;
  }
}

export class OutHeader extends FuseView {
  /** Why the reply cannot be read against what arrived (`written` bytes), or undefined. */
  check(written: number): string | undefined {
    if (written < OUT_HEADER_SIZE) return `a FUSE reply needs a ${OUT_HEADER_SIZE}-byte header, the device wrote ${written} bytes`;
    if (this.length < OUT_HEADER_SIZE) return `a FUSE reply says it is ${this.length} bytes, shorter than its header`;
    if (this.length > written) return `a FUSE reply says it is ${this.length} bytes, the device wrote ${written}`;
    if (this.error > 0 || this.error < -4095) return `a FUSE reply has error ${this.error}, not 0 or a negated errno`;
    return undefined;
  }

  get length(): number {
    return readUint32(this.bytes, 0);
  }
  set length(value: number) {
    writeUint32(this.bytes, 0, value);
  }
  /** 0, or a negated Linux errno. */
  get error(): number {
    return readInt32(this.bytes, 4);
  }
  set error(value: number) {
    writeUint32(this.bytes, 4, value);
  }
  get unique(): number {
    return readUint64(this.bytes, 8);
  }
  set unique(value: number) {
    writeUint64(this.bytes, 8, value);
  }

  /** The reply's body: what follows the header, up to its length. */
  get body(): Uint8Array {
    return this.bytes.subarray(OUT_HEADER_SIZE, this.length);
  }

  static emit(bytes: Uint8Array, length: number, error: number, unique: number): number {
    const header = new OutHeader(bytes);
    header.length = length;
    header.error = error;
    header.unique = unique;
    return OUT_HEADER_SIZE;
  }
}
