/**
 * TCP sequence numbers are 32-bit and wrap (RFC 9293, 3.4): comparisons are
 * made on the signed distance between two numbers, never on their values.
 */

/** a + n, wrapped to 32 bits. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** The signed distance from b to a (positive when a is after b). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export const seqLt = (a: number, b: number): boolean => seqDiff(a, b) < 0;
export const seqLe = (a: number, b: number): boolean => seqDiff(a, b) <= 0;
export const seqGt = (a: number, b: number): boolean => seqDiff(a, b) > 0;
export const seqGe = (a: number, b: number): boolean => seqDiff(a, b) >= 0;

/** Whether `seq` lies in [from, from + length). */
export function seqInWindow(seq: number, from: number, length: number): boolean {
  const d = seqDiff(seq, from);
  return d >= 0 && d < length;
}
