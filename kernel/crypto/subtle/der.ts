/**
 * The little of ASN.1 DER that SPKI and PKCS #8 keys need: reading a
 * value's tag and contents, and writing them back. Written here because
 * the keys' structures are fixed and small; an ASN.1 library would add
 * far more to the image than the forty lines it replaces.
 */

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30, CONTEXT_0: 0xa0, CONTEXT_1: 0xa1 } as const;

/** One DER value: its tag and its contents. */
export interface DerValue {
  tag: number;
  contents: Uint8Array;
}

/** The error for bytes that are not the DER expected. */
export class DerError extends Error {}

/** The values in `bytes`, one after another (all of them: trailing bytes are an error). */
export function readDer(bytes: Uint8Array): DerValue[] {
  const values: DerValue[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 2) throw new DerError("truncated DER");
    const tag = bytes[at++];
    let length = bytes[at++];
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3 || bytes.length - at < count) throw new DerError("bad DER length");
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[at++];
    }
    if (bytes.length - at < length) throw new DerError("truncated DER");
    values.push({ tag, contents: bytes.subarray(at, at + length) });
    at += length;
  }
  return values;
}

/** The one value in `bytes`, with tag `tag`. */
export function readOne(bytes: Uint8Array, tag: number): DerValue {
  const values = readDer(bytes);
  if (values.length !== 1 || values[0].tag !== tag) throw new DerError(`expected one DER value with tag 0x${tag.toString(16)}`);
  return values[0];
}

/** The elements of the SEQUENCE that is `bytes`. */
export function readSequence(bytes: Uint8Array): DerValue[] {
  return readDer(readOne(bytes, TAG.SEQUENCE).contents);
}

/** A DER value with `tag` over the concatenated parts. */
export function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const head = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : length < 0x10000 ? [tag, 0x82, length >> 8, length & 0xff] : [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(head.length + length);
  out.set(head);
  let at = head.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The dotted form of an OBJECT IDENTIFIER's contents. */
export function oidText(contents: Uint8Array): string {
  if (contents.length === 0) throw new DerError("empty OID");
  const arcs = [Math.floor(contents[0] / 40), contents[0] % 40];
  let value = 0;
  for (const byte of contents.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}

/** An OBJECT IDENTIFIER's DER from its dotted form. */
export function oid(text: string): Uint8Array {
  const [first, second, ...rest] = text.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(TAG.OID, new Uint8Array(bytes));
}

/** A SubjectPublicKeyInfo (RFC 5280) split: its AlgorithmIdentifier's contents and the public key's bytes. */
export function readSpki(bytes: Uint8Array): { algorithm: Uint8Array; publicKey: Uint8Array } {
  const [algorithm, publicKey, ...rest] = readSequence(bytes);
  if (algorithm?.tag !== TAG.SEQUENCE || publicKey?.tag !== TAG.BIT_STRING || rest.length > 0) throw new DerError("not a SubjectPublicKeyInfo");
  if (publicKey.contents[0] !== 0) throw new DerError("the public key's bit string has unused bits");
  return { algorithm: algorithm.contents, publicKey: publicKey.contents.subarray(1) };
}

/** A SubjectPublicKeyInfo from an AlgorithmIdentifier (its whole DER) and the public key's bytes. */
export function spki(algorithm: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return der(TAG.SEQUENCE, algorithm, der(TAG.BIT_STRING, Uint8Array.of(0), publicKey));
}

/** A PKCS #8 PrivateKeyInfo (RFC 5208) split: its AlgorithmIdentifier's contents and the privateKey octets. */
export function readPkcs8(bytes: Uint8Array): { algorithm: Uint8Array; privateKey: Uint8Array } {
  const [version, algorithm, privateKey] = readSequence(bytes);
  if (version?.tag !== TAG.INTEGER || algorithm?.tag !== TAG.SEQUENCE || privateKey?.tag !== TAG.OCTET_STRING) throw new DerError("not a PKCS #8 PrivateKeyInfo");
  return { algorithm: algorithm.contents, privateKey: privateKey.contents };
}

/** A version-0 PKCS #8 PrivateKeyInfo from an AlgorithmIdentifier (its whole DER) and the privateKey octets. */
export function pkcs8(algorithm: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return der(TAG.SEQUENCE, der(TAG.INTEGER, Uint8Array.of(0)), algorithm, der(TAG.OCTET_STRING, privateKey));
}
