/**
 * One directory's entries: the fixed root of FAT12/16 (a run of sectors) or
 * a cluster chain. Parses long-name sequences (kept only when complete and
 * their checksum matches the short entry, otherwise the short name shows),
 * finds a name ignoring case, and adds and removes entries, growing the
 * chain by zeroed clusters written through before they are linked in.
 */
import type { BlockCache } from "../block-cache.ts";
import { FsError } from "../errors.ts";
import { clusterSector, type FatGeometry } from "./boot-sector.ts";
import { walkChain } from "./chain.ts";
import {
  ATTR_LONG_NAME, ATTR_VOLUME_ID, DELETED, ENTRY_BYTES, decodeShortEntry, encodeShortEntry, shortNameText, type ShortEntry,
} from "./directory-entry.ts";
import type { FatTable } from "./fat-table.ts";
import {
  LAST_PART, decodeLongNamePart, encodeLongName, exactShortName, foldName, generateShortName, latin1, longNameParts, shortNameChecksum,
} from "./names.ts";

/** FAT's limit: 65,536 entries (2 MiB) per directory. */
const MAX_SLOTS = 65536;

export interface VolumeParts {
  cache: BlockCache;
  fat: FatTable;
  geometry: FatGeometry;
}

export interface DirectoryRecord {
  /** The long name, or the short one where there is none. */
  name: string;
  shortName: string;
  entry: ShortEntry;
  /** The short entry's slot, and the first slot of its long name (the same without one). */
  slot: number;
  firstSlot: number;
}

export class Directory {
  private sectorList: number[] | undefined;
  private records: DirectoryRecord[] | undefined;
  private dotEntries: DirectoryRecord[] = [];
  /** Long-name slots no short entry takes (a crash between a name's sectors, or damage). */
  private orphanSlots: number[] = [];
  /** The first slot past the last entry in use (where the 0x00 end mark is, or should be). */
  private endSlot = 0;

  /** @param cluster the first cluster; 0 for the fixed root of FAT12/16 */
  constructor(private readonly parts: VolumeParts, readonly cluster: number, readonly what: string) {}

  private get perSector(): number {
    return this.parts.geometry.bytesPerSector / ENTRY_BYTES;
  }

  async sectors(): Promise<number[]> {
    if (this.sectorList) return this.sectorList;
    const g = this.parts.geometry;
    if (this.cluster === 0) {
      this.sectorList = Array.from({ length: g.rootDirectorySectors }, (_, i) => g.rootDirectorySector + i);
    } else {
      const maxClusters = Math.ceil((MAX_SLOTS * ENTRY_BYTES) / g.bytesPerCluster);
      const { clusters } = await walkChain(this.parts.fat, this.cluster, maxClusters, this.what);
      this.sectorList = clusters.flatMap((c) => Array.from({ length: g.sectorsPerCluster }, (_, i) => clusterSector(g, c) + i));
    }
    return this.sectorList;
  }

  /** Every entry but "." and ".." and the volume label. */
  async list(): Promise<DirectoryRecord[]> {
    if (!this.records) await this.parse();
    return this.records!;
  }

  /** "." and ".." as found (a subdirectory's first two entries). */
  async dots(): Promise<DirectoryRecord[]> {
    if (!this.records) await this.parse();
    return this.dotEntries;
  }

  async find(name: string): Promise<DirectoryRecord | undefined> {
    const key = foldName(name);
    return (await this.list()).find((record) => foldName(record.name) === key || foldName(record.shortName) === key);
  }

