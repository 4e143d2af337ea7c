/**
 * The 32-byte short directory entry: an 8.3 name, attributes, the first
 * cluster, the size and the times. FAT keeps local time at 2 s resolution
 * (creation at 10 ms); Toro's local time is UTC.
 */

export const ENTRY_BYTES = 32;
export const ATTR_READ_ONLY = 0x01;
export const ATTR_HIDDEN = 0x02;
export const ATTR_SYSTEM = 0x04;
export const ATTR_VOLUME_ID = 0x08;
export const ATTR_DIRECTORY = 0x10;
export const ATTR_ARCHIVE = 0x20;
/** A long-name part: read-only, hidden, system and volume id together. */
export const ATTR_LONG_NAME = 0x0f;
export const DELETED = 0xe5;
/** NT's case bits (byte 12): the base or the extension was all lower case. */
export const CASE_LOWER_BASE = 0x08;
export const CASE_LOWER_EXTENSION = 0x10;

export interface ShortEntry {
  /** The 11 bytes of the 8.3 name as stored (first byte 0x05 for 0xE5). */
  name: Uint8Array;
  attributes: number;
  caseBits: number;
  firstCluster: number;
  size: number;
  createdMs: number;
  modifiedMs: number;
  accessedMs: number;
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >> 8) & 0xff;
}
function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, v & 0xffff);
  put16(b, at + 2, (v >>> 16) & 0xffff);
}

/** A FAT date and time (and 10 ms units) as ms since the epoch; 0 for an unset or impossible date. */
export function fatTimeToMs(date: number, time: number, tenths = 0): number {
  if (date === 0) return 0;
  const year = 1980 + (date >> 9), month = (date >> 5) & 15, day = date & 31;
  if (month < 1 || month > 12 || day < 1) return 0;
  const hours = time >> 11, minutes = (time >> 5) & 63, seconds = (time & 31) * 2;
  const ms = Date.UTC(year, month - 1, day, hours, minutes, seconds) + Math.min(tenths, 199) * 10;
  return Number.isFinite(ms) ? ms : 0;
}

/** ms since the epoch as a FAT date, time and 10 ms units, clamped to 1980..2107. */
export function msToFatTime(ms: number): { date: number; time: number; tenths: number } {
  const min = Date.UTC(1980, 0, 1), max = Date.UTC(2107, 11, 31, 23, 59, 58);
  const clamped = Math.min(Math.max(Number.isFinite(ms) ? ms : min, min), max);
  const d = new Date(clamped);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const tenths = (d.getUTCSeconds() & 1) * 100 + Math.floor(d.getUTCMilliseconds() / 10);
  return { date, time, tenths };
}

export function decodeShortEntry(bytes: Uint8Array, at: number): ShortEntry {
  return {
    name: bytes.slice(at, at + 11),
    attributes: bytes[at + 11],
    caseBits: bytes[at + 12],
    firstCluster: (u16(bytes, at + 20) << 16 | u16(bytes, at + 26)) >>> 0,
    size: u32(bytes, at + 28),
    createdMs: fatTimeToMs(u16(bytes, at + 16), u16(bytes, at + 14), bytes[at + 13]),
    modifiedMs: fatTimeToMs(u16(bytes, at + 24), u16(bytes, at + 22)),
    accessedMs: fatTimeToMs(u16(bytes, at + 18), 0),
  };
}

export function encodeShortEntry(entry: ShortEntry, into: Uint8Array, at: number): void {
  into.set(entry.name, at);
  into[at + 11] = entry.attributes;
  into[at + 12] = entry.caseBits;
  const created = msToFatTime(entry.createdMs), modified = msToFatTime(entry.modifiedMs), accessed = msToFatTime(entry.accessedMs);
  into[at + 13] = created.tenths;
  put16(into, at + 14, created.time);
  put16(into, at + 16, created.date);
  put16(into, at + 18, accessed.date);
  put16(into, at + 20, entry.firstCluster >>> 16);
  put16(into, at + 22, modified.time);
  put16(into, at + 24, modified.date);
  put16(into, at + 26, entry.firstCluster & 0xffff);
  put32(into, at + 28, entry.size);
}

/** Bytes 0x80..0xFF of code page 437, the OEM code page Linux's vfat assumes by default. */
const CP437_HIGH = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** The 8.3 name for display: "README.TXT", with NT's lower-case bits applied. */
export function shortNameText(entry: ShortEntry): string {
  const chars = (from: number, to: number, lower: boolean) => {
    let text = "";
    for (let i = from; i < to; i++) {
      const code = i === 0 && entry.name[0] === 0x05 ? 0xe5 : entry.name[i];
      text += code >= 0x80 ? CP437_HIGH[code - 0x80] : String.fromCharCode(code);
    }
    text = text.replace(/ +$/, "");
    return lower ? text.toLowerCase() : text;
  };
  const base = chars(0, 8, (entry.caseBits & CASE_LOWER_BASE) !== 0);
  const extension = chars(8, 11, (entry.caseBits & CASE_LOWER_EXTENSION) !== 0);
  return extension ? `${base}.${extension}` : base;
}
