/**
 * The `Range` field (RFC 9110 14.1.2, 14.2) for a representation of `size`
 * bytes: one range, in its three forms (`bytes=0-99`, `bytes=100-`, the
 * suffix `bytes=-100`). Several ranges would need a multipart/byteranges
 * answer; RFC 9110 lets a server send the whole representation instead, as
 * Deno's file server and Express's `send` do, so they are ignored. So is a
 * field that does not parse, or another unit: the RFC says to ignore it.
 */

export type ByteRange =
  /** Answer with the whole representation (200). */
  | { kind: "whole" }
  /** Bytes `start` to `end` inclusive (206). */
  | { kind: "part"; start: number; end: number }
  /** No byte of the representation lies in the range (416). */
  | { kind: "unsatisfiable" };

const WHOLE: ByteRange = { kind: "whole" };
const UNSATISFIABLE: ByteRange = { kind: "unsatisfiable" };

/** What `field` (a Range value, or null) asks of a representation of `size` bytes. */
export function parseByteRange(field: string | null, size: number): ByteRange {
  if (field === null) return WHOLE;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(field);
  if (!match) return WHOLE; // several ranges, another unit, or not a range at all
  const [, first, last] = match;
  if (first === "") {
    if (last === "") return WHOLE;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: "part", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return WHOLE; // invalid: ignored
  if (start >= size) return UNSATISFIABLE;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "part", start, end };
}

/** Content-Range for a part, or for a 416 (`bytes *\/size`). */
export function contentRange(range: ByteRange, size: number): string {
  return range.kind === "part" ? `bytes ${range.start}-${range.end}/${size}` : `bytes */${size}`;
}