  /** Add an entry named `name` with `entry`'s fields (its 8.3 name is made here). */
  async add(name: string, entry: Omit<ShortEntry, "name" | "caseBits">): Promise<DirectoryRecord> {
    const records = await this.list();
    let short = exactShortName(name);
    if (short && records.some((r) => latin1(r.entry.name) === latin1(short!))) short = undefined;
    const taken = new Set(records.map((r) => latin1(r.entry.name)));
    const shortName = short ?? generateShortName(name, (candidate) => taken.has(candidate));
    const full: ShortEntry = { ...entry, name: shortName, caseBits: 0 };
    const bytes = new Uint8Array((short ? 0 : longNameParts(name) + 1) * ENTRY_BYTES || ENTRY_BYTES);
    if (!short) bytes.set(encodeLongName(name, shortNameChecksum(shortName)));
    encodeShortEntry(full, bytes, bytes.length - ENTRY_BYTES);
    const count = bytes.length / ENTRY_BYTES;
    const first = await this.freeRun(count);
    await this.writeSlots(first, bytes);
    const sectors = await this.sectors();
    // Entries written past the end mark: keep the mark after them.
    if (first + count > this.endSlot) {
      if (first + count < sectors.length * this.perSector) await this.writeSlots(first + count, new Uint8Array(1), true);
      this.endSlot = first + count;
    }
    this.records = undefined;
    return { name, shortName: shortNameText(full), entry: decodeShortEntry(bytes, bytes.length - ENTRY_BYTES), slot: first + count - 1, firstSlot: first };
  }

  /** Mark deleted the long-name slots no short entry takes; how many there were. */
  async removeOrphanLongNames(): Promise<number> {
    if (!this.records) await this.parse();
    const slots = this.orphanSlots;
    for (const slot of slots) await this.writeSlots(slot, Uint8Array.of(DELETED), true);
    if (slots.length) this.records = undefined;
    return slots.length;
  }

  /** Mark an entry's slots (long name and short entry) deleted. */
  async remove(record: DirectoryRecord): Promise<void> {
    for (let slot = record.firstSlot; slot <= record.slot; slot++) await this.writeSlots(slot, Uint8Array.of(DELETED), true);
    this.records = undefined;
  }

  /** Rewrite an entry's short entry (size, first cluster, times, attributes). */
  async update(record: DirectoryRecord, entry: ShortEntry): Promise<void> {
    const bytes = new Uint8Array(ENTRY_BYTES);
    encodeShortEntry(entry, bytes, 0);
    await this.writeSlots(record.slot, bytes);
    // What the disk holds: times in FAT's steps.
    record.entry = decodeShortEntry(bytes, 0);
  }

  /** Write the "." and ".." entries' first clusters (a moved directory's ".." follows its new parent). */
  async setParent(parentCluster: number): Promise<void> {
    const dotdot = (await this.dots()).find((r) => r.name === "..");
    if (!dotdot) throw new FsError("EIO", `${this.what}: no ".." entry`);
    await this.update(dotdot, { ...dotdot.entry, firstCluster: parentCluster });
  }

  private async parse(): Promise<void> {
    const sectors = await this.sectors();
    const { cache } = this.parts;
    const records: DirectoryRecord[] = [];
    const dots: DirectoryRecord[] = [];
    let parts: string[] = [], expected = 0, checksum = -1, firstSlot = 0;
    const orphans: number[] = [];
    let pending: number[] = [];
    const orphan = (...more: number[]) => {
      orphans.push(...pending, ...more);
      pending = [];
    };
    let slot = 0;
    let lastUsed = -1;
    for (const sector of sectors) {
      const bytes = await cache.read(sector);
      for (let at = 0; at < bytes.length; at += ENTRY_BYTES, slot++) {
        const lead = bytes[at], attributes = bytes[at + 11];
        // A free slot (0x00) does not end the scan: Linux and fsck.fat read on past it, and a crash
        // between two sectors of a directory's writes can leave one before entries in use.
        if (lead === 0 || lead === DELETED) {
          orphan();
          parts = [];
          expected = 0;
          continue;
        }
        lastUsed = slot;
        if ((attributes & 0x3f) === ATTR_LONG_NAME) {
          const order = lead & 0x1f;
          if (lead & LAST_PART) {
            orphan();
            pending = [slot];
            parts = [];
            expected = order;
            checksum = bytes[at + 13];
            firstSlot = slot;
          } else if (expected === 0 || order !== expected || bytes[at + 13] !== checksum) {
            orphan(slot);
            parts = [];
            expected = 0;
            continue;
          } else {
            pending.push(slot);
          }
          if (order === 0) {
            expected = 0;
            continue;
          }
          parts[order - 1] = decodeLongNamePart(bytes, at);
          expected = order - 1;
          continue;
        }
        const entry = decodeShortEntry(bytes, at);
        const longName = expected === 0 && parts.length && checksum === shortNameChecksum(entry.name) ? parts.join("") : undefined;
        const hadLong = longName !== undefined;
        if (hadLong) pending = [];
        else orphan();
        parts = [];
        expected = 0;
        if (attributes & ATTR_VOLUME_ID) continue;
        const shortName = shortNameText(entry);
        const record: DirectoryRecord = { name: longName || shortName, shortName, entry, slot, firstSlot: hadLong ? firstSlot : slot };
        if (shortName === "." || shortName === "..") dots.push(record);
        else if (shortName !== "") records.push(record);
      }
    }
    orphan();
    this.endSlot = lastUsed + 1;
    this.records = records;
    this.dotEntries = dots;
    this.orphanSlots = orphans;
  }

