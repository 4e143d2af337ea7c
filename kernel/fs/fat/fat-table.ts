/**
 * The File Allocation Table: one entry per cluster, 12, 16 or 32 (28 used)
 * bits wide, the next cluster of a chain or a mark (free, bad, end). Entries
 * are read and written through the block cache, never the whole table at
 * once (a FAT32 table of a few GiB is several MiB); every change goes to all
 * copies. Keeps the free-cluster count and the next-free hint (FAT32's
 * FSInfo sector) current, counting free clusters only when first asked.
 *
 * Clusters freed since the last write-back are not handed out again until
 * the table has reached the disk: new data written into them (which goes
 * first) would otherwise overwrite a file the on-disk table still names.
 */
import type { BlockCache } from "../block-cache.ts";
import { FsError } from "../errors.ts";
import type { FatGeometry } from "./boot-sector.ts";

export type EntryKind = "free" | "next" | "end" | "bad" | "invalid";

const FSINFO_LEAD = 0x41615252, FSINFO_STRUCT = 0x61417272, FSINFO_TRAIL = 0xaa550000;
const SCAN_SECTORS = 128;

export class FatTable {
  readonly endMark: number;
  private readonly badMark: number;
  private readonly fatBytes: number;
  /** Free clusters, once known (from FSInfo or a count). */
  private free: number | undefined;
  private hint = 2;
  private readonly pendingFree = new Set<number>();
  /** Clusters released whose entries may still name them on the disk: freed at the next write-back, after the directories. */
  private released: number[] = [];
  /** The count or hint changed since FSInfo was last written. */
  private infoChanged = false;

  constructor(private readonly cache: BlockCache, readonly geometry: FatGeometry) {
    this.endMark = geometry.type === "fat12" ? 0xfff : geometry.type === "fat16" ? 0xffff : 0x0fffffff;
    this.badMark = this.endMark - 8;
    this.fatBytes = Math.ceil(((geometry.clusterCount + 2) * (geometry.type === "fat12" ? 12 : geometry.type === "fat16" ? 16 : 32)) / 8);
  }

  /** Read FSInfo's count and hint where they are plausible; otherwise the count waits for freeClusters(). */
  async load(): Promise<void> {
    const { fsInfoSector, clusterCount } = this.geometry;
    if (!fsInfoSector) return;
    await this.cache.pin(fsInfoSector); // writeInfo() runs on the exit path too, where nothing can be read
    const info = this.cache.peek(fsInfoSector)!;
    const view = new DataView(info.buffer, info.byteOffset, info.byteLength);
    if (view.getUint32(0, true) !== FSINFO_LEAD || view.getUint32(484, true) !== FSINFO_STRUCT || view.getUint32(508, true) !== FSINFO_TRAIL) return;
    const free = view.getUint32(488, true), next = view.getUint32(492, true);
    if (free <= clusterCount) this.free = free;
    if (next >= 2 && next < clusterCount + 2) this.hint = next;
  }

  /** The first cluster number past the last valid one. */
  get limit(): number {
    return this.geometry.clusterCount + 2;
  }

  kind(value: number): EntryKind {
    if (value === 0) return "free";
    if (value >= this.badMark + 1) return "end";
    if (value === this.badMark) return "bad";
    if (value >= 2 && value < this.limit) return "next";
    return "invalid";
  }

