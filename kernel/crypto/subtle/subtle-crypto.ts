/**
 * SubtleCrypto: Web Crypto's operations (W3C Web Cryptography API), each
 * checking its arguments as the spec orders (algorithm, key algorithm,
 * usage) before handing them to the algorithm's provider. Every method
 * returns a promise; a bad argument rejects it, never throws.
 */
import { normalizeAlgorithm, type Algorithm, type AlgorithmIdentifier } from "./algorithm.ts";
import { AES_CBC, AES_GCM, AES_KW } from "./aes.ts";
import { bufferSourceBytes, toArrayBuffer, type BufferSource } from "./bytes.ts";
import { CryptoKey, KEY_USAGES, type CryptoKeyPair, type KeyUsage } from "./crypto-key.ts";
import { ECDH, ECDSA } from "./ec.ts";
import { ED25519 } from "./ed25519.ts";
import { cryptoError } from "./errors.ts";
import { digest, HASHES } from "./hashes.ts";
import { HMAC } from "./hmac.ts";
import { HKDF, PBKDF2 } from "./kdf.ts";
import type { AlgorithmProvider, JsonWebKey, KeyFormat } from "./provider.ts";
import { RSASSA_PKCS1_V1_5, RSA_PSS } from "./rsa.ts";

const PROVIDERS: Record<string, AlgorithmProvider> = {
  HMAC, ECDSA, ECDH, Ed25519: ED25519, "AES-GCM": AES_GCM, "AES-CBC": AES_CBC, "AES-KW": AES_KW, PBKDF2, HKDF,
  "RSASSA-PKCS1-v1_5": RSASSA_PKCS1_V1_5, "RSA-PSS": RSA_PSS,
};
const FORMATS: readonly KeyFormat[] = ["raw", "spki", "pkcs8", "jwk"];

type Operation = Exclude<keyof AlgorithmProvider, "keyLength">;

/** The algorithm normalized, and its provider of `operation`: NotSupportedError if Toro has neither. */
function providerFor(identifier: unknown, operation: Operation): [Algorithm, Required<AlgorithmProvider>] {
  const algorithm = normalizeAlgorithm(identifier);
  const provider = PROVIDERS[algorithm.name];
  if (!provider?.[operation]) throw cryptoError("NotSupportedError", `${algorithm.name} does not support ${operation}`);
  return [algorithm, provider as Required<AlgorithmProvider>];
}

/** TypeError unless `key` is a CryptoKey; InvalidAccessError unless it is for `algorithm` and allows `usage`. */
function checkKey(key: unknown, algorithm: Algorithm, usage: KeyUsage): CryptoKey {
  if (!(key instanceof CryptoKey)) throw new TypeError("the key must be a CryptoKey");
  if (key.algorithm.name !== algorithm.name) throw cryptoError("InvalidAccessError", `the key is for ${key.algorithm.name}, not ${algorithm.name}`);
  if (!key.usages.includes(usage)) throw cryptoError("InvalidAccessError", `the key's usages (${key.usages.join(", ") || "none"}) do not include ${usage}`);
  return key;
}

function checkUsageList(usages: unknown): KeyUsage[] {
  if (!Array.isArray(usages) || usages.some((usage) => !KEY_USAGES.includes(usage))) {
    throw new TypeError(`key usages must be an array of ${KEY_USAGES.join(", ")}`);
  }
  return usages;
}

function checkFormat(format: unknown): KeyFormat {
  if (!FORMATS.includes(format as KeyFormat)) throw new TypeError(`a key format is one of ${FORMATS.join(", ")}, not ${String(format)}`);
  return format as KeyFormat;
}

function keyDataOf(format: KeyFormat, keyData: unknown): Uint8Array | JsonWebKey {
  if (format !== "jwk") return bufferSourceBytes(keyData, "the key data");
  if (keyData === null || typeof keyData !== "object" || ArrayBuffer.isView(keyData) || keyData instanceof ArrayBuffer) throw new TypeError("a jwk import takes a JSON Web Key object");
  return keyData as JsonWebKey;
}

function exported(result: Uint8Array | JsonWebKey): ArrayBuffer | JsonWebKey {
  return result instanceof Uint8Array ? toArrayBuffer(result) : result;
}

/** Web Crypto's SubtleCrypto (`crypto.subtle`). */
export class SubtleCrypto {
  get [Symbol.toStringTag](): string {
    return "SubtleCrypto";
  }

