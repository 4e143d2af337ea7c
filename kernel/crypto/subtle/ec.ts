/**
 * Elliptic-curve keys on the NIST curves P-256, P-384 and P-521 (from
 * @noble/curves), in every format Web Crypto has (raw public points, SPKI,
 * PKCS #8, JWK), and the two algorithms over them: ECDSA and ECDH.
 */
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { hashName, type Algorithm } from "./algorithm.ts";
import { base64urlDecode, base64urlEncode } from "./bytes.ts";
import { keyMaterial, makeKey, type CryptoKey, type KeyUsage } from "./crypto-key.ts";
import { der, DerError, oid, oidText, pkcs8, readDer, readOne, readPkcs8, readSequence, readSpki, spki, TAG } from "./der.ts";
import { cryptoError } from "./errors.ts";
import { digest } from "./hashes.ts";
import { asBytes, asJwk, checkJwk, checkUsages, jwkTail, requireUsages, unsupportedFormat, type AlgorithmProvider, type JsonWebKey, type KeyFormat } from "./provider.ts";

const CURVES = {
  "P-256": { curve: p256, oid: "1.2.840.10045.3.1.7", jwkAlg: "ES256" },
  "P-384": { curve: p384, oid: "1.3.132.0.34", jwkAlg: "ES384" },
  "P-521": { curve: p521, oid: "1.3.132.0.35", jwkAlg: "ES512" },
};
type CurveName = keyof typeof CURVES;
const EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

/** What an EC CryptoKey holds: its curve, its public point (uncompressed), and for a private key the scalar. */
export interface EcKey {
  curve: CurveName;
  point: Uint8Array;
  secret?: Uint8Array;
}

/** The two algorithms differ in name, usages and JWK `use`/`alg`. */
interface EcAlgorithm {
  name: "ECDSA" | "ECDH";
  publicUsages: readonly KeyUsage[];
  privateUsages: readonly KeyUsage[];
  use: string;
}
const ECDSA_INFO: EcAlgorithm = { name: "ECDSA", publicUsages: ["verify"], privateUsages: ["sign"], use: "sig" };
const ECDH_INFO: EcAlgorithm = { name: "ECDH", publicUsages: [], privateUsages: ["deriveKey", "deriveBits"], use: "enc" };

function curveOf(algorithm: Algorithm): CurveName {
  const name = algorithm.namedCurve;
  if (typeof name !== "string") throw new TypeError(`${algorithm.name}: the namedCurve member is required`);
  if (!(name in CURVES)) throw cryptoError("NotSupportedError", `${algorithm.name}: unsupported curve ${name} (P-256, P-384, P-521)`);
  return name as CurveName;
}

const coordinateBytes = (curve: CurveName) => CURVES[curve].curve.Point.Fp.BYTES;
const scalarBytes = (curve: CurveName) => CURVES[curve].curve.lengths.secretKey!;

/** An uncompressed point from a (compressed or uncompressed) encoding; DataError if it is not on the curve. */
function decodePoint(curve: CurveName, bytes: Uint8Array): Uint8Array {
  try {
    const point = CURVES[curve].curve.Point.fromBytes(bytes);
    point.assertValidity();
    return point.toBytes(false);
  } catch {
    throw cryptoError("DataError", `not a valid ${curve} public key`);
  }
}

function privateKey(curve: CurveName, secret: Uint8Array): EcKey {
  if (secret.length !== scalarBytes(curve) || !CURVES[curve].curve.utils.isValidSecretKey(secret)) throw cryptoError("DataError", `not a valid ${curve} private key`);
  return { curve, secret, point: CURVES[curve].curve.getPublicKey(secret, false) };
}

function make(info: EcAlgorithm, key: EcKey, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  const isPrivate = key.secret !== undefined;
  checkUsages(info.name, usages, isPrivate ? info.privateUsages : info.publicUsages);
  if (isPrivate) requireUsages(info.name, usages);
  return makeKey(isPrivate ? "private" : "public", extractable, { name: info.name, namedCurve: key.curve }, usages, key);
}

const algorithmIdentifier = (curve: CurveName) => der(TAG.SEQUENCE, oid(EC_PUBLIC_KEY_OID), oid(CURVES[curve].oid));

/** The curve an SPKI/PKCS #8 AlgorithmIdentifier names; DataError for another key type or curve. */
function readAlgorithmIdentifier(bytes: Uint8Array, expected: CurveName): void {
  const [type, parameters] = readDer(bytes);
  if (type?.tag !== TAG.OID || oidText(type.contents) !== EC_PUBLIC_KEY_OID) throw cryptoError("DataError", "not an EC key");
  if (parameters?.tag !== TAG.OID) throw cryptoError("DataError", "the EC key names no curve");
  const named = Object.entries(CURVES).find(([, c]) => c.oid === oidText(parameters.contents))?.[0];
  if (named !== expected) throw cryptoError("DataError", `the key's curve (${named ?? oidText(parameters.contents)}) is not ${expected}`);
}

