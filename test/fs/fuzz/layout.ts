/**
 * Where things are in a well-formed FAT image (one mkfs.fat and mcopy made),
 * read independently of the driver under test, so the fuzzer can aim its
 * mutations: the boot sector's fields, the FAT copies, every directory's
 * clusters and entries, every file's chain.
 */
import type { FatWidth } from "./images.ts";

export interface DirectoryRecord {
  /** Byte offset of the 32-byte short entry in the image. */
  entry: number;
  /** Offsets of the long-name entries before it (first on disk first). */
  longName: number[];
  /** The name's path below the root, for messages. */
  path: string;
  directory: boolean;
  firstCluster: number;
  /** The cluster of the directory holding the entry (0 for a FAT12/16 root). */
  parentCluster: number;
  chain: number[];
}

export interface Layout {
  width: FatWidth;
  sectorBytes: number;
  clusterBytes: number;
  reservedSectors: number;
  fats: number;
  fatSectors: number;
  /** Byte offset of each FAT copy. */
  fatOffsets: number[];
  /** FAT12/16: byte offset and size of the fixed root directory. */
  rootOffset: number;
  rootBytes: number;
  rootCluster: number;
  dataOffset: number;
  clusters: number;
  /** Every sector that holds directory entries (the fixed root's and directory clusters'). */
  directorySectors: number[];
  entries: DirectoryRecord[];
}

export class ImageReader {
  readonly view: DataView;
  constructor(readonly image: Uint8Array) {
    this.view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  }
  u8 = (at: number) => this.image[at];
  u16 = (at: number) => this.view.getUint16(at, true);
  u32 = (at: number) => this.view.getUint32(at, true);
}

export function readLayout(image: Uint8Array): Layout {
  const r = new ImageReader(image);
  const sectorBytes = r.u16(11), clusterSectors = r.u8(13), reservedSectors = r.u16(14), fats = r.u8(16);
  const rootEntries = r.u16(17);
  const totalSectors = r.u16(19) || r.u32(32);
  const fatSectors = r.u16(22) || r.u32(36);
  const rootSectors = Math.ceil((rootEntries * 32) / sectorBytes);
  const firstData = reservedSectors + fats * fatSectors + rootSectors;
  const clusters = Math.floor((totalSectors - firstData) / clusterSectors);
  const width: FatWidth = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
  const clusterBytes = clusterSectors * sectorBytes;
  const fatOffsets = Array.from({ length: fats }, (_, i) => (reservedSectors + i * fatSectors) * sectorBytes);
  const layout: Layout = {
    width, sectorBytes, clusterBytes, reservedSectors, fats, fatSectors, fatOffsets,
    rootOffset: (reservedSectors + fats * fatSectors) * sectorBytes, rootBytes: rootSectors * sectorBytes,
    rootCluster: width === 32 ? r.u32(44) : 0,
    dataOffset: firstData * sectorBytes, clusters, directorySectors: [], entries: [],
  };
  const next = (cluster: number): number => {
    const at = fatOffsets[0];
    if (width === 32) return r.u32(at + cluster * 4) & 0x0fffffff;
    if (width === 16) return r.u16(at + cluster * 2);
    const pair = r.u16(at + Math.floor(cluster * 1.5));
    return cluster & 1 ? pair >> 4 : pair & 0xfff;
  };
  const end = width === 32 ? 0x0ffffff8 : width === 16 ? 0xfff8 : 0xff8;
  const chainOf = (first: number): number[] => {
    const chain: number[] = [];
    for (let c = first; c >= 2 && c < end && chain.length <= clusters; c = next(c)) chain.push(c);
    return chain;
  };
  const clusterOffset = (cluster: number) => layout.dataOffset + (cluster - 2) * clusterBytes;

  const walk = (regions: [number, number][], cluster: number, prefix: string) => {
    let longName: number[] = [];
    for (const [start, length] of regions) {
      for (let s = start; s < start + length; s += sectorBytes) layout.directorySectors.push(s / sectorBytes);
      for (let at = start; at < start + length; at += 32) {
        const first = image[at];
        if (first === 0) return;
        if (first === 0xe5) { longName = []; continue; }
        const attributes = image[at + 11];
        if ((attributes & 0x3f) === 0x0f) { longName.push(at); continue; }
        const short = new TextDecoder("latin1").decode(image.subarray(at, at + 11));
        const names = longName;
        longName = [];
        if ((attributes & 0x08) || short.startsWith(".")) continue;
        const firstCluster = (width === 32 ? r.u16(at + 20) << 16 : 0) | r.u16(at + 26);
        const record: DirectoryRecord = {
          entry: at, longName: names, path: `${prefix}${short.trim()}`, directory: (attributes & 0x10) !== 0,
          firstCluster, parentCluster: cluster, chain: chainOf(firstCluster),
        };
        layout.entries.push(record);
        if (record.directory) walk(record.chain.map((c) => [clusterOffset(c), clusterBytes]), firstCluster, `${record.path}/`);
      }
    }
  };
  const root: [number, number][] = width === 32 ? chainOf(layout.rootCluster).map((c) => [clusterOffset(c), clusterBytes]) : [[layout.rootOffset, layout.rootBytes]];
  walk(root, width === 32 ? layout.rootCluster : 0, "/");
  return layout;
}

/** Set FAT entry `cluster` to `value` in every copy. */
export function setFatEntry(image: Uint8Array, layout: Layout, cluster: number, value: number): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (const base of layout.fatOffsets) {
    if (layout.width === 32) view.setUint32(base + cluster * 4, (view.getUint32(base + cluster * 4, true) & 0xf0000000) | (value & 0x0fffffff), true);
    else if (layout.width === 16) view.setUint16(base + cluster * 2, value & 0xffff, true);
    else {
      const at = base + Math.floor(cluster * 1.5);
      const pair = view.getUint16(at, true);
      view.setUint16(at, cluster & 1 ? (pair & 0x000f) | ((value & 0xfff) << 4) : (pair & 0xf000) | (value & 0xfff), true);
    }
  }
}

/** Point a short entry at `cluster`. */
export function setFirstCluster(image: Uint8Array, layout: Layout, entry: number, cluster: number): void {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  view.setUint16(entry + 26, cluster & 0xffff, true);
  if (layout.width === 32) view.setUint16(entry + 20, (cluster >>> 16) & 0xffff, true);
}