  /** The digest of `data` under SHA-1, SHA-256, SHA-384 or SHA-512. */
  async digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    const { name } = normalizeAlgorithm(algorithm);
    if (!HASHES[name]) throw cryptoError("NotSupportedError", `${name} is not a digest algorithm`);
    return toArrayBuffer(digest(name, bufferSourceBytes(data)));
  }

  /** A new secret key, or key pair (ECDSA, ECDH). */
  async generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey | CryptoKeyPair> {
    const [normalized, provider] = providerFor(algorithm, "generateKey");
    return provider.generateKey(normalized, Boolean(extractable), checkUsageList(usages));
  }

  /** A key from its raw bytes, SPKI, PKCS #8 or JWK form. */
  async importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
    const checked = checkFormat(format);
    const [normalized, provider] = providerFor(algorithm, "importKey");
    return provider.importKey(checked, keyDataOf(checked, keyData), normalized, Boolean(extractable), checkUsageList(usages));
  }

  /** An extractable key in `format`: an ArrayBuffer, or a JWK object. */
  async exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey> {
    const checked = checkFormat(format);
    if (!(key instanceof CryptoKey)) throw new TypeError("the key must be a CryptoKey");
    const [, provider] = providerFor(key.algorithm.name, "exportKey");
    if (!key.extractable) throw cryptoError("InvalidAccessError", "the key is not extractable");
    return exported(provider.exportKey(checked, key));
  }

  async sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    const [normalized, provider] = providerFor(algorithm, "sign");
    return toArrayBuffer(provider.sign(normalized, checkKey(key, normalized, "sign"), bufferSourceBytes(data)));
  }

  /** Whether `signature` is the key's signature of `data` (false, not an error, for any bad signature). */
  async verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
    const [normalized, provider] = providerFor(algorithm, "verify");
    return provider.verify(normalized, checkKey(key, normalized, "verify"), bufferSourceBytes(signature, "the signature"), bufferSourceBytes(data));
  }

  async encrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    const [normalized, provider] = providerFor(algorithm, "encrypt");
    return toArrayBuffer(provider.encrypt(normalized, checkKey(key, normalized, "encrypt"), bufferSourceBytes(data)));
  }

  /** The plaintext; OperationError when the data is not what the key encrypted (a wrong tag, bad padding). */
  async decrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    const [normalized, provider] = providerFor(algorithm, "decrypt");
    return toArrayBuffer(provider.decrypt(normalized, checkKey(key, normalized, "decrypt"), bufferSourceBytes(data)));
  }

  /** `length` bits from a KDF (PBKDF2, HKDF) or a key agreement (ECDH; null for all its bits). */
  async deriveBits(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, length?: number | null): Promise<ArrayBuffer> {
    const [normalized, provider] = providerFor(algorithm, "deriveBits");
    return toArrayBuffer(provider.deriveBits(normalized, checkKey(baseKey, normalized, "deriveBits"), length ?? null));
  }

  /** A key of `derivedKeyType` (HMAC, AES) made of bits derived from `baseKey`. */
  async deriveKey(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, derivedKeyType: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
    const [normalized, provider] = providerFor(algorithm, "deriveBits");
    const [derived, derivedProvider] = providerFor(derivedKeyType, "importKey");
    if (!derivedProvider.keyLength) throw cryptoError("NotSupportedError", `a ${derived.name} key cannot be derived`);
    const length = derivedProvider.keyLength(derived);
    const bits = provider.deriveBits(normalized, checkKey(baseKey, normalized, "deriveKey"), length);
    return derivedProvider.importKey("raw", bits, derived, Boolean(extractable), checkUsageList(usages));
  }

  /** `key` exported in `format` and encrypted (or AES-KW wrapped) under `wrappingKey`. */
  async wrapKey(format: KeyFormat, key: CryptoKey, wrappingKey: CryptoKey, wrapAlgorithm: AlgorithmIdentifier): Promise<ArrayBuffer> {
    const algorithm = normalizeAlgorithm(wrapAlgorithm);
    const operation = PROVIDERS[algorithm.name]?.wrapKey ? "wrapKey" : "encrypt";
    const [normalized, provider] = providerFor(algorithm, operation);
    checkKey(wrappingKey, normalized, "wrapKey");
    const exportedKey = await this.exportKey(format, key);
    const bytes = exportedKey instanceof ArrayBuffer ? new Uint8Array(exportedKey) : new TextEncoder().encode(JSON.stringify(exportedKey));
    return toArrayBuffer(provider[operation](normalized, wrappingKey, bytes));
  }

  /** The key `wrapKey` wrapped, decrypted under `unwrappingKey` and imported. */
  async unwrapKey(format: KeyFormat, wrappedKey: BufferSource, unwrappingKey: CryptoKey, unwrapAlgorithm: AlgorithmIdentifier,
    unwrappedKeyAlgorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
    const algorithm = normalizeAlgorithm(unwrapAlgorithm);
    const operation = PROVIDERS[algorithm.name]?.unwrapKey ? "unwrapKey" : "decrypt";
    const [normalized, provider] = providerFor(algorithm, operation);
    checkKey(unwrappingKey, normalized, "unwrapKey");
    const bytes = provider[operation](normalized, unwrappingKey, bufferSourceBytes(wrappedKey, "the wrapped key"));
    let keyData: Uint8Array | JsonWebKey = bytes;
    if (checkFormat(format) === "jwk") {
      try {
        keyData = JSON.parse(new TextDecoder().decode(bytes)) as JsonWebKey;
      } catch {
        throw cryptoError("DataError", "the unwrapped key is not a JSON Web Key");
      }
    }
    return this.importKey(format, keyData, unwrappedKeyAlgorithm, extractable, usages);
  }
}