  /** The first of `count` free slots in a row, growing the directory when it has none. */
  private async freeRun(count: number): Promise<number> {
    const sectors = await this.sectors();
    const { cache } = this.parts;
    const total = sectors.length * this.perSector;
    let run = 0;
    for (let slot = 0; slot < total; slot++) {
      if (slot >= this.endSlot) break;
      const bytes = await cache.read(sectors[Math.floor(slot / this.perSector)]);
      const lead = bytes[(slot % this.perSector) * ENTRY_BYTES];
      run = lead === DELETED || lead === 0 ? run + 1 : 0;
      if (run === count) return slot - count + 1;
    }
    // The deleted entries just before the end mark, and the free ones after it.
    const start = Math.min(this.endSlot, total) - run;
    if (start + count > total) await this.grow(start + count - total);
    return start;
  }

  private async grow(slots: number): Promise<void> {
    const { fat, geometry, cache } = this.parts;
    const total = (await this.sectors()).length * this.perSector;
    if (this.cluster === 0) throw new FsError("ENOSPC", `the root directory is full (${total} entries; FAT12/16 roots do not grow)`);
    if (total + slots > MAX_SLOTS) throw new FsError("ENOSPC", `${this.what} is full (FAT holds ${MAX_SLOTS} entries per directory)`);
    const perCluster = geometry.bytesPerCluster / ENTRY_BYTES;
    const count = Math.ceil(slots / perCluster);
    const last = this.sectorList!.length ? await this.lastCluster() : undefined;
    const clusters = await fat.allocate(count);
    // Zeroed on the disk before the table links them in: a crash never shows garbage as entries.
    for (const cluster of clusters) await cache.writeThrough(clusterSector(geometry, cluster), new Uint8Array(geometry.bytesPerCluster));
    if (last !== undefined) await fat.set(last, clusters[0]);
    for (const cluster of clusters) {
      for (let i = 0; i < geometry.sectorsPerCluster; i++) this.sectorList!.push(clusterSector(geometry, cluster) + i);
    }
    this.endSlot = total;
  }

  private async lastCluster(): Promise<number> {
    const g = this.parts.geometry;
    const sector = this.sectorList![this.sectorList!.length - 1];
    return Math.floor((sector - g.firstDataSector) / g.sectorsPerCluster) + 2;
  }

  /** Write entry bytes from `slot` on; `partial` writes only data.length bytes (a lead byte, an end mark). */
  private async writeSlots(slot: number, data: Uint8Array, partial = false): Promise<void> {
    const sectors = await this.sectors();
    const { cache } = this.parts;
    const size = partial ? data.length : ENTRY_BYTES;
    for (let i = 0; i * ENTRY_BYTES < data.length || (partial && i === 0); i++) {
      const at = slot + i;
      const sector = sectors[Math.floor(at / this.perSector)];
      if (sector === undefined) throw new FsError("EIO", `${this.what}: slot ${at} past its end`);
      const offset = (at % this.perSector) * ENTRY_BYTES;
      const piece = data.subarray(i * ENTRY_BYTES, i * ENTRY_BYTES + size);
      await cache.update(sector, "directory", (bytes) => bytes.set(piece, offset));
      if (partial) break;
    }
  }
}
