/**
 * Shared by test/services/net-transfer.ts (in the guest) and the booted
 * tests (in Node): a reproducible byte stream and a running hash, so a
 * transfer can be checked without holding it whole on either side.
 */

/** A stream of pseudo-random bytes (xorshift32 from `seed`), filled chunk by chunk. */
export class PatternStream {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** Fill `out` with the next `out.length` bytes of the stream. */
  fill(out: Uint8Array): Uint8Array {
    let x = this.state;
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x;
    }
    this.state = x;
    return out;
  }
}

/** FNV-1a (32-bit) over the bytes given so far, in order; `update` as they come. */
export class Fnv1a {
  value = 0x811c9dc5;
  length = 0;

  update(bytes: Uint8Array): this {
    let h = this.value;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    this.value = h >>> 0;
    this.length += bytes.length;
    return this;
  }

  /** "LENGTH HASH" with the hash in hex: what the guest reports and the host compares. */
  toString(): string {
    return `${this.length} ${this.value.toString(16).padStart(8, "0")}`;
  }
}
