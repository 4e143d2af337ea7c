/**
 * The assets archive: the files `toro build --assets DIR` embeds in the
 * image (written by cli/assets.ts), read here in place, without copying.
 *
 *   0   8 bytes  magic "TOROASET"
 *   8   u32 LE   format version (1)
 *   12  u32 LE   index length in bytes
 *   16  index    UTF-8 JSON: { dataBytes, entries: [{ path, kind, mtimeMs, offset?, size? }] }
 *   …   zeros to a multiple of 16: the data starts there
 *   data         each file's bytes at its offset (from the data's start), each aligned to 16
 *
 * Entries are "a/b" paths below the root, every directory before what it
 * holds. JSON keeps the index readable and the reader small; file bytes stay
 * aligned so a service can view them as any typed array.
 */
import { FsError } from "../errors.ts";
import { utf8Decode, utf8DecodeReference } from "../../process/text-encoding.ts";

export const ASSETS_MAGIC = "TOROASET";
export const ASSETS_VERSION = 1;
export const ASSETS_HEADER_BYTES = 16;
/** Every file starts at a multiple of this from the data's start, and the data at a multiple of it. */
export const ASSETS_ALIGN = 16;

export interface ArchiveIndexEntry {
  path: string;
  kind: "file" | "directory";
  mtimeMs: number;
  /** Files only: from the data's start. */
  offset?: number;
  size?: number;
}

export interface ArchiveIndex {
  dataBytes: number;
  entries: ArchiveIndexEntry[];
}

export interface ArchiveEntry {
  /** Names below the root. */
  path: string[];
  kind: "file" | "directory";
  mtimeMs: number;
  /** A file's bytes: a view of the archive, never a copy. Empty for a directory. */
  bytes: Uint8Array;
}

export function alignUp(n: number): number {
  return Math.ceil(n / ASSETS_ALIGN) * ASSETS_ALIGN;
}

function bad(why: string): FsError {
  return new FsError("EIO", `the image's assets archive is corrupt: ${why}`);
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/**
 * The archive's entries, parents before children, each checked: a bad
 * header, index or entry is refused with an FsError("EIO") saying what is
 * wrong, never a view outside the archive.
 */
export function parseAssetsArchive(archive: Uint8Array): ArchiveEntry[] {
  if (archive.byteLength < ASSETS_HEADER_BYTES) throw bad(`${archive.byteLength} bytes, less than its ${ASSETS_HEADER_BYTES}-byte header`);
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  const magic = String.fromCharCode(...archive.subarray(0, 8));
  if (magic !== ASSETS_MAGIC) throw bad(`it does not start with ${ASSETS_MAGIC}`);
  const version = view.getUint32(8, true);
  if (version !== ASSETS_VERSION) throw bad(`format version ${version}, this kernel reads ${ASSETS_VERSION}`);
  const indexBytes = view.getUint32(12, true);
  if (ASSETS_HEADER_BYTES + indexBytes > archive.byteLength) throw bad(`its index (${indexBytes} bytes) runs past its end (${archive.byteLength} bytes)`);
  let index: ArchiveIndex;
  try {
    const bytes = archive.subarray(ASSETS_HEADER_BYTES, ASSETS_HEADER_BYTES + indexBytes);
    // The fast decoder (C in the image) replaces bad bytes; only then does the strict one look, to refuse them.
    const text = utf8Decode(bytes);
    if (text.includes("\uFFFD")) utf8DecodeReference(bytes, true);
    index = JSON.parse(text);
  } catch (error) {
    throw bad(`its index is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof index !== "object" || index === null || !Array.isArray(index.entries) || !isCount(index.dataBytes)) {
    throw bad("its index has no dataBytes and entries");
  }
  const dataStart = alignUp(ASSETS_HEADER_BYTES + indexBytes);
  if (dataStart + index.dataBytes !== archive.byteLength) {
    throw bad(`it is ${archive.byteLength} bytes, its index says ${dataStart + index.dataBytes}`);
  }
  const seen = new Map<string, "file" | "directory">([["", "directory"]]);
  return index.entries.map((entry, i) => {
    const where = `entry ${i}`;
    if (typeof entry !== "object" || entry === null || typeof entry.path !== "string") throw bad(`${where} has no path`);
    const path = entry.path.split("/");
    if (path.some((name) => name === "" || name === "." || name === ".." || name.includes("\u0000"))) throw bad(`${where}: bad path ${JSON.stringify(entry.path)}`);
    if (seen.has(entry.path)) throw bad(`${where}: ${entry.path} is listed twice`);
    const parent = path.slice(0, -1).join("/");
    if (seen.get(parent) !== "directory") throw bad(`${where}: ${entry.path} comes before its directory`);
    if (typeof entry.mtimeMs !== "number" || !Number.isFinite(entry.mtimeMs)) throw bad(`${where}: ${entry.path} has no mtimeMs`);
    seen.set(entry.path, entry.kind);
    if (entry.kind === "directory") return { path, kind: "directory", mtimeMs: entry.mtimeMs, bytes: archive.subarray(0, 0) };
    if (entry.kind !== "file") throw bad(`${where}: ${entry.path} is of kind ${JSON.stringify(entry.kind)}`);
    const { offset, size } = entry;
    if (!isCount(offset) || !isCount(size) || offset + size > index.dataBytes) {
      throw bad(`${where}: ${entry.path}'s bytes (${offset} + ${size}) are not within the data (${index.dataBytes} bytes)`);
    }
    return { path, kind: "file", mtimeMs: entry.mtimeMs, bytes: archive.subarray(dataStart + offset, dataStart + offset + size) };
  });
}
