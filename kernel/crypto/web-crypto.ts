/**
 * The global `crypto` of the Web Crypto API, as far as services need it
 * without a subtle implementation: getRandomValues and randomUUID.
 */
import { KeyErasureRng } from "./key-erasure-rng.ts";

/** Web Crypto's limit for one call. */
const MAX_BYTES = 65536;
/** Reseed from the entropy source after this much output. */
const RESEED_AFTER_BYTES = 1 << 20;

type IntegerArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

export interface EntropySource {
  /** `count` bytes of entropy, now (the first call may wait for the device). */
  read(count: number): Uint8Array;
}

export function createCrypto(source: EntropySource) {
  const rng = new KeyErasureRng();
  let sinceReseed = 0;

  function getRandomValues<T extends IntegerArray>(array: T): T {
    const integer = array instanceof Int8Array || array instanceof Uint8Array || array instanceof Uint8ClampedArray ||
      array instanceof Int16Array || array instanceof Uint16Array || array instanceof Int32Array || array instanceof Uint32Array ||
      array instanceof BigInt64Array || array instanceof BigUint64Array;
    if (!integer) throw new TypeError("getRandomValues: the argument must be an integer typed array");
    if (array.byteLength > MAX_BYTES) {
      throw new RangeError(`getRandomValues: ${array.byteLength} bytes asked, the limit is ${MAX_BYTES} (QuotaExceededError)`);
    }
    if (!rng.isSeeded || sinceReseed > RESEED_AFTER_BYTES) {
      rng.reseed(source.read(32));
      sinceReseed = 0;
    }
    rng.fill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    sinceReseed += array.byteLength;
    return array;
  }

  /** An RFC 9562 version 4 UUID. */
  function randomUUID(): string {
    const b = getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  return { getRandomValues, randomUUID };
}
