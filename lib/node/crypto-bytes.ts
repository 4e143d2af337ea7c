/**
 * Bytes as node:crypto takes and gives them: strings in Node's encodings
 * (utf8, hex, base64, base64url, latin1) to bytes and back, and results as
 * a Buffer where the process has one, else as a Uint8Array whose
 * toString(encoding) speaks those encodings (until Toro's node:buffer
 * lands, when results become Buffers through the same function).
 */
import { base64urlDecode, base64urlEncode } from "../../kernel/crypto/subtle/bytes.ts";

export type BinaryToTextEncoding = "hex" | "base64" | "base64url" | "latin1" | "binary";
export type Encoding = BinaryToTextEncoding | "utf8" | "utf-8" | "ascii";

/** A Node-style error: an Error (or subclass) with a `code`. */
export function nodeError<E extends Error>(ErrorClass: new (message: string) => E, code: string, message: string): E & { code: string } {
  return Object.assign(new ErrorClass(message), { code });
}

function normalizeEncoding(encoding: string): Encoding {
  const lower = encoding.toLowerCase();
  if (["utf8", "utf-8", "hex", "base64", "base64url", "latin1", "binary", "ascii"].includes(lower)) return lower as Encoding;
  throw nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
}

/** The bytes as text in `encoding`. */
export function encodeBytes(bytes: Uint8Array, encoding: string): string {
  switch (normalizeEncoding(encoding)) {
    case "hex": return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    case "base64": {
      const url = base64urlEncode(bytes).replace(/-/g, "+").replace(/_/g, "/");
      return url + "=".repeat((4 - (url.length % 4)) % 4);
    }
    case "base64url": return base64urlEncode(bytes);
    case "latin1": case "binary": return Array.from(bytes, (b) => String.fromCharCode(b)).join("");
    case "ascii": return Array.from(bytes, (b) => String.fromCharCode(b & 0x7f)).join("");
    default: return new TextDecoder().decode(bytes);
  }
}

/** The bytes `text` encodes in `encoding`, decoded as leniently as Node does (bad hex stops, stray base64 characters are skipped). */
export function decodeString(text: string, encoding: string): Uint8Array {
  switch (normalizeEncoding(encoding)) {
    case "hex": {
      const out: number[] = [];
      for (let i = 0; i + 1 < text.length; i += 2) {
        const byte = parseInt(text.slice(i, i + 2), 16);
        if (!/^[0-9a-fA-F]{2}$/.test(text.slice(i, i + 2))) break;
        out.push(byte);
      }
      return Uint8Array.from(out);
    }
    case "base64": case "base64url": {
      let body = text.replace(/[^A-Za-z0-9+/\-_]/g, "").replace(/\+/g, "-").replace(/\//g, "_");
      if (body.length % 4 === 1) body = body.slice(0, -1);
      return base64urlDecode(body)!;
    }
    case "latin1": case "binary": case "ascii": return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    default: return new TextEncoder().encode(text);
  }
}

/** A Uint8Array that prints itself as a Buffer would: what node:crypto returns where the process has no Buffer. */
export class NodeBytes extends Uint8Array {
  toString(encoding: string = "utf8"): string {
    return encodeBytes(this, encoding);
  }
}

type BufferConstructor = { from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array };

/** `bytes` as node:crypto returns them: a Buffer over the same memory, where there is a Buffer. */
export function toNodeBytes(bytes: Uint8Array): Uint8Array {
  const Buffer = (globalThis as { Buffer?: BufferConstructor }).Buffer;
  if (Buffer) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new NodeBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

/** What node:crypto accepts as data: a string (in `encoding`, utf8 by default), a typed array or DataView, an ArrayBuffer. */
export function dataBytes(data: unknown, encoding: string | undefined, name: string): Uint8Array {
  if (typeof data === "string") return decodeString(data, encoding ?? "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const received = data === null ? "null" : typeof data === "object" ? `an instance of ${data.constructor?.name ?? "Object"}` : `type ${typeof data} (${String(data)})`;
  throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${received}`);
}