  async get(cluster: number): Promise<number> {
    this.checkCluster(cluster);
    const { type } = this.geometry;
    if (type === "fat12") {
      const at = Math.floor(cluster * 1.5);
      const pair = (await this.readByte(0, at)) | ((await this.readByte(0, at + 1)) << 8);
      return cluster & 1 ? pair >> 4 : pair & 0xfff;
    }
    const width = type === "fat16" ? 2 : 4;
    const { block, offset } = this.locate(0, cluster * width);
    const bytes = await this.cache.read(block);
    if (width === 2) return bytes[offset] | (bytes[offset + 1] << 8);
    return ((bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0) & 0x0fffffff;
  }

  /** Set an entry in every copy (FAT32 keeps the top four bits as found). */
  async set(cluster: number, value: number): Promise<void> {
    this.checkCluster(cluster);
    await this.setRaw(cluster, value);
  }

  /** Set the entries 0 and 1 too (the clean-shutdown bits live in entry 1). */
  async setRaw(cluster: number, value: number): Promise<void> {
    const { type, fatCount } = this.geometry;
    for (let copy = 0; copy < fatCount; copy++) {
      if (type === "fat12") {
        const at = Math.floor(cluster * 1.5);
        const lo = await this.readByte(copy, at), hi = await this.readByte(copy, at + 1);
        const pair = cluster & 1 ? (((lo | (hi << 8)) & 0x000f) | (value << 4)) : (((lo | (hi << 8)) & 0xf000) | value);
        await this.writeByte(copy, at, pair & 0xff);
        await this.writeByte(copy, at + 1, (pair >> 8) & 0xff);
        continue;
      }
      const width = type === "fat16" ? 2 : 4;
      const { block, offset } = this.locate(copy, cluster * width);
      await this.cache.update(block, "table", (bytes) => {
        bytes[offset] = value & 0xff;
        bytes[offset + 1] = (value >> 8) & 0xff;
        if (width === 4) {
          bytes[offset + 2] = (value >> 16) & 0xff;
          bytes[offset + 3] = ((value >> 24) & 0x0f) | (bytes[offset + 3] & 0xf0);
        }
      });
    }
  }

  /** Entry 1's raw value (FAT12/16/32). */
  async getRaw1(): Promise<number> {
    const { type } = this.geometry;
    if (type === "fat12") return ((await this.readByte(0, 1)) | ((await this.readByte(0, 2)) << 8)) >> 4;
    const width = type === "fat16" ? 2 : 4;
    const { block, offset } = this.locate(0, width);
    const b = await this.cache.read(block);
    return width === 2 ? b[offset] | (b[offset + 1] << 8) : ((b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24)) >>> 0) & 0x0fffffff;
  }

  /** Free clusters: FSInfo's count, or a count of the table made once. */
  async freeClusters(): Promise<number> {
    if (this.free === undefined) {
      let free = 0;
      await this.scan(2, this.limit, (_, value) => {
        if (value === 0) free++;
      });
      this.free = free + this.released.length;
    }
    return this.free;
  }

  /** Take the count from a check that walked the whole table. */
  setFreeCount(free: number): void {
    if (this.free !== free) this.infoChanged = true;
    this.free = free;
  }

  get knownFree(): number | undefined {
    return this.free;
  }

  /**
   * Allocate `count` clusters as one chain ending in the end mark, each linked
   * to the next; linked after `previous` when given. ENOSPC (nothing changed)
   * when there are not that many free.
   */
  async allocate(count: number, previous?: number, flushPending?: () => Promise<void>): Promise<number[]> {
    if (count === 0) return [];
    let found = await this.findFree(count);
    if (found.length < count && (this.pendingFree.size > 0 || this.released.length > 0) && flushPending) {
      await flushPending();
      found = await this.findFree(count);
    }
    if (found.length < count) throw new FsError("ENOSPC", `${count} clusters wanted, ${found.length} free`);
    for (let i = 0; i < found.length; i++) await this.set(found[i], i + 1 < found.length ? found[i + 1] : this.endMark);
    if (previous !== undefined) await this.set(previous, found[0]);
    if (this.free !== undefined) this.free -= count;
    this.hint = found[found.length - 1] + 1 < this.limit ? found[found.length - 1] + 1 : 2;
    this.infoChanged = true;
    return found;
  }

  /**
   * Release every cluster in `clusters` (a chain the caller has walked). They
   * are freed only once the directory change that dropped them (a removed
   * entry, a smaller size) is on the disk: a crash in between then leaves a
   * lost chain, never an entry that names free clusters.
   */
  async release(clusters: readonly number[]): Promise<void> {
    this.released.push(...clusters);
    // Counted free now (statfs, FSInfo), though not handed out before they are.
    if (this.free !== undefined) this.free += clusters.length;
    if (clusters.length) this.infoChanged = true;
  }

  /** Clusters are released and not yet freed. */
  get hasReleased(): boolean {
    return this.released.length > 0;
  }

  /** The clusters released so far, handed to the caller to freeReleased() once the next write-back is done. */
  takeReleased(): number[] {
    const taken = this.released;
    this.released = [];
    return taken;
  }

  /** Free clusters (released, and the entries that named them written). */
  async freeReleased(clusters: readonly number[]): Promise<void> {
    for (const cluster of clusters) {
      await this.set(cluster, 0);
      this.pendingFree.add(cluster);
    }
  }

  /** The table reached the disk: clusters freed before may be used again. */
  tableWritten(): void {
    this.pendingFree.clear();
  }

  /** Put the count and hint into FSInfo (dirty in the table group) if they changed; synchronous, for the exit path too. */
  writeInfo(): void {
    const { fsInfoSector } = this.geometry;
    if (!fsInfoSector || !this.infoChanged) return;
    this.infoChanged = false;
    const info = this.cache.peek(fsInfoSector)!;
    const view = new DataView(info.buffer, info.byteOffset, info.byteLength);
    if (view.getUint32(0, true) !== FSINFO_LEAD || view.getUint32(484, true) !== FSINFO_STRUCT || view.getUint32(508, true) !== FSINFO_TRAIL) return;
    this.cache.updatePinned(fsInfoSector, "table", (bytes) => {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      v.setUint32(488, this.free ?? 0xffffffff, true);
      v.setUint32(492, this.hint, true);
    });
  }

