/** AES keys (128, 192, 256 bits) and three modes from @noble/ciphers: GCM, CBC (PKCS #7 padding) and KW (RFC 3394, for wrapping keys). */
import { aeskw, cbc, gcm } from "@noble/ciphers/aes.js";
import { bytesMember, integerMember, type Algorithm } from "./algorithm.ts";
import { base64urlDecode, base64urlEncode } from "./bytes.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./crypto-key.ts";
import { cryptoError } from "./errors.ts";
import { asBytes, asJwk, checkJwk, checkUsages, jwkTail, requireUsages, unsupportedFormat, type AlgorithmProvider, type JsonWebKey } from "./provider.ts";

const LENGTHS = [128, 192, 256];

function checkLength(name: string, length: number): number {
  if (!LENGTHS.includes(length)) throw cryptoError("OperationError", `${name}: a key is 128, 192 or 256 bits, not ${length}`);
  return length;
}

/** GCM, CBC and KW keys share everything but their name, usages and JWK alg suffix. */
function aesKeys(name: string, usages: readonly KeyUsage[], jwkSuffix: string): Pick<AlgorithmProvider, "generateKey" | "importKey" | "exportKey" | "keyLength"> {
  const make = (bytes: Uint8Array, extractable: boolean, keyUsages: KeyUsage[]) =>
    makeKey("secret", extractable, { name, length: checkLength(name, bytes.length * 8) }, keyUsages, bytes);
  const keyLength = (algorithm: Algorithm) => checkLength(name, integerMember(algorithm, "length"));
  return {
    keyLength,
    generateKey(algorithm, extractable, keyUsages) {
      checkUsages(name, keyUsages, usages);
      requireUsages(name, keyUsages);
      return make(crypto.getRandomValues(new Uint8Array(keyLength(algorithm) / 8)), extractable, keyUsages);
    },
    importKey(format, keyData, _algorithm, extractable, keyUsages) {
      checkUsages(name, keyUsages, usages);
      requireUsages(name, keyUsages);
      if (format === "raw") {
        const bytes = asBytes(keyData);
        if (!LENGTHS.includes(bytes.length * 8)) throw cryptoError("DataError", `${name}: a raw key is 16, 24 or 32 bytes, not ${bytes.length}`);
        return make(bytes, extractable, keyUsages);
      }
      if (format !== "jwk") throw unsupportedFormat(name, format);
      const jwk = asJwk(keyData);
      checkJwk(jwk, "oct", keyUsages, extractable, "enc");
      const bytes = typeof jwk.k === "string" ? base64urlDecode(jwk.k) : undefined;
      if (!bytes || !LENGTHS.includes(bytes.length * 8)) throw cryptoError("DataError", `${name}: the JWK's k is not a 128, 192 or 256-bit key`);
      const alg = `A${bytes.length * 8}${jwkSuffix}`;
      if (jwk.alg !== undefined && jwk.alg !== alg) throw cryptoError("DataError", `${name}: the JWK's alg ${jwk.alg} is not ${alg}`);
      return make(bytes, extractable, keyUsages);
    },
    exportKey(format, key) {
      const bytes = keyMaterial<Uint8Array>(key);
      if (format === "raw") return bytes.slice();
      if (format !== "jwk") throw unsupportedFormat(name, format);
      return { kty: "oct", k: base64urlEncode(bytes), alg: `A${bytes.length * 8}${jwkSuffix}`, ...jwkTail(key) } satisfies JsonWebKey;
    },
  };
}

const CIPHER_USAGES: KeyUsage[] = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];

/** The GCM parameters: iv, additionalData, and a 128-bit tag (the only length @noble/ciphers has). */
function gcmCipher(algorithm: Algorithm, key: CryptoKey) {
  const iv = bytesMember(algorithm, "iv");
  if (iv.length === 0) throw cryptoError("OperationError", "AES-GCM: the iv is empty");
  const tagLength = algorithm.tagLength === undefined ? 128 : integerMember(algorithm, "tagLength");
  if (![32, 64, 96, 104, 112, 120, 128].includes(tagLength)) throw cryptoError("OperationError", `AES-GCM: ${tagLength} is not a tag length`);
  if (tagLength !== 128) throw cryptoError("NotSupportedError", `AES-GCM: only 128-bit tags are supported, not ${tagLength}`);
  const aad = algorithm.additionalData === undefined ? undefined : bytesMember(algorithm, "additionalData");
  return gcm(keyMaterial<Uint8Array>(key), iv, aad);
}

function cbcCipher(algorithm: Algorithm, key: CryptoKey) {
  const iv = bytesMember(algorithm, "iv");
  if (iv.length !== 16) throw cryptoError("OperationError", `AES-CBC: the iv is 16 bytes, not ${iv.length}`);
  return cbc(keyMaterial<Uint8Array>(key), iv);
}

/** A decryption that fails (a wrong tag, bad padding) is an OperationError. */
function decrypting(name: string, run: () => Uint8Array): Uint8Array {
  try {
    return run();
  } catch {
    throw cryptoError("OperationError", `${name}: the data could not be decrypted`);
  }
}

export const AES_GCM: AlgorithmProvider = {
  ...aesKeys("AES-GCM", CIPHER_USAGES, "GCM"),
  encrypt: (algorithm, key, data) => gcmCipher(algorithm, key).encrypt(data),
  decrypt: (algorithm, key, data) => {
    const cipher = gcmCipher(algorithm, key);
    return decrypting("AES-GCM", () => cipher.decrypt(data));
  },
};

export const AES_CBC: AlgorithmProvider = {
  ...aesKeys("AES-CBC", CIPHER_USAGES, "CBC"),
  encrypt: (algorithm, key, data) => cbcCipher(algorithm, key).encrypt(data),
  decrypt: (algorithm, key, data) => {
    const cipher = cbcCipher(algorithm, key);
    return decrypting("AES-CBC", () => cipher.decrypt(data));
  },
};

export const AES_KW: AlgorithmProvider = {
  ...aesKeys("AES-KW", ["wrapKey", "unwrapKey"], "KW"),
  wrapKey: (_algorithm, key, data) => {
    if (data.length % 8 !== 0 || data.length < 16) throw cryptoError("OperationError", `AES-KW wraps a multiple of 8 bytes, at least 16, not ${data.length}`);
    return aeskw(keyMaterial<Uint8Array>(key)).encrypt(data);
  },
  unwrapKey: (_algorithm, key, data) => decrypting("AES-KW", () => aeskw(keyMaterial<Uint8Array>(key)).decrypt(data)),
};
