/**
 * What one algorithm implements, and the checks every algorithm shares:
 * usages allowed at creation, and a JWK's kty, use, key_ops and ext.
 */
import type { Algorithm } from "./algorithm.ts";
import type { CryptoKey, CryptoKeyPair, KeyUsage } from "./crypto-key.ts";
import { cryptoError } from "./errors.ts";

export type KeyFormat = "raw" | "spki" | "pkcs8" | "jwk";

/** A JSON Web Key (RFC 7517) as Web Crypto imports and exports it. */
export interface JsonWebKey {
  kty?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
  crv?: string;
  k?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
}

/** One algorithm's operations; SubtleCrypto has checked the key's algorithm and usage before calling them. */
export interface AlgorithmProvider {
  generateKey?(algorithm: Algorithm, extractable: boolean, usages: KeyUsage[]): CryptoKey | CryptoKeyPair;
  importKey?(format: KeyFormat, keyData: Uint8Array | JsonWebKey, algorithm: Algorithm, extractable: boolean, usages: KeyUsage[]): CryptoKey;
  exportKey?(format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey;
  sign?(algorithm: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array;
  verify?(algorithm: Algorithm, key: CryptoKey, signature: Uint8Array, data: Uint8Array): boolean;
  encrypt?(algorithm: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array;
  decrypt?(algorithm: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array;
  /** For an algorithm that wraps keys other than by encrypt (AES-KW). */
  wrapKey?(algorithm: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array;
  unwrapKey?(algorithm: Algorithm, key: CryptoKey, data: Uint8Array): Uint8Array;
  /** `length` is in bits; null where the algorithm allows it (ECDH, all its bits). */
  deriveBits?(algorithm: Algorithm, key: CryptoKey, length: number | null): Uint8Array;
  /** The bits deriveKey must derive for a key of this algorithm (null: the KDF's choice). */
  keyLength?(algorithm: Algorithm): number | null;
}

/** SyntaxError unless every usage is one `allowed` lists. */
export function checkUsages(algorithm: string, usages: KeyUsage[], allowed: readonly KeyUsage[]): void {
  const wrong = usages.filter((usage) => !allowed.includes(usage));
  if (wrong.length > 0) throw cryptoError("SyntaxError", `${algorithm} keys cannot be used to ${wrong.join(", ")} (only ${allowed.join(", ")})`);
}

/** SyntaxError for a secret or private key made with no usages (it could never be used). */
export function requireUsages(algorithm: string, usages: KeyUsage[]): void {
  if (usages.length === 0) throw cryptoError("SyntaxError", `${algorithm}: a secret or private key needs at least one usage`);
}

/** A JWK as an object, for import: TypeError for anything else. */
export function asJwk(keyData: Uint8Array | JsonWebKey): JsonWebKey {
  if (keyData instanceof Uint8Array || keyData === null || typeof keyData !== "object") throw new TypeError("a jwk import takes a JSON Web Key object");
  return keyData;
}

/** DataError unless the JWK agrees with the import: its kty, `use`, key_ops and ext. */
export function checkJwk(jwk: JsonWebKey, kty: string, usages: KeyUsage[], extractable: boolean, use: string): void {
  if (jwk.kty !== kty) throw cryptoError("DataError", `the JWK's kty must be "${kty}", not ${JSON.stringify(jwk.kty)}`);
  if (usages.length > 0 && jwk.use !== undefined && jwk.use !== use) throw cryptoError("DataError", `the JWK's use is "${jwk.use}", not "${use}"`);
  if (jwk.key_ops !== undefined) {
    if (!Array.isArray(jwk.key_ops)) throw cryptoError("DataError", "the JWK's key_ops must be an array");
    const missing = usages.filter((usage) => !jwk.key_ops!.includes(usage));
    if (missing.length > 0) throw cryptoError("DataError", `the JWK's key_ops do not allow ${missing.join(", ")}`);
  }
  if (jwk.ext === false && extractable) throw cryptoError("DataError", "the JWK is not extractable (ext: false), so neither can the key be");
}

/** The members every exported JWK ends with. */
export function jwkTail(key: CryptoKey): { key_ops: KeyUsage[]; ext: boolean } {
  return { key_ops: [...key.usages], ext: key.extractable };
}

/** The bytes of a raw/spki/pkcs8 import: TypeError for a JWK. */
export function asBytes(keyData: Uint8Array | JsonWebKey): Uint8Array {
  if (!(keyData instanceof Uint8Array)) throw new TypeError("this key format takes an ArrayBuffer or a view of one");
  return keyData;
}

/** NotSupportedError for a format the algorithm does not have. */
export function unsupportedFormat(algorithm: string, format: string): Error {
  return cryptoError("NotSupportedError", `${algorithm} keys have no "${format}" format`);
}
