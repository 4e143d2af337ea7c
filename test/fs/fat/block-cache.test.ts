/**
 * The block cache: writes reach the device only on write-back, kind by kind
 * (data, then the table, then directories) with a flush between groups;
 * adjacent blocks go as one request; the cache stays within its capacity;
 * the delay timer comes from the injected scheduler; writeBackSync uses the
 * device's synchronous calls; device errors become EIO.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BlockCache, type Scheduler } from "../../../kernel/fs/block-cache.ts";
import { FsError } from "../../../kernel/fs/errors.ts";
import { MemoryDisk } from "../../sim/memory-disk.ts";

/** A MemoryDisk that records what the cache asks of it. */
class RecordingDisk extends MemoryDisk {
  log: string[] = [];
  failWrites = false;
  constructor(sectors: number) {
    super(new Uint8Array(sectors * 512));
  }
  override async read(sector: number, count: number): Promise<Uint8Array> {
    this.log.push(`read ${sector}+${count}`);
    return super.read(sector, count);
  }
  override async write(sector: number, data: Uint8Array): Promise<void> {
    if (this.failWrites) throw new Error("medium error");
    this.log.push(`write ${sector}+${data.length / 512}`);
    this.bytes.set(data, sector * 512);
  }
  override async flush(): Promise<void> {
    this.log.push("flush");
  }
  override writeSync(sector: number, data: Uint8Array): void {
    this.log.push(`writeSync ${sector}+${data.length / 512}`);
    super.writeSync(sector, data);
  }
  override flushSync(): void {
    this.log.push("flushSync");
  }
}

const block = (value: number, size = 512) => new Uint8Array(size).fill(value);

describe("block cache", () => {
  it("writes back data, then the table, then directories, each group flushed", async () => {
    const disk = new RecordingDisk(64);
    const cache = new BlockCache(disk, { blockSize: 512 });
    await cache.put(40, block(3), "directory");
    await cache.put(2, block(2), "table");
    await cache.put(10, block(1), "data");
    await cache.put(11, block(1), "data");
    await cache.writeBytes(12, 100, Uint8Array.of(9, 9), "data"); // partial: read first
    assert.deepEqual(disk.log, ["read 12+1"]);
    assert.equal(disk.bytes[10 * 512], 0, "nothing is written before write-back");
    assert.equal(cache.dirtyBlocks, 5);
    disk.log = [];
    await cache.writeBack();
    assert.deepEqual(disk.log, ["write 10+3", "flush", "write 2+1", "flush", "write 40+1", "flush"]);
    assert.equal(cache.dirtyBlocks, 0);
    assert.equal(disk.bytes[12 * 512 + 101], 9);
    disk.log = [];
    await cache.writeBack();
    assert.deepEqual(disk.log, [], "nothing dirty, nothing written");
  });

  it("a block changed as two kinds goes with the later group; writeThrough is flushed before the table", async () => {
    const disk = new RecordingDisk(64);
    const cache = new BlockCache(disk, { blockSize: 1024 });
    await cache.update(5, "data", (b) => void (b[0] = 1));
    await cache.update(5, "directory", (b) => void (b[1] = 2));
    await cache.writeThrough(7, block(7, 1024));
    await cache.update(1, "table", (b) => void (b[0] = 1));
    disk.log = [];
    await cache.writeBack();
    assert.deepEqual(disk.log, ["flush", "write 2+2", "flush", "write 10+2", "flush"]);
    assert.deepEqual([...disk.bytes.subarray(10 * 512, 10 * 512 + 2)], [1, 2]);
  });

  it("file data of 64 KiB or more in whole blocks goes to the device at once, flushed before the next table group", async () => {
    const disk = new RecordingDisk(512);
    const cache = new BlockCache(disk, { blockSize: 512 });
    await cache.put(20, block(1), "data"); // superseded by the large write: not written back after it
    await cache.writeBytes(10, 100, new Uint8Array(200 * 512).fill(7), "data");
    assert.deepEqual(disk.log, ["read 10+1", "write 11+199", "read 210+1"], "the partial ends are cached, the whole blocks written");
    assert.equal(disk.bytes[20 * 512], 7);
    await cache.update(2, "table", (b) => void (b[0] = 1));
    disk.log = [];
    await cache.writeBack();
    assert.deepEqual(disk.log, ["flush", "write 10+1", "write 210+1", "flush", "write 2+1", "flush"]);
    assert.equal(disk.bytes[20 * 512], 7);
    await cache.writeBytes(300, 0, new Uint8Array(1024).fill(5), "data");
    assert.equal(disk.bytes[300 * 512], 0, "a small write waits in the cache");
  });

  it("stays within its capacity, writing back when only dirty blocks are left", async () => {
    const disk = new RecordingDisk(256);
    const cache = new BlockCache(disk, { blockSize: 512, capacity: 16 });
    for (let i = 0; i < 100; i++) await cache.read(i);
    for (let i = 100; i < 140; i++) await cache.put(i, block(i), "data");
    assert.ok(disk.log.some((line) => line.startsWith("write")), "a write-back made room");
    assert.ok(cache.dirtyBlocks <= 16);
    await cache.writeBack();
    for (let i = 100; i < 140; i++) assert.equal(disk.bytes[i * 512], i);
    // A large read streams past the cache and sees its dirty blocks.
    await cache.put(201, block(0xaa), "data");
    const range = await cache.readBytes(200, 0, 3 * 512);
    assert.equal(range[512], 0xaa);
  });

  it("the delay timer comes from the scheduler; writeBackSync uses the synchronous calls", async () => {
    const disk = new RecordingDisk(64);
    const timers: { callback: () => void; ms: number; cleared: boolean }[] = [];
    const scheduler: Scheduler = {
      setTimer: (callback, ms) => timers[timers.push({ callback, ms, cleared: false }) - 1],
      clearTimer: (timer) => void ((timer as { cleared: boolean }).cleared = true),
    };
    const cache = new BlockCache(disk, { blockSize: 512, delayMs: 250, scheduler });
    await cache.put(3, block(1), "data");
    await cache.put(4, block(1), "table");
    assert.equal(timers.length, 1, "one timer for a batch of changes");
    assert.equal(timers[0].ms, 250);
    disk.log = [];
    timers[0].callback();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(disk.log, ["write 3+1", "flush", "write 4+1", "flush"]);
    await cache.put(5, block(1), "directory");
    assert.equal(timers.length, 2);
    disk.log = [];
    cache.writeBackSync();
    assert.deepEqual(disk.log, ["writeSync 5+1", "flushSync"]);
    assert.equal(timers[1].cleared, true, "a write-back cancels the pending timer");
  });

  it("device errors are EIO naming the device, and the blocks stay dirty", async () => {
    const disk = new RecordingDisk(64);
    const cache = new BlockCache(disk, { blockSize: 512 });
    await cache.put(3, block(1), "data");
    disk.failWrites = true;
    await assert.rejects(cache.writeBack(), (error: unknown) => error instanceof FsError && error.code === "EIO" && /disk0: medium error/.test(error.message));
    assert.equal(cache.dirtyBlocks, 1);
    disk.failWrites = false;
    await cache.writeBack();
    assert.equal(disk.bytes[3 * 512], 1);
    await assert.rejects(cache.read(64), { code: "EIO" }, "past the end");
    assert.throws(() => new BlockCache(disk, { blockSize: 700 }), { code: "EINVAL" });
  });
});
