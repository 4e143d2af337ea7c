/**
 * Bytes as node:crypto takes and gives them: strings in Node's encodings to
 * bytes and back, and results as Buffers, all through Toro's node:buffer.
 */
import { Buffer } from "./buffer.ts";

export type BinaryToTextEncoding = "hex" | "base64" | "base64url" | "latin1" | "binary";
export type Encoding = BinaryToTextEncoding | "utf8" | "utf-8" | "ascii";

/** A Node-style error: an Error (or subclass) with a `code`. */
export function nodeError<E extends Error>(ErrorClass: new (message: string) => E, code: string, message: string): E & { code: string } {
  return Object.assign(new ErrorClass(message), { code });
}

function checkEncoding(encoding: string): BufferEncoding {
  if (!Buffer.isEncoding(encoding)) throw nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${encoding}`);
  return encoding as BufferEncoding;
}

/** `bytes` as node:crypto returns them: a Buffer over the same memory. */
export function toNodeBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

/** The bytes as text in `encoding`. */
export function encodeBytes(bytes: Uint8Array, encoding: string): string {
  return toNodeBytes(bytes).toString(checkEncoding(encoding));
}

/** The bytes `text` encodes in `encoding`, decoded as leniently as Node does (bad hex stops, stray base64 characters are skipped). */
export function decodeString(text: string, encoding: string): Uint8Array {
  const decoded = Buffer.from(text, checkEncoding(encoding));
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}

/** What node:crypto accepts as data: a string (in `encoding`, utf8 by default), a typed array or DataView, an ArrayBuffer. */
export function dataBytes(data: unknown, encoding: string | undefined, name: string): Uint8Array {
  if (typeof data === "string") return decodeString(data, encoding ?? "utf8");
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const received = data === null ? "null" : typeof data === "object" ? `an instance of ${data.constructor?.name ?? "Object"}` : `type ${typeof data} (${String(data)})`;
  throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${received}`);
}
