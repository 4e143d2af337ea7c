/**
 * node:crypto, as much as npm packages and services commonly use: random
 * bytes, integers and UUIDs, hashes and HMACs (createHash, createHmac,
 * hash), PBKDF2, timingSafeEqual, and Web Crypto (webcrypto, subtle,
 * getRandomValues). The hashes are @noble/hashes'; the randomness is the
 * global crypto's (the entropy device through a ChaCha20 generator).
 * Ciphers (createCipheriv), signing (createSign) and KeyObject are not here:
 * crypto.subtle has those operations.
 */
import { pbkdf2 as pbkdf2Bytes } from "@noble/hashes/pbkdf2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { md5, ripemd160, sha1 } from "@noble/hashes/legacy.js";
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from "@noble/hashes/sha2.js";
import { sha3_224, sha3_256, sha3_384, sha3_512 } from "@noble/hashes/sha3.js";
import type { CHash, Hash as NobleHash } from "@noble/hashes/utils.js";
import { subtle } from "../../kernel/crypto/install-subtle.ts";
import { dataBytes, encodeBytes, nodeError, toNodeBytes, type BinaryToTextEncoding, type Encoding } from "./crypto-bytes.ts";

export { subtle };

const HASHES: Record<string, CHash> = {
  md5, ripemd160, rmd160: ripemd160, sha1, sha224, sha256, sha384, sha512, "sha512-224": sha512_224, "sha512-256": sha512_256,
  "sha3-224": sha3_224, "sha3-256": sha3_256, "sha3-384": sha3_384, "sha3-512": sha3_512,
};

/** The names createHash and createHmac take (case does not matter, as in Node). */
export function getHashes(): string[] {
  return Object.keys(HASHES);
}

function hashNamed(algorithm: unknown): CHash | undefined {
  return typeof algorithm === "string" ? HASHES[algorithm.toLowerCase()] : undefined;
}

type Data = string | ArrayBufferView | ArrayBuffer;

/** What Hash and Hmac share: update() until digest(), then neither. */
abstract class Digester {
  protected finalized = false;
  constructor(protected readonly state: NobleHash<any>) {}

  /** Adds data (a string in `inputEncoding`, utf8 by default). */
  update(data: Data, inputEncoding?: Encoding): this {
    if (this.finalized) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
    this.state.update(dataBytes(data, inputEncoding, "data"));
    return this;
  }

  /** The digest: a Buffer (see crypto-bytes.ts), or text in `encoding`. Only once. */
  digest(): Uint8Array;
  digest(encoding: BinaryToTextEncoding): string;
  digest(encoding?: BinaryToTextEncoding): Uint8Array | string {
    if (this.finalized) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
    this.finalized = true;
    const bytes = this.state.digest();
    return encoding === undefined ? toNodeBytes(bytes) : encodeBytes(bytes, encoding);
  }
}

/** A running hash (createHash). */
export class Hash extends Digester {
  /** An independent hash of the data so far. */
  copy(): Hash {
    if (this.finalized) throw nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
    return new Hash(this.state.clone());
  }
}

/** A running HMAC (createHmac). */
export class Hmac extends Digester {}

/** A hash by Node's name: md5, sha1, sha256, sha512, sha3-256... (getHashes()). */
export function createHash(algorithm: string): Hash {
  const hash = hashNamed(algorithm);
  if (!hash) throw new Error("Digest method not supported");
  return new Hash(hash.create());
}

