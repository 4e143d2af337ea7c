/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of the data taken as big-endian 16-bit words. Sums are kept
 * "folded" (carries added back in) so partial sums over separate pieces, such
 * as the pseudo-header and the segment, can be chained through `initial`.
 *
 * Summing is the only per-byte work in the wire layer, so it can be replaced
 * by a native routine (`setChecksumFastPath`); the TypeScript version here is
 * the default and the reference the replacement must agree with.
 */

/**
 * The contract of a summing routine: the one's complement sum of `length`
 * bytes at `offset`, big-endian words, an odd last byte padded with a zero,
 * added to `initial`, folded to 16 bits (0..0xffff).
 */
export type OnesComplementSummer = (bytes: Uint8Array, offset: number, length: number, initial: number) => number;

/** Add the carries above bit 15 back in until the sum fits in 16 bits. */
function fold(sum: number): number {
  // Division rather than >>> so sums past 2^32 (a long run of words, or a
  // large `initial`) fold correctly too.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The TypeScript summing routine: the default, and the reference for a native one. */
export function referenceOnesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  let sum = initial;
  const end = offset + length;
  let i = offset;
  // A JavaScript number holds 2^53 exactly, so the words can be added
  // without folding inside the loop.
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return fold(sum);
}

let activeSummer: OnesComplementSummer = referenceOnesComplementSum;

/**
 * The one's complement sum of `length` bytes at `offset`, plus `initial`,
 * folded to 16 bits; through the fast path when one is installed.
 */
export function onesComplementSum(bytes: Uint8Array, offset: number, length: number, initial = 0): number {
  return activeSummer(bytes, offset, length, initial);
}

/**
 * Install a native summing routine with the `OnesComplementSummer` contract,
 * or pass undefined to go back to the TypeScript one.
 */
export function setChecksumFastPath(summer: OnesComplementSummer | undefined): void {
  activeSummer = summer ?? referenceOnesComplementSum;
}

/** Whether a fast path replaces the TypeScript sum. */
export function hasChecksumFastPath(): boolean {
  return activeSummer !== referenceOnesComplementSum;
}

/** The checksum to put in a header: the complement of a (folded or not) sum. */
export function finishChecksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/**
 * The sum of the IPv4 pseudo-header TCP and UDP checksums cover (RFC 9293
 * 3.1, RFC 768): source, destination, protocol and the TCP/UDP length.
 */
export function pseudoHeaderSum(source: number, destination: number, protocol: number, length: number): number {
  return fold((source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + protocol + length);
}

/**
 * The checksum after one 16-bit word it covers changed from `oldWord` to
 * `newWord`, without summing the rest again: for a decremented TTL or a
 * rewritten port. RFC 1624 equation 3, which avoids the negative zero
 * (0xffff where 0x0000 is due) that RFC 1141's form can give.
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  return finishChecksum((~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff));
}
