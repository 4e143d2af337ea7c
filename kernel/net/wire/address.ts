/**
 * Ethernet (MAC) and IPv4 addresses. IPv4 addresses are unsigned 32-bit
 * numbers everywhere in the wire layer; MAC addresses stay in byte arrays
 * and are copied or compared in place. The text forms are for logs and
 * configuration, not the packet path.
 */

/** Bytes in an Ethernet address. */
export const MAC_LENGTH = 6;

/** ff:ff:ff:ff:ff:ff. */
export const BROADCAST_MAC: Readonly<Uint8Array> = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** Copy the 6-byte address at `from[fromOffset]` to `to[toOffset]`. */
export function copyMac(from: Uint8Array, fromOffset: number, to: Uint8Array, toOffset: number): void {
  // A native copy: a byte loop costs QuickJS several times more.
  to.set(fromOffset === 0 && from.length === MAC_LENGTH ? from : from.subarray(fromOffset, fromOffset + MAC_LENGTH), toOffset);
}

/** Whether the 6 bytes at `a[aOffset]` equal those at `b[bOffset]`. */
export function macEquals(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset = 0): boolean {
  for (let i = 0; i < MAC_LENGTH; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

/** "02:00:00:00:00:0a" for the 6 bytes at `offset`. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  let text = "";
  for (let i = 0; i < MAC_LENGTH; i++) {
    const byte = bytes[offset + i];
    text += (i ? ":" : "") + (byte < 16 ? "0" : "") + byte.toString(16);
  }
  return text;
}

const MAC_TEXT = /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i;

/**
 * Parse "02:00:00:00:00:0a" (or with dashes) into `out`; undefined when the
 * text is not a MAC address.
 */
export function parseMac(text: string, out: Uint8Array = new Uint8Array(MAC_LENGTH)): Uint8Array | undefined {
  const match = MAC_TEXT.exec(text.trim());
  if (!match) return undefined;
  for (let i = 0; i < MAC_LENGTH; i++) out[i] = parseInt(match[i + 1], 16);
  return out;
}

/** "10.0.2.15" for 0x0a00020f. */
export function formatIpv4(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/**
 * 0x0a00020f for "10.0.2.15"; undefined unless the text is four decimal
 * numbers 0-255 (no leading zeros, which some parsers read as octal).
 */
export function parseIpv4(text: string): number | undefined {
  const parts = text.trim().split(".");
  if (parts.length !== 4) return undefined;
  let address = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    address = address * 256 + value;
  }
  return address;
}