/** An HMAC under `key` (a string in utf8, or bytes) with the named hash. */
export function createHmac(algorithm: string, key: Data): Hmac {
  const hash = hashNamed(algorithm);
  if (!hash) throw nodeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${algorithm}`);
  return new Hmac(hmac.create(hash, dataBytes(key, undefined, "key")));
}

/** One-shot digest (Node 21.7's crypto.hash): hex unless another encoding, or "buffer", is asked. */
export function hash(algorithm: string, data: Data, outputEncoding: BinaryToTextEncoding | "buffer" = "hex"): string | Uint8Array {
  const digester = createHash(algorithm).update(data);
  return outputEncoding === "buffer" ? digester.digest() : digester.digest(outputEncoding);
}

/** Compares in time that depends only on the length; RangeError for different lengths, as Node. */
export function timingSafeEqual(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  if (typeof a === "string" || typeof b === "string") throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", "The buffers must be of type Buffer, TypedArray, DataView or ArrayBuffer");
  const x = dataBytes(a, undefined, "buf1"), y = dataBytes(b, undefined, "buf2");
  if (x.length !== y.length) throw nodeError(RangeError, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", "Input buffers must have the same byte length");
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** Web Crypto's limit for one getRandomValues call. */
const RANDOM_CHUNK = 65536;
const MAX_SIZE = 2 ** 31 - 1;

/** Fills `buffer` (from `offset`, `size` bytes) with random bytes. */
export function randomFillSync<T extends ArrayBufferView | ArrayBuffer>(buffer: T, offset = 0, size?: number): T {
  const bytes = dataBytes(buffer, undefined, "buf");
  const length = size ?? bytes.length - offset;
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "offset" is out of range. It must be >= 0 && <= ${bytes.length}. Received ${offset}`);
  if (!Number.isInteger(length) || length < 0 || offset + length > bytes.length) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "size" is out of range. It must be >= 0 && <= ${bytes.length - offset}. Received ${length}`);
  for (let at = offset; at < offset + length; at += RANDOM_CHUNK) crypto.getRandomValues(bytes.subarray(at, Math.min(offset + length, at + RANDOM_CHUNK)));
  return buffer;
}

/** Calls `callback` later, as Node's asynchronous forms do. */
function later<T>(callback: (error: Error | null, value?: T) => void, work: () => T): void {
  if (typeof callback !== "function") throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", 'The "callback" argument must be of type function');
  setTimeout(() => {
    let value: T;
    try {
      value = work();
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, value);
  }, 0);
}

/** `size` random bytes, as a Buffer; with a callback, given to it later. */
export function randomBytes(size: number): Uint8Array;
export function randomBytes(size: number, callback: (error: Error | null, bytes?: Uint8Array) => void): void;
export function randomBytes(size: number, callback?: (error: Error | null, bytes?: Uint8Array) => void): Uint8Array | void {
  if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
    throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "size" is out of range. It must be >= 0 && <= ${MAX_SIZE}. Received ${size}`);
  }
  const make = () => toNodeBytes(randomFillSync(new Uint8Array(size)));
  if (callback === undefined) return make();
  later(callback, make);
}

/** A random v4 UUID. */
export function randomUUID(): string {
  return crypto.randomUUID();
}

/** Fills an integer typed array with random values (Web Crypto's, at most 65536 bytes). */
export function getRandomValues<T extends ArrayBufferView>(array: T): T {
  return crypto.getRandomValues(array as unknown as Uint8Array) as unknown as T;
}

const MAX_RANGE = 2 ** 48 - 1;

/** A uniform random integer in [min, max) (min 0 if left out), by rejection sampling as Node does; with a callback, given to it later. */
export function randomInt(max: number, callback?: (error: Error | null, value?: number) => void): number | void;
export function randomInt(min: number, max: number, callback?: (error: Error | null, value?: number) => void): number | void;
export function randomInt(a: number, b?: number | ((error: Error | null, value?: number) => void), c?: (error: Error | null, value?: number) => void): number | void {
  const [min, max, callback] = typeof b === "number" ? [a, b, c] : [0, a, b];
  for (const [name, value] of [["min", min], ["max", max]] as const) {
    if (!Number.isSafeInteger(value)) throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" argument must be a safe integer. Received ${String(value)}`);
  }
  if (max <= min) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
  const range = max - min;
  if (range > MAX_RANGE) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "max - min" is out of range. It must be <= ${MAX_RANGE}. Received ${range}`);
  const pick = () => {
    // 48 random bits; values past the last whole multiple of the range are drawn again, so each result is equally likely.
    const limit = 2 ** 48 - (2 ** 48 % range);
    for (;;) {
      const words = crypto.getRandomValues(new Uint16Array(3));
      const value = words[0] * 2 ** 32 + words[1] * 2 ** 16 + words[2];
      if (value < limit) return min + (value % range);
    }
  };
  if (callback === undefined) return pick();
  later(callback, pick);
}

/** PBKDF2 with an HMAC of the named hash: `keylen` bytes. */
export function pbkdf2Sync(password: Data, salt: Data, iterations: number, keylen: number, digest: string): Uint8Array {
  const hash = hashNamed(digest);
  if (!hash) throw nodeError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${digest}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "iterations" is out of range. It must be >= 1. Received ${iterations}`);
  if (!Number.isInteger(keylen) || keylen < 0) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "keylen" is out of range. It must be >= 0. Received ${keylen}`);
  if (keylen === 0) return toNodeBytes(new Uint8Array(0));
  return toNodeBytes(pbkdf2Bytes(hash, dataBytes(password, undefined, "password"), dataBytes(salt, undefined, "salt"), { c: iterations, dkLen: keylen }));
}

/** pbkdf2Sync, its result given to `callback` later. */
export function pbkdf2(password: Data, salt: Data, iterations: number, keylen: number, digest: string, callback: (error: Error | null, key?: Uint8Array) => void): void {
  later(callback, () => pbkdf2Sync(password, salt, iterations, keylen, digest));
}

/** Node's crypto.webcrypto: the global Web Crypto object, subtle included. */
export const webcrypto = globalThis.crypto;

export default {
  createHash, createHmac, getHashes, getRandomValues, hash, Hash, Hmac, pbkdf2, pbkdf2Sync, randomBytes, randomFillSync,
  randomInt, randomUUID, subtle, timingSafeEqual, webcrypto,
};
