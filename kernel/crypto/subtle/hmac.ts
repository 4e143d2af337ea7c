/** HMAC (FIPS 198-1) over the SHA family: keys, sign and verify. */
import { hmac } from "@noble/hashes/hmac.js";
import { hashName, integerMember, type Algorithm } from "./algorithm.ts";
import { base64urlDecode, base64urlEncode, constantTimeEqual } from "./bytes.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./crypto-key.ts";
import { cryptoError } from "./errors.ts";
import { blockBits, hashFunction } from "./hashes.ts";
import { asBytes, asJwk, checkJwk, checkUsages, jwkTail, requireUsages, unsupportedFormat, type AlgorithmProvider, type JsonWebKey } from "./provider.ts";

const USAGES: KeyUsage[] = ["sign", "verify"];
const JWK_ALG: Record<string, string> = { "SHA-1": "HS1", "SHA-256": "HS256", "SHA-384": "HS384", "SHA-512": "HS512" };

/** The key length in bits the algorithm asks for, else the hash's block size. */
function lengthOf(algorithm: Algorithm, hash: string): number {
  if (algorithm.length === undefined) return blockBits(hash);
  const length = integerMember(algorithm, "length");
  if (length === 0) throw new TypeError("HMAC: a key's length cannot be 0");
  return length;
}

function hmacKey(bytes: Uint8Array, algorithm: Algorithm, hash: string, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  let length = bytes.length * 8;
  if (algorithm.length !== undefined) {
    length = integerMember(algorithm, "length");
    // As browsers and Node: the length may only drop the unused bits of the last byte.
    if (length > bytes.length * 8 || length <= (bytes.length - 1) * 8) throw cryptoError("DataError", `HMAC: length ${length} does not match a ${bytes.length}-byte key`);
  }
  if (length === 0) throw cryptoError("DataError", "HMAC: the key is empty");
  return makeKey("secret", extractable, { name: "HMAC", length, hash: { name: hash } }, usages, bytes);
}

export const HMAC: AlgorithmProvider = {
  generateKey(algorithm, extractable, usages) {
    checkUsages("HMAC", usages, USAGES);
    requireUsages("HMAC", usages);
    const hash = hashName(algorithm);
    const length = lengthOf(algorithm, hash);
    const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(length / 8)));
    if (length % 8) bytes[bytes.length - 1] &= 0xff << (8 - (length % 8));
    return makeKey("secret", extractable, { name: "HMAC", length, hash: { name: hash } }, usages, bytes);
  },

  importKey(format, keyData, algorithm, extractable, usages) {
    checkUsages("HMAC", usages, USAGES);
    requireUsages("HMAC", usages);
    const hash = hashName(algorithm);
    if (format === "raw") return hmacKey(asBytes(keyData), algorithm, hash, extractable, usages);
    if (format !== "jwk") throw unsupportedFormat("HMAC", format);
    const jwk = asJwk(keyData);
    checkJwk(jwk, "oct", usages, extractable, "sig");
    const bytes = typeof jwk.k === "string" ? base64urlDecode(jwk.k) : undefined;
    if (!bytes) throw cryptoError("DataError", "HMAC: the JWK's k is missing or not base64url");
    if (jwk.alg !== undefined && jwk.alg !== JWK_ALG[hash]) throw cryptoError("DataError", `HMAC: the JWK's alg ${jwk.alg} is not ${JWK_ALG[hash]} (the algorithm's hash is ${hash})`);
    return hmacKey(bytes, algorithm, hash, extractable, usages);
  },

  exportKey(format, key) {
    const bytes = keyMaterial<Uint8Array>(key);
    if (format === "raw") return bytes.slice();
    if (format !== "jwk") throw unsupportedFormat("HMAC", format);
    const hash = (key.algorithm.hash as { name: string }).name;
    return { kty: "oct", k: base64urlEncode(bytes), alg: JWK_ALG[hash], ...jwkTail(key) } satisfies JsonWebKey;
  },

  sign(_algorithm, key, data) {
    return hmac(hashFunction((key.algorithm.hash as { name: string }).name), keyMaterial<Uint8Array>(key), data);
  },

  verify(algorithm, key, signature, data) {
    return constantTimeEqual(HMAC.sign!(algorithm, key, data), signature);
  },

  keyLength(algorithm) {
    const hash = hashName(algorithm);
    return lengthOf(algorithm, hash);
  },
};
