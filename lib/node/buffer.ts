/**
 * `node:buffer`: the npm `buffer` package (feross's, the one browserify and
 * most bundlers ship), which implements Node's Buffer over Uint8Array in plain
 * JavaScript, with its encodings made Node's (buffer-encodings.ts), plus
 * what Node has and it lacks: isUtf8, isAscii, kStringMaxLength, constants.
 */
import * as feross from "buffer/index.js";
import { matchNodeEncodings } from "./buffer-encodings.ts";

/** The package's members its types leave out. */
const untyped = feross as unknown as { INSPECT_MAX_BYTES: number; kMaxLength: number; SlowBuffer: (size: number) => feross.Buffer };

export const Buffer = feross.Buffer;
matchNodeEncodings(Buffer);
export type Buffer = feross.Buffer;
export const { INSPECT_MAX_BYTES, kMaxLength, SlowBuffer } = untyped;

/** The longest string QuickJS makes: its string length field has 30 bits. */
export const kStringMaxLength = 2 ** 30 - 1;

export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };

type BinaryInput = ArrayBuffer | ArrayBufferView;

function bytesOf(input: BinaryInput): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('The "input" argument must be an instance of ArrayBuffer, Buffer, TypedArray or DataView');
}

/** Whether the bytes are well-formed UTF-8, as Node's buffer.isUtf8. */
export function isUtf8(input: BinaryInput): boolean {
  const bytes = bytesOf(input);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Whether every byte is 7-bit ASCII, as Node's buffer.isAscii. */
export function isAscii(input: BinaryInput): boolean {
  return bytesOf(input).every((byte) => byte < 0x80);
}

export default { Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength, kStringMaxLength, constants, isUtf8, isAscii };
