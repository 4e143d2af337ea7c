/**
 * Names on FAT: which names a volume can hold, VFAT long names (UTF-16 in
 * 13-unit parts before the short entry, tied to it by a checksum), and the
 * 8.3 short name every file also has ("LONGFI~1.TXT", unique in its
 * directory). As Linux's vfat (shortname=mixed) a name is stored as a short
 * entry alone only when it is a valid upper-case 8.3 name; any other gets a
 * long name, so case is kept. Lookups ignore case, as Windows and Linux do.
 */
import { FsError } from "../errors.ts";
import { ATTR_LONG_NAME, ENTRY_BYTES } from "./directory-entry.ts";

export const MAX_NAME_UNITS = 255;
const UNITS_PER_PART = 13;
/** Where a long-name part keeps its 13 UTF-16 units. */
const UNIT_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];
export const LAST_PART = 0x40;

const FORBIDDEN_LONG = /[\u0000-\u001f"*/:<>?\\|]/;
/** Printable ASCII a short name may hold besides letters and digits. */
const SHORT_SPECIALS = "!#$%&'()-@^_`{}~";

/** EINVAL/ENAMETOOLONG for a name FAT cannot hold, with what is wrong. */
export function checkName(name: string): void {
  if (name.length === 0) throw new FsError("EINVAL", "an empty name");
  if (name.length > MAX_NAME_UNITS) throw new FsError("ENAMETOOLONG", `a name of ${name.length} UTF-16 units; FAT holds at most ${MAX_NAME_UNITS}`);
  const bad = FORBIDDEN_LONG.exec(name);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    throw new FsError("EINVAL", `FAT names cannot hold ${code < 0x20 ? `control character U+${code.toString(16).padStart(4, "0")}` : `'${bad[0]}'`}: ${JSON.stringify(name)}`);
  }
  if (/[. ]$/.test(name)) throw new FsError("EINVAL", `FAT names cannot end in '.' or ' ': ${JSON.stringify(name)}`);
}

/** Case-insensitive comparison key: each UTF-16 unit upper-cased where that keeps it one unit (as FAT's up-case table). */
export function foldName(name: string): string {
  let folded = "";
  for (const unit of name) {
    const upper = unit.toUpperCase();
    folded += upper.length === unit.length ? upper : unit;
  }
  return folded;
}

const isShortChar = (c: string) => (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || SHORT_SPECIALS.includes(c);

/** The 11 stored bytes when `name` is an upper-case 8.3 name that needs no long name; otherwise undefined. */
export function exactShortName(name: string): Uint8Array | undefined {
  const dot = name.lastIndexOf(".");
  const base = dot < 0 ? name : name.slice(0, dot), extension = dot < 0 ? "" : name.slice(dot + 1);
  if (base.length < 1 || base.length > 8 || extension.length > 3 || (dot >= 0 && extension.length === 0)) return undefined;
  if (![...base, ...extension].every(isShortChar)) return undefined;
  return toBytes(base, extension);
}

function toBytes(base: string, extension: string): Uint8Array {
  const bytes = new Uint8Array(11).fill(0x20);
  for (let i = 0; i < base.length; i++) bytes[i] = base.charCodeAt(i);
  for (let i = 0; i < extension.length; i++) bytes[8 + i] = extension.charCodeAt(i);
  if (bytes[0] === 0xe5) bytes[0] = 0x05;
  return bytes;
}

/**
 * A short name for a long one, Windows' way: upper-cased, characters a short
 * name cannot hold as "_", the base cut to leave room for "~N"; N counts up
 * until `taken` (the directory's short names, as 11-byte latin1 strings)
 * does not have it.
 */
export function generateShortName(name: string, taken: (short: string) => boolean): Uint8Array {
  const stripped = name.replace(/^[. ]+/, "").replace(/ /g, "");
  const dot = stripped.lastIndexOf(".");
  const rawBase = dot <= 0 ? stripped : stripped.slice(0, dot), rawExtension = dot <= 0 ? "" : stripped.slice(dot + 1);
  const convert = (part: string) => [...part.toUpperCase()].map((c) => (isShortChar(c) ? c : "_")).join("").replace(/\./g, "_");
  const base = convert(rawBase) || "_", extension = convert(rawExtension).slice(0, 3);
  for (let n = 1; n < 1_000_000; n++) {
    const tail = `~${n}`;
    const bytes = toBytes(base.slice(0, 8 - tail.length) + tail, extension);
    if (!taken(latin1(bytes))) return bytes;
  }
  throw new FsError("ENOSPC", `no free short name for ${JSON.stringify(name)} in its directory`);
}

export function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** The checksum of a short name that each of its long-name parts carries. */
export function shortNameChecksum(name: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + name[i]) & 0xff;
  return sum;
}

/** How many entries a long name takes besides its short entry. */
export function longNameParts(name: string): number {
  return Math.ceil(name.length / UNITS_PER_PART);
}

/** The long-name entries for `name`, in the order they are stored (the last part first). */
export function encodeLongName(name: string, checksum: number): Uint8Array {
  const parts = longNameParts(name);
  const out = new Uint8Array(parts * ENTRY_BYTES);
  for (let part = 0; part < parts; part++) {
    const at = (parts - 1 - part) * ENTRY_BYTES;
    out[at] = (part + 1) | (part === parts - 1 ? LAST_PART : 0);
    out[at + 11] = ATTR_LONG_NAME;
    out[at + 13] = checksum;
    for (let i = 0; i < UNITS_PER_PART; i++) {
      const index = part * UNITS_PER_PART + i;
      const unit = index < name.length ? name.charCodeAt(index) : index === name.length ? 0 : 0xffff;
      out[at + UNIT_OFFSETS[i]] = unit & 0xff;
      out[at + UNIT_OFFSETS[i] + 1] = unit >> 8;
    }
  }
  return out;
}

/** One long-name entry's 13 units, up to its terminating NUL. */
export function decodeLongNamePart(bytes: Uint8Array, at: number): string {
  let text = "";
  for (const offset of UNIT_OFFSETS) {
    const unit = bytes[at + offset] | (bytes[at + offset + 1] << 8);
    if (unit === 0) break;
    text += String.fromCharCode(unit);
  }
  return text;
}