function importSpki(curve: CurveName, bytes: Uint8Array): EcKey {
  const { algorithm, publicKey } = readSpki(bytes);
  readAlgorithmIdentifier(algorithm, curve);
  return { curve, point: decodePoint(curve, publicKey) };
}

function importPkcs8(curve: CurveName, bytes: Uint8Array): EcKey {
  const { algorithm, privateKey: ecPrivateKey } = readPkcs8(bytes);
  readAlgorithmIdentifier(algorithm, curve);
  // RFC 5915's ECPrivateKey: version 1, the scalar, then optionally [0] the curve and [1] the public point.
  const [ecVersion, secret, ...optional] = readSequence(ecPrivateKey);
  if (ecVersion?.tag !== TAG.INTEGER || secret?.tag !== TAG.OCTET_STRING) throw new DerError("not an ECPrivateKey");
  const key = privateKey(curve, secret.contents.slice());
  const embedded = optional.find((value) => value.tag === TAG.CONTEXT_1);
  if (embedded) {
    const bits = readOne(embedded.contents, TAG.BIT_STRING).contents;
    const point = decodePoint(curve, bits.subarray(1));
    if (point.some((byte, i) => byte !== key.point[i])) throw cryptoError("DataError", "the PKCS #8 key's public point does not match its private key");
  }
  return key;
}

function importJwk(info: EcAlgorithm, curve: CurveName, jwk: JsonWebKey, extractable: boolean, usages: KeyUsage[]): EcKey {
  checkJwk(jwk, "EC", usages, extractable, info.use);
  if (jwk.crv !== curve) throw cryptoError("DataError", `the JWK's crv ${JSON.stringify(jwk.crv)} is not ${curve}`);
  if (info.name === "ECDSA" && jwk.alg !== undefined && jwk.alg !== CURVES[curve].jwkAlg) throw cryptoError("DataError", `the JWK's alg ${jwk.alg} is not ${CURVES[curve].jwkAlg}`);
  const size = coordinateBytes(curve);
  const x = typeof jwk.x === "string" ? base64urlDecode(jwk.x) : undefined;
  const y = typeof jwk.y === "string" ? base64urlDecode(jwk.y) : undefined;
  if (x?.length !== size || y?.length !== size) throw cryptoError("DataError", `the JWK's x and y must be ${size} bytes each`);
  const point = decodePoint(curve, Uint8Array.of(4, ...x, ...y));
  if (jwk.d === undefined) return { curve, point };
  const secret = typeof jwk.d === "string" ? base64urlDecode(jwk.d) : undefined;
  if (!secret) throw cryptoError("DataError", "the JWK's d is not base64url");
  const key = privateKey(curve, secret);
  if (key.point.some((byte, i) => byte !== point[i])) throw cryptoError("DataError", "the JWK's x and y are not the public key of its d");
  return key;
}

function importEc(info: EcAlgorithm, format: KeyFormat, keyData: Uint8Array | JsonWebKey, algorithm: Algorithm, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  const curve = curveOf(algorithm);
  try {
    switch (format) {
      case "raw": return make(info, { curve, point: decodePoint(curve, asBytes(keyData)) }, extractable, usages);
      case "spki": return make(info, importSpki(curve, asBytes(keyData)), extractable, usages);
      case "pkcs8": return make(info, importPkcs8(curve, asBytes(keyData)), extractable, usages);
      case "jwk": return make(info, importJwk(info, curve, asJwk(keyData), extractable, usages), extractable, usages);
      default: throw unsupportedFormat(info.name, format);
    }
  } catch (error) {
    if (error instanceof DerError) throw cryptoError("DataError", `${info.name}: ${error.message}`);
    throw error;
  }
}

