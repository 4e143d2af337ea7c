/** The key-derivation functions PBKDF2 (RFC 8018) and HKDF (RFC 5869), from @noble/hashes: raw, non-extractable keys that only derive. */
import { hkdf } from "@noble/hashes/hkdf.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { bytesMember, hashName, integerMember } from "./algorithm.ts";
import { keyMaterial, makeKey, type KeyUsage } from "./crypto-key.ts";
import { cryptoError } from "./errors.ts";
import { hashFunction } from "./hashes.ts";
import { asBytes, checkUsages, unsupportedFormat, type AlgorithmProvider } from "./provider.ts";

const USAGES: KeyUsage[] = ["deriveKey", "deriveBits"];

function kdfKeys(name: string): Pick<AlgorithmProvider, "importKey"> {
  return {
    importKey(format, keyData, _algorithm, extractable, usages) {
      if (format !== "raw") throw unsupportedFormat(name, format);
      checkUsages(name, usages, USAGES);
      if (extractable) throw cryptoError("SyntaxError", `${name} keys cannot be extractable`);
      return makeKey("secret", false, { name }, usages, asBytes(keyData));
    },
  };
}

/** A KDF's length: a non-zero multiple of 8 bits. */
function byteLength(name: string, length: number | null): number {
  if (length === null || length === 0 || length % 8 !== 0) throw cryptoError("OperationError", `${name}: the length must be a non-zero multiple of 8 bits, not ${length}`);
  return length / 8;
}

export const PBKDF2: AlgorithmProvider = {
  ...kdfKeys("PBKDF2"),
  deriveBits(algorithm, key, length) {
    const dkLen = byteLength("PBKDF2", length);
    const iterations = integerMember(algorithm, "iterations");
    if (iterations === 0) throw cryptoError("OperationError", "PBKDF2: iterations must be at least 1");
    return pbkdf2(hashFunction(hashName(algorithm)), keyMaterial<Uint8Array>(key), bytesMember(algorithm, "salt"), { c: iterations, dkLen });
  },
};

export const HKDF: AlgorithmProvider = {
  ...kdfKeys("HKDF"),
  deriveBits(algorithm, key, length) {
    const hash = hashFunction(hashName(algorithm));
    const bytes = byteLength("HKDF", length);
    if (bytes > 255 * hash.outputLen) throw cryptoError("OperationError", `HKDF: at most ${255 * hash.outputLen * 8} bits with this hash`);
    return hkdf(hash, keyMaterial<Uint8Array>(key), bytesMember(algorithm, "salt"), bytesMember(algorithm, "info"), bytes);
  },
};
