/**
 * What every FUSE message view shares: little-endian field access by index
 * (FUSE is in the host's byte order, and virtio-fs hosts are little-endian),
 * and the view base class. Wrapping bytes allocates nothing.
 */

const TWO_TO_32 = 2 ** 32;
const NO_BYTES = new Uint8Array(0);

export function readUint16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

export function writeUint16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

export function readInt32(bytes: Uint8Array, offset: number): number {
  return readUint32(bytes, offset) | 0;
}

export function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value;
  bytes[offset + 1] = value >>> 8;
  bytes[offset + 2] = value >>> 16;
  bytes[offset + 3] = value >>> 24;
}

/** A 64-bit field as a number: exact below 2^53 (check with Number.isSafeInteger where exactness matters). */
export function readUint64(bytes: Uint8Array, offset: number): number {
  return readUint32(bytes, offset) + readUint32(bytes, offset + 4) * TWO_TO_32;
}

/** Write a non-negative integer below 2^53 as 64 bits; negative values are written as their 64-bit two's complement (-1 → all ones). */
export function writeUint64(bytes: Uint8Array, offset: number, value: number): void {
  if (value < 0) {
    const magnitude = -value - 1; // ~value, in 64 bits
    writeUint32(bytes, offset, ~(magnitude % TWO_TO_32));
    writeUint32(bytes, offset + 4, ~Math.floor(magnitude / TWO_TO_32));
    return;
  }
  writeUint32(bytes, offset, value % TWO_TO_32);
  writeUint32(bytes, offset + 4, Math.floor(value / TWO_TO_32));
}

/** A 64-bit field exactly, for values that are cookies rather than counts (a directory offset may be a 63-bit hash). */
export function readUint64Exact(bytes: Uint8Array, offset: number): bigint {
  return BigInt(readUint32(bytes, offset)) | (BigInt(readUint32(bytes, offset + 4)) << 32n);
}

export function writeUint64Exact(bytes: Uint8Array, offset: number, value: bigint): void {
  writeUint32(bytes, offset, Number(value & 0xffffffffn));
  writeUint32(bytes, offset + 4, Number((value >> 32n) & 0xffffffffn));
}

/**
 * A view over one FUSE structure's bytes, which start at bytes[0]. `wrap`
 * points it at other bytes. Getters read the bytes as they are: a view of
 * something the device wrote is checked (its `check()` or the size test of
 * the reader that made it) before it is trusted.
 */
export abstract class FuseView {
  constructor(public bytes: Uint8Array = NO_BYTES) {}

  wrap(bytes: Uint8Array): this {
    this.bytes = bytes;
    return this;
  }
}
