/**
 * Ed25519 (RFC 8032) as Web Crypto has it (Secure Curves in the Web
 * Cryptography API): sign and verify over @noble/curves' ed25519, keys in
 * raw (public), SPKI, PKCS #8 (RFC 8410) and JWK (OKP, RFC 8037) formats.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import type { Algorithm } from "./algorithm.ts";
import { base64urlDecode, base64urlEncode } from "./bytes.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./crypto-key.ts";
import { der, DerError, oid, oidText, pkcs8, readDer, readOne, readPkcs8, readSpki, spki, TAG } from "./der.ts";
import { cryptoError } from "./errors.ts";
import { asBytes, asJwk, checkJwk, checkUsages, jwkTail, requireUsages, unsupportedFormat, type AlgorithmProvider, type JsonWebKey, type KeyFormat } from "./provider.ts";

const NAME = "Ed25519";
const ED25519_OID = "1.3.101.112";
const KEY_BYTES = 32;

/** What an Ed25519 CryptoKey holds: the public key, and for a private key its 32-byte seed. */
interface EdKey {
  publicKey: Uint8Array;
  seed?: Uint8Array;
}

function make(key: EdKey, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  const isPrivate = key.seed !== undefined;
  checkUsages(NAME, usages, isPrivate ? ["sign"] : ["verify"]);
  if (isPrivate) requireUsages(NAME, usages);
  return makeKey(isPrivate ? "private" : "public", extractable, { name: NAME }, usages, key);
}

function publicKeyOf(bytes: Uint8Array): EdKey {
  if (bytes.length !== KEY_BYTES) throw cryptoError("DataError", `an Ed25519 public key is ${KEY_BYTES} bytes, not ${bytes.length}`);
  try {
    ed25519.Point.fromBytes(bytes);
  } catch {
    throw cryptoError("DataError", "not a valid Ed25519 public key");
  }
  return { publicKey: bytes.slice() };
}

function privateKeyOf(seed: Uint8Array): EdKey {
  if (seed.length !== KEY_BYTES) throw cryptoError("DataError", `an Ed25519 private key is ${KEY_BYTES} bytes, not ${seed.length}`);
  return { seed: seed.slice(), publicKey: ed25519.getPublicKey(seed) };
}

const algorithmIdentifier = () => der(TAG.SEQUENCE, oid(ED25519_OID));

/** DataError unless an AlgorithmIdentifier is Ed25519's (RFC 8410: no parameters). */
function readAlgorithmIdentifier(bytes: Uint8Array): void {
  const [type, ...parameters] = readDer(bytes);
  if (type?.tag !== TAG.OID || oidText(type.contents) !== ED25519_OID || parameters.length > 0) throw cryptoError("DataError", "not an Ed25519 key");
}

function importSpki(bytes: Uint8Array): EdKey {
  const { algorithm, publicKey } = readSpki(bytes);
  readAlgorithmIdentifier(algorithm);
  return publicKeyOf(publicKey);
}

function importPkcs8(bytes: Uint8Array): EdKey {
  const { algorithm, privateKey } = readPkcs8(bytes);
  readAlgorithmIdentifier(algorithm);
  // RFC 8410: the private key is a CurvePrivateKey, itself an OCTET STRING of the seed.
  return privateKeyOf(readOne(privateKey, TAG.OCTET_STRING).contents);
}

function importJwk(jwk: JsonWebKey, extractable: boolean, usages: KeyUsage[]): EdKey {
  checkJwk(jwk, "OKP", usages, extractable, "sig");
  if (jwk.crv !== NAME) throw cryptoError("DataError", `the JWK's crv ${JSON.stringify(jwk.crv)} is not Ed25519`);
  if (jwk.alg !== undefined && jwk.alg !== "EdDSA" && jwk.alg !== "Ed25519") throw cryptoError("DataError", `the JWK's alg ${jwk.alg} is not EdDSA`);
  const x = typeof jwk.x === "string" ? base64urlDecode(jwk.x) : undefined;
  if (!x) throw cryptoError("DataError", "the JWK has no x");
  const key = publicKeyOf(x);
  if (jwk.d === undefined) return key;
  const seed = typeof jwk.d === "string" ? base64urlDecode(jwk.d) : undefined;
  if (!seed) throw cryptoError("DataError", "the JWK's d is not base64url");
  const both = privateKeyOf(seed);
  if (both.publicKey.some((byte, i) => byte !== key.publicKey[i])) throw cryptoError("DataError", "the JWK's x is not the public key of its d");
  return both;
}

function importEd(format: KeyFormat, keyData: Uint8Array | JsonWebKey, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  try {
    switch (format) {
      case "raw": return make(publicKeyOf(asBytes(keyData)), extractable, usages);
      case "spki": return make(importSpki(asBytes(keyData)), extractable, usages);
      case "pkcs8": return make(importPkcs8(asBytes(keyData)), extractable, usages);
      case "jwk": return make(importJwk(asJwk(keyData), extractable, usages), extractable, usages);
      default: throw unsupportedFormat(NAME, format);
    }
  } catch (error) {
    if (error instanceof DerError) throw cryptoError("DataError", `${NAME}: ${error.message}`);
    throw error;
  }
}

function exportEd(format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey {
  const { publicKey, seed } = keyMaterial<EdKey>(key);
  const isPublic = key.type === "public";
  if ((format === "raw" || format === "spki") && !isPublic) throw cryptoError("InvalidAccessError", `a ${format} export is of a public key`);
  if (format === "pkcs8" && isPublic) throw cryptoError("InvalidAccessError", "a pkcs8 export is of a private key");
  switch (format) {
    case "raw": return publicKey.slice();
    case "spki": return spki(algorithmIdentifier(), publicKey);
    case "pkcs8": return pkcs8(algorithmIdentifier(), der(TAG.OCTET_STRING, seed!));
    case "jwk": {
      // alg as the Secure Curves draft (and Node) give it; "EdDSA" is accepted on import too.
      const jwk: JsonWebKey = { kty: "OKP", crv: NAME, alg: NAME, x: base64urlEncode(publicKey) };
      if (seed) jwk.d = base64urlEncode(seed);
      return { ...jwk, ...jwkTail(key) };
    }
    default: throw unsupportedFormat(NAME, format);
  }
}

export const ED25519: AlgorithmProvider = {
  generateKey(_algorithm: Algorithm, extractable, usages) {
    checkUsages(NAME, usages, ["sign", "verify"]);
    const key = privateKeyOf(ed25519.utils.randomSecretKey());
    return {
      // The public key is always extractable, as the spec says.
      publicKey: make({ publicKey: key.publicKey }, true, usages.filter((usage) => usage === "verify")),
      privateKey: make(key, extractable, usages.filter((usage) => usage === "sign")),
    };
  },
  importKey: (format, keyData, _algorithm, extractable, usages) => importEd(format, keyData, extractable, usages),
  exportKey: (format, key) => exportEd(format, key),
  sign: (_algorithm, key, data) => ed25519.sign(data, keyMaterial<EdKey>(key).seed!),
  verify(_algorithm, key, signature, data) {
    if (signature.length !== 64) return false;
    try {
      return ed25519.verify(signature, data, keyMaterial<EdKey>(key).publicKey);
    } catch {
      return false;
    }
  },
};
