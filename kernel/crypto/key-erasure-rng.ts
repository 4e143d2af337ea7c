/**
 * A fast-key-erasure random generator (D. J. Bernstein, 2017): ChaCha20
 * keystream under a 256-bit key; the first 32 bytes of every output replace
 * the key, so a later compromise of the state reveals nothing earlier.
 * Seeded, and reseeded, from the entropy device.
 */
import { chacha20 } from "@noble/ciphers/chacha.js";

const KEY_BYTES = 32;
/** A fresh key per call makes a fixed nonce safe. */
const NONCE = new Uint8Array(12);

export class KeyErasureRng {
  private key = new Uint8Array(KEY_BYTES);
  private seeded = false;

  get isSeeded(): boolean {
    return this.seeded;
  }

  /** Mix fresh entropy (at least 32 bytes) into the key. */
  reseed(entropy: Uint8Array): void {
    if (entropy.length < KEY_BYTES) throw new RangeError(`a seed needs ${KEY_BYTES} bytes, got ${entropy.length}`);
    for (let i = 0; i < entropy.length; i++) this.key[i % KEY_BYTES] ^= entropy[i];
    this.fill(new Uint8Array(0)); // one erasure step, so the key is the cipher's output, not the raw mix
    this.seeded = true;
  }

  /** Fill `out` with random bytes. */
  fill(out: Uint8Array): void {
    const stream = chacha20(this.key, NONCE, new Uint8Array(KEY_BYTES + out.length));
    this.key.set(stream.subarray(0, KEY_BYTES));
    out.set(stream.subarray(KEY_BYTES));
    stream.fill(0);
  }
}
