/**
 * RSA signature verification (RFC 8017): RSASSA-PKCS1-v1_5 and RSA-PSS with
 * public keys imported as SPKI or JWK, enough to check RS256/PS256 tokens an
 * identity provider signs. Private RSA keys (signing, key generation) are
 * not supported. Written here because @noble has no RSA, and verification
 * is one modular exponentiation with a small exponent and a padding check.
 */
import { hashName, integerMember, type Algorithm } from "./algorithm.ts";
import { base64urlDecode, base64urlEncode, constantTimeEqual } from "./bytes.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./crypto-key.ts";
import { der, DerError, oid, oidText, readDer, readSequence, spki, TAG } from "./der.ts";
import { cryptoError } from "./errors.ts";
import { digest, hashFunction } from "./hashes.ts";
import { asBytes, asJwk, checkJwk, checkUsages, jwkTail, unsupportedFormat, type AlgorithmProvider, type JsonWebKey, type KeyFormat } from "./provider.ts";

const RSA_ENCRYPTION_OID = "1.2.840.113549.1.1.1";

/** What an RSA public CryptoKey holds. */
interface RsaPublicKey {
  n: bigint;
  e: bigint;
  /** The modulus's bytes, without leading zeros. */
  modulus: Uint8Array;
  exponent: Uint8Array;
}

/** DigestInfo's DER before the hash (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO: Record<string, number[]> = {
  "SHA-1": [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14],
  "SHA-256": [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
  "SHA-384": [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
  "SHA-512": [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
};

const toBigInt = (bytes: Uint8Array) => bytes.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
const stripZeros = (bytes: Uint8Array) => bytes.subarray(Math.max(0, bytes.findIndex((b) => b !== 0)));

/** `value` as `length` big-endian bytes; undefined if it does not fit. */
function toBytes(value: bigint, length: number): Uint8Array | undefined {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, value >>= 8n) out[i] = Number(value & 0xffn);
  return value === 0n ? out : undefined;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  base %= modulus;
  for (; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
  }
  return result;
}

/** RSAVP1: the signature's representative raised to e, or undefined for a signature out of range. */
function openSignature(key: RsaPublicKey, signature: Uint8Array, length: number): Uint8Array | undefined {
  if (signature.length !== key.modulus.length) return undefined;
  const s = toBigInt(signature);
  if (s >= key.n) return undefined;
  return toBytes(modPow(s, key.e, key.n), length);
}

function publicKey(modulus: Uint8Array, exponent: Uint8Array): RsaPublicKey {
  const m = stripZeros(modulus), e = stripZeros(exponent);
  if (m.length < 64 || e.length === 0 || e.length > 8) throw cryptoError("DataError", "not an RSA public key (a modulus of 512 bits or more, a small exponent)");
  return { n: toBigInt(m), e: toBigInt(e), modulus: m.slice(), exponent: e.slice() };
}

function importSpki(bytes: Uint8Array): RsaPublicKey {
  const [algorithm, bits] = readSequence(bytes);
  if (algorithm?.tag !== TAG.SEQUENCE || bits?.tag !== TAG.BIT_STRING) throw new DerError("not a SubjectPublicKeyInfo");
  const [type] = readDer(algorithm.contents);
  if (type?.tag !== TAG.OID || oidText(type.contents) !== RSA_ENCRYPTION_OID) throw cryptoError("DataError", "not an RSA key");
  const [n, e] = readSequence(bits.contents.subarray(1));
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) throw new DerError("not an RSAPublicKey");
  return publicKey(n.contents, e.contents);
}

/** A positive INTEGER's DER (a leading zero where the top bit is set). */
const integer = (bytes: Uint8Array) => der(TAG.INTEGER, ...(bytes[0] & 0x80 ? [Uint8Array.of(0)] : []), bytes);

