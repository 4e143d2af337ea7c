import { utf8Encode } from "../process/text-encoding.ts";

/**
 * DNS messages (RFC 1035): an A query, and reading a response defensively —
 * names with compression pointers (bounded, so a pointer loop cannot spin),
 * answers of any type, with their TTLs.
 */

export const DNS_PORT = 53;
export const TYPE_A = 1;
export const TYPE_CNAME = 5;
const CLASS_IN = 1;
const FLAG_RESPONSE = 0x8000;
const FLAG_RECURSION_DESIRED = 0x0100;
const MAX_NAME = 255;
const MAX_POINTERS = 32;

export const RCODE_NXDOMAIN = 3;

export interface DnsAnswer {
  name: string;
  type: number;
  ttl: number;
  /** A: the address as a 32-bit number; CNAME: the target name. */
  value: number | string | undefined;
}

export interface DnsResponse {
  id: number;
  rcode: number;
  question: string | undefined;
  answers: DnsAnswer[];
}

/** A recursive query for the A records of `name`. */
export function buildQuery(id: number, name: string): Uint8Array {
  const labels = name.replace(/\.$/, "").split(".");
  if (labels.some((l) => l.length === 0 || l.length > 63) || name.length > 253) throw new RangeError(`not a DNS name: "${name}"`);
  const bytes: number[] = [id >> 8, id & 0xff, FLAG_RECURSION_DESIRED >> 8, 0, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const label of labels) {
    const encoded = utf8Encode(label);
    bytes.push(encoded.length, ...encoded);
  }
  bytes.push(0, 0, TYPE_A, 0, CLASS_IN);
  return Uint8Array.from(bytes);
}

/** A name at `at`, following pointers; returns the name and where the name ended in the message. */
function readName(bytes: Uint8Array, at: number): { name: string; next: number } | string {
  const labels: string[] = [];
  let next = -1, length = 0;
  for (let pointers = 0; ; ) {
    if (at >= bytes.length) return "a name runs past the end";
    const len = bytes[at];
    if (len === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= bytes.length) return "a name pointer runs past the end";
      if (++pointers > MAX_POINTERS) return "a loop of name pointers";
      if (next < 0) next = at + 2;
      at = ((len & 0x3f) << 8) | bytes[at + 1];
      continue;
    }
    if (len > 63) return "a label longer than 63 bytes";
    if (at + 1 + len > bytes.length) return "a label runs past the end";
    length += len + 1;
    if (length > MAX_NAME) return "a name longer than 255 bytes";
    labels.push(String.fromCharCode(...bytes.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  return { name: labels.join(".").toLowerCase(), next };
}

/** Read a response, or say why it is not one. */
export function parseResponse(bytes: Uint8Array): DnsResponse | string {
  if (bytes.length < 12) return "shorter than a DNS header";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint16(2);
  if (!(flags & FLAG_RESPONSE)) return "not a response";
  const questions = view.getUint16(4), answerCount = view.getUint16(6);
  const response: DnsResponse = { id: view.getUint16(0), rcode: flags & 0xf, question: undefined, answers: [] };
  let at = 12;
  for (let i = 0; i < questions; i++) {
    const name = readName(bytes, at);
    if (typeof name === "string") return name;
    if (name.next + 4 > bytes.length) return "a question runs past the end";
    response.question ??= name.name;
    at = name.next + 4;
  }
  for (let i = 0; i < answerCount; i++) {
    const name = readName(bytes, at);
    if (typeof name === "string") return name;
    if (name.next + 10 > bytes.length) return "an answer runs past the end";
    const type = view.getUint16(name.next), ttl = view.getUint32(name.next + 4), length = view.getUint16(name.next + 8);
    const data = name.next + 10;
    if (data + length > bytes.length) return "an answer's data runs past the end";
    let value: number | string | undefined;
    if (type === TYPE_A && length === 4) value = view.getUint32(data);
    if (type === TYPE_CNAME) {
      const target = readName(bytes, data);
      if (typeof target === "string") return target;
      value = target.name;
    }
    response.answers.push({ name: name.name, type, ttl, value });
    at = data + length;
  }
  return response;
}
