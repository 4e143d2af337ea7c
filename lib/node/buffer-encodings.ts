/**
 * Where the npm `buffer` package's encodings differ from Node's Buffer:
 *
 * - `base64url` (RFC 4648 §5), which Node has had since v15 and JWT and
 *   WebAuthn libraries use, is missing. Decoding needs only the name (the
 *   package's base64 decoder takes `-`, `_` and no padding already);
 *   encoding is base64 with those two swapped in and no padding.
 * - `hex` reads a pair with one bad digit ("cx") as the good one (it uses
 *   parseInt), where Node stops at the first pair that is not two hex digits.
 */
import type { Buffer } from "buffer/index.js";

type BufferClass = typeof Buffer;
type Method = (...args: unknown[]) => unknown;
const named = (encoding: unknown, name: string) => typeof encoding === "string" && encoding.toLowerCase() === name;
const base64For = (encoding: unknown) => (named(encoding, "base64url") ? "base64" : encoding);

/** The hex digits Node would decode: those before the first pair that is not two of them. */
function wholeHexPairs(text: string): string {
  const bad = text.match(/^(?:[0-9a-fA-F]{2})*/)![0].length;
  return text.slice(0, bad);
}

/** Encoding arguments (every one after the first) with base64url as base64, and a hex string cut as Node cuts it. */
function nodeArguments(args: unknown[]): unknown[] {
  const hex = args.slice(1).some((arg) => named(arg, "hex"));
  return args.map((arg, i) => (i === 0 ? (hex && typeof arg === "string" ? wholeHexPairs(arg) : arg) : base64For(arg)));
}

/** Make the package's Buffer take encodings as Node's does. */
export function matchNodeEncodings(BufferClass: BufferClass): void {
  const statics = BufferClass as unknown as Record<string, Method>;
  const proto = BufferClass.prototype as unknown as { toString: Method; write: Method; fill: Method };
  const { isEncoding, byteLength } = statics;
  const { toString, write, fill } = proto;
  Object.assign(BufferClass, {
    isEncoding: (encoding: unknown) => named(encoding, "base64url") || isEncoding(encoding),
    byteLength: (value: unknown, encoding?: unknown) => byteLength(value, base64For(encoding)),
  });
  proto.toString = function (this: Buffer, encoding?: unknown, ...range: unknown[]) {
    if (!named(encoding, "base64url")) return toString.call(this, encoding, ...range);
    return (toString.call(this, "base64", ...range) as string).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  proto.write = function (this: Buffer, ...args: unknown[]) {
    return write.apply(this, nodeArguments(args));
  };
  proto.fill = function (this: Buffer, ...args: unknown[]) {
    return fill.apply(this, nodeArguments(args));
  };
}
