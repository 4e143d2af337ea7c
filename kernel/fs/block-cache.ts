/**
 * A bounded write-back cache of a disk's blocks (a file system's sectors,
 * which may span several device sectors). Dirty blocks carry a kind, and a
 * write-back writes them kind by kind, with a flush between the groups:
 * file data first, then the allocation table, then directories. So a crash
 * at any point leaves at worst space allocated that no entry names (a lost
 * chain a check frees), never an entry naming clusters that hold garbage.
 *
 * Dirty blocks are written back on sync(), when the cache is full, and after
 * a delay on a timer the caller's scheduler provides: a background timer,
 * which must not keep the service alive.
 */
import type { BlockDevice } from "../devices/block-device.ts";
import { FsError } from "./errors.ts";

/** The write-back order: every group reaches the disk (and a flush) before the next is written. */
export const WRITE_ORDER = ["data", "table", "directory"] as const;
export type BlockKind = (typeof WRITE_ORDER)[number];

/** Timers for the delayed write-back; in the image, background (unref'd) event-loop timers. */
export interface Scheduler {
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Node's and the guest's global timers, unref'd so a pending write-back keeps nothing alive. */
export const backgroundTimers: Scheduler = {
  setTimer(callback, ms) {
    const handle = setTimeout(callback, ms) as unknown as { unref?: () => void };
    handle.unref?.();
    return handle;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface BlockCacheOptions {
  /** Bytes per block: a multiple of the device's sector size. */
  blockSize: number;
  /** The most blocks held (clean and dirty); at least 16. */
  capacity?: number;
  /** Write dirty blocks back this long after the first change; 0 for never (only on sync). */
  delayMs?: number;
  scheduler?: Scheduler;
  /** What the delay timer runs; by default write-back(). A file system passes its own sync, which also marks the volume clean. */
  onDelay?: () => void;
}

interface Entry {
  bytes: Uint8Array;
  kind: BlockKind | undefined;
}

const DEFAULT_CAPACITY = 4096;
const WRITE_AROUND_BYTES = 64 * 1024;

export class BlockCache {
  readonly blockSize: number;
  private readonly perBlock: number;
  private readonly capacity: number;
  private readonly entries = new Map<number, Entry>();
  /** The clean, unpinned entries, least recently used first: what may be evicted, found without passing dirty ones. */
  private readonly evictable = new Map<number, Entry>();
  private dirty = 0;
  /** Written straight to the device since the last flush (writeThrough): flush before the table group. */
  private unflushed = false;
  private timer: unknown = undefined;
  /** Blocks never evicted: what the exit path must change without a read (the boot sector, FAT entry 1). */
  private readonly pinned = new Set<number>();
  /** Blocks the device holds; reads past it are refused, as writes are. */
  readonly blocks: number;

  constructor(readonly device: BlockDevice, private readonly options: BlockCacheOptions) {
    if (options.blockSize % device.sectorSize !== 0 || options.blockSize <= 0) {
      throw new FsError("EINVAL", `a block of ${options.blockSize} bytes is not whole ${device.sectorSize}-byte sectors of ${device.name}`);
    }
    this.blockSize = options.blockSize;
    this.perBlock = options.blockSize / device.sectorSize;
    this.capacity = Math.max(16, options.capacity ?? DEFAULT_CAPACITY);
    this.blocks = Math.floor(device.sectors / this.perBlock);
  }

  /** How many blocks wait to be written. */
  get dirtyBlocks(): number {
    return this.dirty;
  }

  /** One block, shared with the cache: read it, never change it (use update()). */
  async read(block: number): Promise<Uint8Array> {
    const hit = this.touch(block);
    if (hit) return hit.bytes;
    const bytes = await this.deviceRead(block, 1);
    // Another read of the same block may have finished while this one waited.
    const raced = this.touch(block);
    if (raced) return raced.bytes;
    await this.insert(block, { bytes, kind: undefined });
    return bytes;
  }

  /**
   * `length` bytes from `offset` in `block` onward, a fresh copy. Blocks not
   * cached are read from the device in one request and not kept, so a large
   * file read streams past the cache instead of evicting the tables.
   */
  async readBytes(block: number, offset: number, length: number): Promise<Uint8Array> {
    const first = block + Math.floor(offset / this.blockSize);
    const skip = offset % this.blockSize;
    const count = Math.ceil((skip + length) / this.blockSize);
    let cachedAll = true;
    for (let i = 0; i < count && cachedAll; i++) cachedAll = this.entries.has(first + i);
    const whole = cachedAll && count === 1 ? (await this.read(first)).slice() : await this.rangeRead(first, count);
    return whole.subarray(skip, skip + length);
  }

  /**
   * Write `data` at `offset` bytes into `block` onward; partial blocks are
   * read first. File data of 64 KiB or more in whole blocks goes to the
   * device at once instead (and the cache forgets those blocks): it is
   * written ahead of every group anyway, and flushed before the next table
   * group, so the order holds and a large write does not churn the cache.
   */
  async writeBytes(block: number, offset: number, data: Uint8Array, kind: BlockKind): Promise<void> {
    let at = block + Math.floor(offset / this.blockSize);
    let skip = offset % this.blockSize;
    let done = 0;
    while (done < data.length) {
      const whole = skip === 0 ? Math.floor((data.length - done) / this.blockSize) : 0;
      if (kind === "data" && whole * this.blockSize >= WRITE_AROUND_BYTES) {
        this.checkRange(at, whole);
        for (let i = 0; i < whole; i++) this.forget(at + i);
        this.unflushed = true;
        const bytes = data.subarray(done, done + whole * this.blockSize);
        await this.guard(() => this.device.write(at * this.perBlock, bytes));
        done += bytes.length;
        at += whole;
        continue;
      }
      const take = Math.min(this.blockSize - skip, data.length - done);
      if (take === this.blockSize) {
        await this.put(at, data.slice(done, done + take), kind);
      } else {
        const part = data.subarray(done, done + take);
        await this.update(at, kind, (bytes) => bytes.set(part, skip));
      }
      done += take;
      skip = 0;
      at++;
    }
  }

  /** Change a block in place (read first if not cached) and mark it dirty as `kind`. */
  async update(block: number, kind: BlockKind, change: (bytes: Uint8Array) => void): Promise<void> {
    const bytes = await this.read(block);
    change(bytes);
    this.markDirty(block, kind);
  }

  /** Replace whole blocks with `data` (a multiple of the block size), dirty as `kind`. */
  async put(block: number, data: Uint8Array, kind: BlockKind): Promise<void> {
    for (let i = 0; i * this.blockSize < data.length; i++) {
      const bytes = data.slice(i * this.blockSize, (i + 1) * this.blockSize);
      const entry = this.touch(block + i);
      if (entry) entry.bytes = bytes;
      else await this.insert(block + i, { bytes, kind: undefined });
      this.markDirty(block + i, kind);
    }
  }

  /**
   * Write whole blocks to the device now, ahead of every group (they reach
   * the disk, flushed, before the next table group): for a cluster that must
   * hold its final contents before any table entry links it in (a
   * directory's new cluster). The cache keeps a clean copy.
   */
  async writeThrough(block: number, data: Uint8Array): Promise<void> {
    this.checkRange(block, data.length / this.blockSize);
    for (let i = 0; i * this.blockSize < data.length; i++) {
      this.forget(block + i);
    }
    this.unflushed = true;
    await this.guard(() => this.device.write(block * this.perBlock, data));
    for (let i = 0; i * this.blockSize < data.length; i++) {
      await this.insert(block + i, { bytes: data.slice(i * this.blockSize, (i + 1) * this.blockSize), kind: undefined });
    }
  }

  /** Write every dirty block back, group by group, each group flushed. */
  async writeBack(): Promise<void> {
    this.cancelTimer();
    const groups = this.groups();
    let needFlush = this.unflushed;
    for (const runs of groups) {
      if (runs.length === 0) continue;
      if (needFlush) await this.guard(() => this.device.flush());
      for (const run of runs) await this.guard(() => this.device.write(run.block * this.perBlock, run.data));
      for (const run of runs) this.markClean(run);
      needFlush = true;
    }
    if (needFlush) await this.guard(() => this.device.flush());
    this.unflushed = false;
  }

  /** The same as writeBack() with the device's synchronous calls: for the exit path, where no promise settles. */
  writeBackSync(): void {
    this.cancelTimer();
    let needFlush = this.unflushed;
    for (const runs of this.groups()) {
      if (runs.length === 0) continue;
      if (needFlush) this.device.flushSync();
      for (const run of runs) this.device.writeSync(run.block * this.perBlock, run.data);
      for (const run of runs) this.markClean(run);
      needFlush = true;
    }
    if (needFlush) this.device.flushSync();
    this.unflushed = false;
  }

  /** Keep a block cached for good (peek() finds it). */
  async pin(block: number): Promise<void> {
    await this.read(block);
    this.pinned.add(block);
    this.evictable.delete(block);
  }

  /** update() for a pinned block, without waiting. */
  updatePinned(block: number, kind: BlockKind, change: (bytes: Uint8Array) => void): void {
    if (!this.pinned.has(block)) throw new Error(`block ${block} is not pinned`);
    change(this.entries.get(block)!.bytes);
    this.markDirty(block, kind);
  }

  /** A cached block without waiting: undefined when not cached. Read it, never change it. */
  peek(block: number): Uint8Array | undefined {
    return this.entries.get(block)?.bytes;
  }

  /** writeThrough() for the exit path, for a block with no pending change: written with the device's synchronous call. */
  writeThroughSync(block: number, data: Uint8Array): void {
    this.checkRange(block, 1);
    this.device.writeSync(block * this.perBlock, data);
    const entry = this.entries.get(block);
    if (entry && !entry.kind) entry.bytes = data.slice();
    this.unflushed = true;
  }

  /** Forget a block's cached copy (after a write-back or when the caller writes it itself). */
  forget(block: number): void {
    const entry = this.entries.get(block);
    if (entry?.kind) this.dirty--;
    this.entries.delete(block);
    this.evictable.delete(block);
  }

  /** Stop the delay timer (unmount). */
  close(): void {
    this.cancelTimer();
  }

  private groups(): { block: number; data: Uint8Array; entries: Entry[] }[][] {
    return WRITE_ORDER.map((kind) => {
      const blocks = [...this.entries].filter(([, entry]) => entry.kind === kind).sort((a, b) => a[0] - b[0]);
      const runs: { block: number; data: Uint8Array; entries: Entry[] }[] = [];
      for (let i = 0; i < blocks.length; ) {
        let j = i + 1;
        while (j < blocks.length && blocks[j][0] === blocks[j - 1][0] + 1 && j - i < 128) j++;
        const data = new Uint8Array((j - i) * this.blockSize);
        for (let k = i; k < j; k++) data.set(blocks[k][1].bytes, (k - i) * this.blockSize);
        runs.push({ block: blocks[i][0], data, entries: blocks.slice(i, j).map(([, entry]) => entry) });
        i = j;
      }
      return runs;
    });
  }

  private markClean(run: { block: number; entries: Entry[] }): void {
    run.entries.forEach((entry, i) => {
      if (entry.kind) this.dirty--;
      entry.kind = undefined;
      if (!this.pinned.has(run.block + i)) this.evictable.set(run.block + i, entry);
    });
  }

  private markDirty(block: number, kind: BlockKind): void {
    const entry = this.entries.get(block)!;
    if (!entry.kind) this.dirty++;
    this.evictable.delete(block);
    // A block dirty as two kinds goes with the later group, where both changes are safe.
    if (!entry.kind || WRITE_ORDER.indexOf(kind) > WRITE_ORDER.indexOf(entry.kind)) entry.kind = kind;
    if (this.timer === undefined && this.options.delayMs) {
      const scheduler = this.options.scheduler ?? backgroundTimers;
      this.timer = scheduler.setTimer(() => {
        this.timer = undefined;
        if (this.options.onDelay) this.options.onDelay();
        else this.writeBack().catch(() => {});
      }, this.options.delayMs);
    }
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    (this.options.scheduler ?? backgroundTimers).clearTimer(this.timer);
    this.timer = undefined;
  }

  private touch(block: number): Entry | undefined {
    const entry = this.entries.get(block);
    if (entry && this.evictable.delete(block)) this.evictable.set(block, entry);
    return entry;
  }

  private async insert(block: number, entry: Entry): Promise<void> {
    this.entries.set(block, entry);
    if (!this.pinned.has(block)) this.evictable.set(block, entry);
    if (this.entries.size <= this.capacity) return;
    if (this.dirty >= (this.capacity * 3) / 4) await this.writeBack();
    for (const key of this.evictable.keys()) {
      if (this.entries.size <= this.capacity) break;
      if (key !== block) this.forget(key);
    }
  }

  private async rangeRead(first: number, count: number): Promise<Uint8Array> {
    const data = await this.deviceRead(first, count);
    for (let i = 0; i < count; i++) {
      const entry = this.entries.get(first + i);
      if (entry) data.set(entry.bytes, i * this.blockSize);
    }
    return data;
  }

  private async deviceRead(block: number, count: number): Promise<Uint8Array> {
    this.checkRange(block, count);
    const data = await this.guard(() => this.device.read(block * this.perBlock, count * this.perBlock));
    if (data.length !== count * this.blockSize) throw new FsError("EIO", `${this.device.name}: read ${data.length} bytes, expected ${count * this.blockSize}`);
    return data;
  }

  private checkRange(block: number, count: number): void {
    if (!(block >= 0 && block + count <= this.blocks)) {
      throw new FsError("EIO", `blocks ${block}..${block + count} are past the end of ${this.device.name} (${this.blocks} blocks)`);
    }
  }

  /** Device errors become EIO naming the device. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof FsError) throw error;
      throw new FsError("EIO", `${this.device.name}: ${(error as Error)?.message ?? error}`);
    }
  }
}
