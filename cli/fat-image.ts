/**
 * FAT images on the host: format one with mkfs.fat (a sparse file, so a
 * volume of gigabytes costs only what is written), read its geometry, tell
 * whether a tree fits, and copy a tree in with mcopy.
 */
import { closeSync, openSync, readSync, truncateSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CliError } from "./errors.ts";
import { runHostTool } from "./host-tools.ts";
import { formatPath, type TreeEntry } from "./host-tree.ts";

export type FatWidth = 12 | 16 | 32;

export interface FatGeometry {
  fat: FatWidth;
  clusterBytes: number;
  /** Data clusters on the volume. */
  clusters: number;
  /** Entries the fixed root directory holds (FAT12/16); 0 on FAT32, whose root is a cluster chain. */
  rootEntries: number;
}

/** What a tree takes on a volume with this cluster size. */
export interface FatNeed {
  clusters: number;
  rootEntries: number;
}

/** FAT32's sector count is 32 bits: at 512-byte sectors, 2 TiB. */
export const MAX_IMAGE_BYTES = 2 ** 32 * 512;

/** The geometry mkfs.fat chose, from the boot sector's BIOS parameter block. */
export function readGeometry(image: string): FatGeometry {
  const sector = Buffer.alloc(512);
  const fd = openSync(image, "r");
  try {
    readSync(fd, sector, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  const bytesPerSector = sector.readUInt16LE(11);
  const sectorsPerCluster = sector[13];
  const reserved = sector.readUInt16LE(14);
  const fats = sector[16];
  const rootEntries = sector.readUInt16LE(17);
  const totalSectors = sector.readUInt16LE(19) || sector.readUInt32LE(32);
  const fatSectors = sector.readUInt16LE(22) || sector.readUInt32LE(36);
  if (!bytesPerSector || !sectorsPerCluster || sector.readUInt16LE(510) !== 0xaa55) throw new CliError(`${image}: not a FAT volume`);
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const clusters = Math.floor((totalSectors - reserved - fats * fatSectors - rootSectors) / sectorsPerCluster);
  // FAT32's layout has no 16-bit FAT size (as Linux and fsck.fat decide); FAT12 or 16 follows from the cluster count.
  const fat: FatWidth = sector.readUInt16LE(22) === 0 ? 32 : clusters < 4085 ? 12 : 16;
  return { fat, clusterBytes: bytesPerSector * sectorsPerCluster, clusters, rootEntries: fat === 32 ? 0 : rootEntries };
}

/** Directory entries for one name: the short entry, and a long-name entry per 13 UTF-16 units (always counted: mtools writes one for most names). */
function entriesFor(name: string): number {
  return 1 + Math.ceil(name.length / 13);
}

/** Clusters and root entries the tree takes with clusters of `clusterBytes` (on FAT32 the root's clusters are counted; on FAT12/16 its entries). */
export function fatNeed(entries: readonly TreeEntry[], clusterBytes: number, fat32: boolean): FatNeed {
  const dirEntries = new Map<string, number>([["", 0]]);
  let clusters = 0;
  for (const entry of entries) {
    const parent = entry.path.slice(0, -1).join("/");
    dirEntries.set(parent, (dirEntries.get(parent) ?? 0) + entriesFor(entry.path[entry.path.length - 1]));
    if (entry.kind === "file") clusters += Math.ceil(entry.size / clusterBytes);
    else if (!dirEntries.has(entry.path.join("/"))) dirEntries.set(entry.path.join("/"), 2); // "." and ".."
  }
  let rootEntries = 0;
  for (const [dir, count] of dirEntries) {
    if (dir === "" && !fat32) rootEntries = count;
    else clusters += Math.max(1, Math.ceil((count * 32) / clusterBytes));
  }
  return { clusters, rootEntries };
}

export function fits(geometry: FatGeometry, need: FatNeed): boolean {
  return need.clusters <= geometry.clusters && need.rootEntries <= (geometry.fat === 32 ? Infinity : geometry.rootEntries);
}

/** The root-directory size to ask mkfs.fat for (ignored on FAT32): room for the tree's top level, at least mkfs.fat's 512. */
export function rootEntriesFor(entries: readonly TreeEntry[]): number {
  const need = fatNeed(entries.filter((e) => e.path.length === 1), 512, false).rootEntries;
  return Math.max(512, Math.ceil(need / 16) * 16);
}

/** Make `image` a sparse file of `bytes` and put an empty FAT volume on it. */
export function formatImage(image: string, bytes: number, options: { fat?: FatWidth; rootEntries?: number } = {}): FatGeometry {
  writeFileSync(image, "");
  truncateSync(image, bytes);
  const args = [...(options.fat ? ["-F", String(options.fat)] : []), ...(options.rootEntries && options.fat !== 32 ? ["-r", String(options.rootEntries)] : []), image];
  runHostTool("mkfs.fat", args, `formatting ${image}`);
  return readGeometry(image);
}

/** Copy the tree's files and directories under `root` into the image's root, times kept. */
export function copyTreeIn(image: string, root: string, entries: readonly TreeEntry[]): void {
  // Absolute paths: mcopy would take a relative "a:/…" for a drive letter.
  const top = entries.filter((e) => e.path.length === 1).map((e) => formatPath(resolve(root), e.path));
  // mcopy -s copies each directory whole; a few hundred names per call keep clear of the argument limit.
  for (let i = 0; i < top.length; i += 256) {
    runHostTool("mcopy", ["-s", "-m", "-i", image, ...top.slice(i, i + 256), "::/"], `copying ${root} into ${image}`);
  }
}

/** Copy everything in the image into `dir` (which exists), times kept. */
export function copyTreeOut(image: string, dir: string): void {
  runHostTool("mcopy", ["-s", "-m", "-n", "-i", image, "::", join(dir, "")], `reading ${image}`);
}
