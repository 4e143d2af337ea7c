/**
 * atob() and btoa() (HTML §8.3): base64 between binary strings (one char a
 * byte) and ASCII, with the forgiving decoder's rules: ASCII whitespace is
 * ignored, padding is optional, and anything else that is not base64 is an
 * InvalidCharacterError.
 */
import { DOMException } from "./dom-exception.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// A char code → its 6-bit value, or 255 for what is not in the alphabet.
const VALUES = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

// String.fromCharCode takes its arguments on the stack: a few thousand at a time.
const CHUNK = 8192;

function binaryString(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return text;
}

function convert(value: unknown, name: string, argumentCount: number): string {
  if (argumentCount === 0) throw new TypeError(`The "${name}" argument must be specified`);
  // As Web IDL converts to a DOMString: a Symbol is a TypeError, not "Symbol()".
  return `${value as string}`;
}

/** Decode base64 `data` into a binary string (InvalidCharacterError if it is not base64). */
export function atob(data: string): string {
  let text = convert(data, "data", arguments.length).replace(/[\t\n\f\r ]+/g, "");
  if (text.length % 4 === 0) text = text.replace(/==?$/, "");
  const invalid = () => new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
  if (text.length % 4 === 1) throw invalid();
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0, bits = 0, out = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const value = c < 128 ? VALUES[c] : 255;
    if (value === 255) throw invalid();
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  return binaryString(bytes.subarray(0, out));
}

/** Encode binary string `data` as base64 (InvalidCharacterError for a char above U+00FF). */
export function btoa(data: string): string {
  const text = convert(data, "data", arguments.length);
  let output = "";
  let piece = "";
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i), b = text.charCodeAt(i + 1), c = text.charCodeAt(i + 2);
    const left = text.length - i;
    if (a > 0xff || (left > 1 && b > 0xff) || (left > 2 && c > 0xff)) throw new DOMException("Invalid character", "InvalidCharacterError");
    const triple = (a << 16) | ((left > 1 ? b : 0) << 8) | (left > 2 ? c : 0);
    piece += ALPHABET[triple >> 18] + ALPHABET[(triple >> 12) & 63] + (left > 1 ? ALPHABET[(triple >> 6) & 63] : "=") + (left > 2 ? ALPHABET[triple & 63] : "=");
    // Long strings grow in pieces: one concatenation per char would make a rope of tiny strings.
    if (piece.length >= CHUNK) {
      output += piece;
      piece = "";
    }
  }
  return output + piece;
}
