/** The SHA family Web Crypto names, from @noble/hashes. */
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { CHash } from "@noble/hashes/utils.js";
import { cryptoError } from "./errors.ts";

export const HASHES: Record<string, CHash> = { "SHA-1": sha1, "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 };

/** The hash function by its canonical name (as hashName() gives it). */
export function hashFunction(name: string): CHash {
  const hash = HASHES[name];
  if (!hash) throw cryptoError("NotSupportedError", `${name} is not a supported hash`);
  return hash;
}

/** The hash's block size in bits: an HMAC key's default length. */
export function blockBits(name: string): number {
  return hashFunction(name).blockLen * 8;
}

/** The digest of `data` under the named hash. */
export function digest(name: string, data: Uint8Array): Uint8Array {
  return hashFunction(name)(data);
}