  /**
   * Call `visit(cluster, value)` for clusters from..to-1, reading the first
   * copy in runs of sectors (the cache's dirty blocks included).
   */
  async scan(from: number, to: number, visit: (cluster: number, value: number) => void, sectorsAtOnce = SCAN_SECTORS): Promise<void> {
    const { type, reservedSectors, bytesPerSector, fatSectors } = this.geometry;
    if (type === "fat12") {
      const table = await this.cache.readBytes(reservedSectors, 0, this.fatBytes);
      for (let c = from; c < to; c++) {
        const at = Math.floor(c * 1.5);
        const pair = table[at] | (table[at + 1] << 8);
        visit(c, c & 1 ? pair >> 4 : pair & 0xfff);
      }
      return;
    }
    const width = type === "fat16" ? 2 : 4;
    const perSector = bytesPerSector / width;
    for (let c = from; c < to; ) {
      const sector = Math.floor(c / perSector);
      const count = Math.min(sectorsAtOnce, fatSectors - sector);
      // One sector at a time goes through the cache (allocation, near the hint); longer runs stream past it (counts, checks).
      const bytes = count === 1 ? await this.cache.read(reservedSectors + sector) : await this.cache.readBytes(reservedSectors + sector, 0, count * bytesPerSector);
      const end = Math.min(to, (sector + count) * perSector);
      for (; c < end; c++) {
        const at = (c - sector * perSector) * width;
        visit(c, width === 2 ? bytes[at] | (bytes[at + 1] << 8) : ((bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0) & 0x0fffffff);
      }
    }
  }

  /**
   * Make every other copy equal to the first, which is the one read (a crash
   * between the copies' writes leaves them apart); the sectors rewritten.
   */
  async mirrorCopies(): Promise<number> {
    const { reservedSectors, bytesPerSector, fatSectors, fatCount } = this.geometry;
    let rewritten = 0;
    for (let sector = 0; sector < fatSectors; sector += SCAN_SECTORS) {
      const count = Math.min(SCAN_SECTORS, fatSectors - sector);
      const first = await this.cache.readBytes(reservedSectors + sector, 0, count * bytesPerSector);
      for (let copy = 1; copy < fatCount; copy++) {
        const other = await this.cache.readBytes(reservedSectors + copy * fatSectors + sector, 0, count * bytesPerSector);
        for (let i = 0; i < count; i++) {
          const want = first.subarray(i * bytesPerSector, (i + 1) * bytesPerSector);
          if (want.every((byte, at) => byte === other[i * bytesPerSector + at])) continue;
          await this.cache.put(reservedSectors + copy * fatSectors + sector + i, want, "table");
          rewritten++;
        }
      }
    }
    return rewritten;
  }

  private async findFree(count: number): Promise<number[]> {
    const found: number[] = [];
    const take = (cluster: number, value: number) => {
      if (value === 0 && found.length < count && !this.pendingFree.has(cluster)) found.push(cluster);
    };
    const step = this.geometry.bytesPerSector / 2; // a FAT16 sector's entries, a FAT32 sector's twice over
    for (const [from, to] of [[this.hint, this.limit], [2, this.hint]]) {
      for (let c = from; c < to && found.length < count; c += step) await this.scan(c, Math.min(to, c + step), take, 1);
    }
    return found;
  }

  private checkCluster(cluster: number): void {
    if (!(cluster >= 2 && cluster < this.limit) && !(cluster === 1)) {
      throw new FsError("EIO", `cluster ${cluster} is outside the volume's 2..${this.limit - 1}`);
    }
  }

  private locate(copy: number, byte: number): { block: number; offset: number } {
    const { reservedSectors, fatSectors, bytesPerSector } = this.geometry;
    return { block: reservedSectors + copy * fatSectors + Math.floor(byte / bytesPerSector), offset: byte % bytesPerSector };
  }

  private async readByte(copy: number, byte: number): Promise<number> {
    const { block, offset } = this.locate(copy, byte);
    return (await this.cache.read(block))[offset];
  }

  private async writeByte(copy: number, byte: number, value: number): Promise<void> {
    const { block, offset } = this.locate(copy, byte);
    await this.cache.update(block, "table", (bytes) => void (bytes[offset] = value));
  }
}