function exportEc(info: EcAlgorithm, format: KeyFormat, key: CryptoKey): Uint8Array | JsonWebKey {
  const { curve, point, secret } = keyMaterial<EcKey>(key);
  const isPublic = key.type === "public";
  if ((format === "raw" || format === "spki") && !isPublic) throw cryptoError("InvalidAccessError", `a ${format} export is of a public key`);
  if (format === "pkcs8" && isPublic) throw cryptoError("InvalidAccessError", "a pkcs8 export is of a private key");
  switch (format) {
    case "raw": return point.slice();
    case "spki": return spki(algorithmIdentifier(curve), point);
    case "pkcs8": {
      const ecPrivateKey = der(TAG.SEQUENCE, der(TAG.INTEGER, Uint8Array.of(1)), der(TAG.OCTET_STRING, secret!), der(TAG.CONTEXT_1, der(TAG.BIT_STRING, Uint8Array.of(0), point)));
      return pkcs8(algorithmIdentifier(curve), ecPrivateKey);
    }
    case "jwk": {
      const size = coordinateBytes(curve);
      const jwk: JsonWebKey = { kty: "EC", crv: curve, x: base64urlEncode(point.subarray(1, 1 + size)), y: base64urlEncode(point.subarray(1 + size)) };
      if (secret) jwk.d = base64urlEncode(secret);
      return { ...jwk, ...jwkTail(key) };
    }
    default: throw unsupportedFormat(info.name, format);
  }
}

function generateEc(info: EcAlgorithm, algorithm: Algorithm, extractable: boolean, usages: KeyUsage[]) {
  const curve = curveOf(algorithm);
  checkUsages(info.name, usages, [...info.privateUsages, ...info.publicUsages]);
  const secret = CURVES[curve].curve.utils.randomSecretKey();
  const key = privateKey(curve, secret);
  return {
    // The public key is always extractable, as the spec says.
    publicKey: make(info, { curve, point: key.point }, true, usages.filter((usage) => info.publicUsages.includes(usage))),
    privateKey: make(info, key, extractable, usages.filter((usage) => info.privateUsages.includes(usage))),
  };
}

export const ECDSA: AlgorithmProvider = {
  generateKey: (algorithm, extractable, usages) => generateEc(ECDSA_INFO, algorithm, extractable, usages),
  importKey: (format, keyData, algorithm, extractable, usages) => importEc(ECDSA_INFO, format, keyData, algorithm, extractable, usages),
  exportKey: (format, key) => exportEc(ECDSA_INFO, format, key),

  /** A P1363 signature (r and s, each the size of the curve's order) of the message's hash. */
  sign(algorithm, key, data) {
    const { curve, secret } = keyMaterial<EcKey>(key);
    // Hedged (RFC 6979 with fresh randomness mixed in), as noble recommends.
    return CURVES[curve].curve.sign(digest(hashName(algorithm), data), secret!, { prehash: false, lowS: false, extraEntropy: true });
  },

  verify(algorithm, key, signature, data) {
    const { curve, point } = keyMaterial<EcKey>(key);
    const ec = CURVES[curve].curve;
    if (signature.length !== ec.lengths.signature) return false;
    try {
      return ec.verify(signature, digest(hashName(algorithm), data), point, { prehash: false, lowS: false });
    } catch {
      return false;
    }
  },
};

export const ECDH: AlgorithmProvider = {
  generateKey: (algorithm, extractable, usages) => generateEc(ECDH_INFO, algorithm, extractable, usages),
  importKey: (format, keyData, algorithm, extractable, usages) => importEc(ECDH_INFO, format, keyData, algorithm, extractable, usages),
  exportKey: (format, key) => exportEc(ECDH_INFO, format, key),

  /** The shared point's x coordinate, or its first `length` bits. */
  deriveBits(algorithm, key, length) {
    const peer = algorithm.public;
    if (!(peer instanceof Object) || (peer as CryptoKey)[Symbol.toStringTag] !== "CryptoKey") throw new TypeError("ECDH: the public member must be a CryptoKey");
    const peerKey = peer as CryptoKey;
    if (peerKey.type !== "public") throw cryptoError("InvalidAccessError", "ECDH: the public member must be a public key");
    if (peerKey.algorithm.name !== "ECDH") throw cryptoError("InvalidAccessError", `ECDH: the public key is an ${peerKey.algorithm.name} key`);
    const mine = keyMaterial<EcKey>(key), theirs = keyMaterial<EcKey>(peerKey);
    if (mine.curve !== theirs.curve) throw cryptoError("InvalidAccessError", `ECDH: the keys are on different curves (${mine.curve}, ${theirs.curve})`);
    const shared = CURVES[mine.curve].curve.getSharedSecret(mine.secret!, theirs.point, true).subarray(1);
    if (length === null) return shared.slice();
    if (length > shared.length * 8) throw cryptoError("OperationError", `ECDH: ${length} bits asked, the curve gives ${shared.length * 8}`);
    const out = shared.slice(0, Math.ceil(length / 8));
    if (length % 8) out[out.length - 1] &= 0xff << (8 - (length % 8));
    return out;
  },
};

