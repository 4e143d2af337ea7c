/**
 * Algorithm identifiers as Web Crypto takes them: a name, or an object with
 * a `name` and the operation's parameters; names match whatever their case.
 */
import { cryptoError } from "./errors.ts";
import { bufferSourceBytes } from "./bytes.ts";

export type AlgorithmIdentifier = string | { name: string; [member: string]: unknown };

/** A normalized algorithm: its canonical name and the caller's other members. */
export interface Algorithm {
  name: string;
  [member: string]: unknown;
}

/** Canonical names of the algorithms Toro has and the hashes, by their upper-case spelling. */
const CANONICAL = new Map(
  ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "HMAC", "ECDSA", "ECDH", "Ed25519", "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW", "PBKDF2", "HKDF", "RSASSA-PKCS1-v1_5", "RSA-PSS"]
    .map((name) => [name.toUpperCase(), name]),
);

/** `identifier` with its name canonical; NotSupportedError for a name Toro lacks. */
export function normalizeAlgorithm(identifier: unknown): Algorithm {
  const object = typeof identifier === "string" ? { name: identifier } : identifier;
  if (object === null || typeof object !== "object" || typeof (object as Algorithm).name !== "string") {
    throw new TypeError("an algorithm must be a name or an object with a name");
  }
  const name = CANONICAL.get((object as Algorithm).name.toUpperCase());
  if (!name) throw cryptoError("NotSupportedError", `Unrecognized algorithm name: ${(object as Algorithm).name}`);
  return { ...(object as Algorithm), name };
}

/** The hash member of an algorithm (`hash: "SHA-256"` or `{ name: "SHA-256" }`), canonical. */
export function hashName(algorithm: Algorithm, member = "hash"): string {
  if (algorithm[member] === undefined) throw new TypeError(`${algorithm.name}: the ${member} member is required`);
  const hash = normalizeAlgorithm(algorithm[member]).name;
  if (!hash.startsWith("SHA-")) throw cryptoError("NotSupportedError", `${algorithm.name}: ${hash} is not a hash`);
  return hash;
}

/** A required BufferSource member of an algorithm, copied. */
export function bytesMember(algorithm: Algorithm, member: string): Uint8Array {
  if (algorithm[member] === undefined) throw new TypeError(`${algorithm.name}: the ${member} member is required`);
  return bufferSourceBytes(algorithm[member], `${algorithm.name}'s ${member}`);
}

/** A required integer member of an algorithm. */
export function integerMember(algorithm: Algorithm, member: string): number {
  const value = algorithm[member];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${algorithm.name}: the ${member} member must be a non-negative integer`);
  }
  return value;
}
