/**
 * CryptoKey: what a key is to a service (its type, whether it may be
 * exported, its algorithm, its usages), with the key material out of
 * reach: kept in a WeakMap only this unit reads.
 */

export type KeyType = "secret" | "public" | "private";
export type KeyUsage = "encrypt" | "decrypt" | "sign" | "verify" | "deriveKey" | "deriveBits" | "wrapKey" | "unwrapKey";
export const KEY_USAGES: readonly KeyUsage[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

/** A key's algorithm as CryptoKey.algorithm shows it (name, and per algorithm hash, length, namedCurve...). */
export interface KeyAlgorithm {
  name: string;
  [member: string]: unknown;
}

const material = new WeakMap<CryptoKey, unknown>();
const CONSTRUCT = Symbol("construct a CryptoKey");

export class CryptoKey {
  readonly type: KeyType;
  readonly extractable: boolean;
  readonly algorithm: KeyAlgorithm;
  readonly usages: KeyUsage[];

  /** Keys come from SubtleCrypto (generateKey, importKey, deriveKey, unwrapKey), never `new`. */
  constructor(token: symbol, type: KeyType, extractable: boolean, algorithm: KeyAlgorithm, usages: KeyUsage[], keyMaterial: unknown) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
    this.type = type;
    this.extractable = extractable;
    this.algorithm = algorithm;
    // Spec order, no duplicates, whatever order the caller listed them in.
    this.usages = KEY_USAGES.filter((usage) => usages.includes(usage));
    material.set(this, keyMaterial);
  }

  get [Symbol.toStringTag](): string {
    return "CryptoKey";
  }
}

/** A generated key pair. */
export interface CryptoKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

/** A new CryptoKey over `keyMaterial` (in the form its algorithm's module keeps it). */
export function makeKey<T>(type: KeyType, extractable: boolean, algorithm: KeyAlgorithm, usages: KeyUsage[], keyMaterial: T): CryptoKey {
  return new CryptoKey(CONSTRUCT, type, extractable, algorithm, usages, keyMaterial);
}

/** The material of a key made by makeKey. */
export function keyMaterial<T>(key: CryptoKey): T {
  if (!material.has(key)) throw new TypeError("not a CryptoKey");
  return material.get(key) as T;
}
