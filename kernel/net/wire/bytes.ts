/**
 * What every wire view shares: big-endian field access by index (no DataView,
 * so wrapping a buffer allocates nothing) and the view base class.
 */

/** The 16-bit big-endian value at `offset`. */
export function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

/** Write `value` (its low 16 bits) big-endian at `offset`. */
export function writeUint16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 8;
  bytes[offset + 1] = value;
}

/** The 32-bit big-endian value at `offset`, unsigned. */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Write `value` (its low 32 bits) big-endian at `offset`. */
export function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

const NO_BYTES = new Uint8Array(0);

/**
 * A view over one protocol's bytes. Construct it once and `wrap` each packet
 * in turn: the per-packet path then allocates nothing. Getters read the bytes
 * as they are; call the subclass's `check()` before trusting them on input
 * from the network.
 */
export abstract class WireView {
  constructor(public bytes: Uint8Array = NO_BYTES) {}

  /** Point this view at `bytes` (which start with this protocol's header). */
  wrap(bytes: Uint8Array): this {
    this.bytes = bytes;
    return this;
  }
}