/** The checks shared by both schemes; `verifyEncoded` is the scheme's padding check. */
function rsaVerifier(name: string, jwkAlgPrefix: string, verifyEncoded: (algorithm: Algorithm, key: CryptoKey, signature: Uint8Array, data: Uint8Array) => boolean): AlgorithmProvider {
  const jwkAlg = (hash: string) => `${jwkAlgPrefix}${hash === "SHA-1" ? "1" : hash.slice(4)}`;
  return {
    importKey(format: KeyFormat, keyData, algorithm, extractable, usages: KeyUsage[]) {
      const hash = hashName(algorithm);
      if (format === "pkcs8" || (format === "jwk" && asJwk(keyData).d !== undefined)) throw cryptoError("NotSupportedError", `${name}: private RSA keys are not supported (Toro verifies RSA signatures only)`);
      checkUsages(name, usages, ["verify"]);
      let key: RsaPublicKey;
      try {
        if (format === "spki") key = importSpki(asBytes(keyData));
        else if (format === "jwk") {
          const jwk = asJwk(keyData);
          checkJwk(jwk, "RSA", usages, extractable, "sig");
          if (jwk.alg !== undefined && jwk.alg !== jwkAlg(hash)) throw cryptoError("DataError", `${name}: the JWK's alg ${jwk.alg} is not ${jwkAlg(hash)}`);
          const n = typeof jwk.n === "string" ? base64urlDecode(jwk.n) : undefined;
          const e = typeof jwk.e === "string" ? base64urlDecode(jwk.e) : undefined;
          if (!n || !e) throw cryptoError("DataError", `${name}: the JWK's n and e must be base64url`);
          key = publicKey(n, e);
        } else throw unsupportedFormat(name, format);
      } catch (error) {
        if (error instanceof DerError) throw cryptoError("DataError", `${name}: ${error.message}`);
        throw error;
      }
      const modulusLength = key.n.toString(2).length;
      return makeKey("public", extractable, { name, modulusLength, publicExponent: key.exponent.slice(), hash: { name: hash } }, usages, key);
    },
    exportKey(format, key) {
      const { modulus, exponent } = keyMaterial<RsaPublicKey>(key);
      if (format === "spki") {
        const algorithm = der(TAG.SEQUENCE, oid(RSA_ENCRYPTION_OID), der(TAG.NULL));
        return spki(algorithm, der(TAG.SEQUENCE, integer(modulus), integer(exponent)));
      }
      if (format !== "jwk") throw unsupportedFormat(name, format);
      const hash = (key.algorithm.hash as { name: string }).name;
      return { kty: "RSA", n: base64urlEncode(modulus), e: base64urlEncode(exponent), alg: jwkAlg(hash), ...jwkTail(key) } satisfies JsonWebKey;
    },
    verify: verifyEncoded,
  };
}

/** EMSA-PKCS1-v1_5: 00 01 FF… 00, DigestInfo, the hash. */
export const RSASSA_PKCS1_V1_5 = rsaVerifier("RSASSA-PKCS1-v1_5", "RS", (_algorithm, key, signature, data) => {
  const material = keyMaterial<RsaPublicKey>(key);
  const k = material.modulus.length;
  const encoded = openSignature(material, signature, k);
  if (!encoded) return false;
  const hash = (key.algorithm.hash as { name: string }).name;
  const t = Uint8Array.of(...DIGEST_INFO[hash], ...digest(hash, data));
  if (k < t.length + 11) return false;
  const expected = new Uint8Array(k).fill(0xff);
  expected[0] = 0;
  expected[1] = 1;
  expected[k - t.length - 1] = 0;
  expected.set(t, k - t.length);
  return constantTimeEqual(encoded, expected);
});

/** MGF1 (RFC 8017 appendix B.2.1) over the hash. */
function mgf1(hash: string, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const h = hashFunction(hash);
  for (let counter = 0, at = 0; at < length; counter++, at += h.outputLen) {
    const block = h(Uint8Array.of(...seed, counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
  }
  return out;
}

/** EMSA-PSS-VERIFY (RFC 8017 section 9.1.2) with MGF1 over the key's hash and the algorithm's saltLength. */
export const RSA_PSS = rsaVerifier("RSA-PSS", "PS", (algorithm, key, signature, data) => {
  const material = keyMaterial<RsaPublicKey>(key);
  const saltLength = integerMember(algorithm, "saltLength");
  const hash = (key.algorithm.hash as { name: string }).name;
  const hLen = hashFunction(hash).outputLen;
  const emBits = material.n.toString(2).length - 1;
  const emLen = Math.ceil(emBits / 8);
  const encoded = openSignature(material, signature, material.modulus.length);
  if (!encoded || encoded.length - emLen > 1 || (encoded.length > emLen && encoded[0] !== 0)) return false;
  const em = encoded.subarray(encoded.length - emLen);
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1), h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if (maskedDb[0] & ~topMask) return false;
  const db = mgf1(hash, h, maskedDb.length).map((byte, i) => byte ^ maskedDb[i]);
  db[0] &= topMask;
  const padEnd = emLen - hLen - saltLength - 2;
  if (db.subarray(0, padEnd).some((byte) => byte !== 0) || db[padEnd] !== 1) return false;
  const salt = db.subarray(db.length - saltLength);
  return constantTimeEqual(digest(hash, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, ...digest(hash, data), ...salt)), h);
});
