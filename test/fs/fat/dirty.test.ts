/**
 * (c) The dirty flag and the check of a dirty volume: the flag is on the
 * disk while changes are pending and cleared by unmount and sync (fsck.fat
 * agrees); a power cut after the FAT reached the disk but before the
 * directory did leaves a lost chain, which the next mount frees; a file
 * synced before the cut reads back whole.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Scheduler } from "../../../kernel/fs/block-cache.ts";
import { clusterSector } from "../../../kernel/fs/fat/boot-sector.ts";
import { mountFat, type FatVolume } from "../../../kernel/fs/fat/index.ts";
import { MemoryDisk } from "../../sim/memory-disk.ts";
import { CREATE, LAYOUTS, READ, WRITE, fsck, fsckProblems, loadDisk, makeImage, missingTools, pattern, saveDisk, scratch } from "./images.ts";

/** A disk that loses power at the first write `cut` matches: that write and every later one are dropped. */
class CutDisk extends MemoryDisk {
  dead = false;
  constructor(bytes: Uint8Array, private readonly cut: (sector: number, count: number) => boolean) {
    super(bytes);
  }
  override writeSync(sector: number, data: Uint8Array): void {
    if (!this.dead && this.cut(sector, data.length / 512)) this.dead = true;
    if (!this.dead) super.writeSync(sector, data);
  }
}

/** The root directory's sectors (the fixed root, or FAT32's first root cluster). */
function rootSectors(fs: FatVolume): (sector: number, count: number) => boolean {
  const g = fs.parts.geometry;
  const [first, count] = g.type === "fat32" ? [clusterSector(g, g.rootCluster), g.sectorsPerCluster] : [g.rootDirectorySector, g.rootDirectorySectors];
  return (sector, n) => sector < first + count && sector + n > first;
}

const dirtyBit = (disk: MemoryDisk, fs: FatVolume) => disk.bytes[fs.parts.geometry.stateOffset] & 1;

async function readAll(fs: FatVolume, path: string[]): Promise<Uint8Array> {
  const file = await fs.open(path, READ);
  const stat = await file.stat();
  const data = new Uint8Array(stat.size);
  await file.read(0, data);
  await file.close();
  return data;
}

const skip = missingTools();
describe("the dirty flag", { skip }, () => {
  for (const layout of LAYOUTS.filter((_, i) => i % 2 === 0)) {
    it(`${layout.label}: set while changes are pending, clear after sync and unmount`, async () => {
      const { dir, done } = scratch();
      try {
        const image = makeImage(dir, layout);
        const disk = loadDisk(image);
        const pending = new Set<{ callback: () => void; ms: number }>();
        const scheduler: Scheduler = {
          setTimer: (callback, ms) => {
            const timer = { callback, ms };
            pending.add(timer);
            return timer;
          },
          clearTimer: (timer) => void pending.delete(timer as { callback: () => void; ms: number }),
        };
        const fs = await mountFat(disk, { scheduler, writeBackDelayMs: 500 });
        assert.equal(dirtyBit(disk, fs), 0, "a clean mount leaves the volume clean");
        const file = await fs.open(["pending.txt"], CREATE);
        await file.write(0, pattern(3000, 1));
        assert.equal(dirtyBit(disk, fs), 1, "the flag reaches the disk before the first change");
        if (layout.fat !== 12) {
          const fat1 = fs.parts.geometry.reservedSectors * 512 + (layout.fat === 16 ? 2 : 4);
          const cleanBit = layout.fat === 16 ? disk.bytes[fat1 + 1] & 0x80 : disk.bytes[fat1 + 3] & 0x08;
          assert.equal(cleanBit, 0, "FAT entry 1's clean-shutdown bit is cleared too");
        }
        saveDisk(disk, image);
        assert.ok(fsck(image).messages.some((line) => /Dirty bit is set/.test(line)), "fsck.fat sees the flag");

        // The delay timer (a background one, from the scheduler) writes back and marks the volume clean.
        const timers = [...pending];
        assert.equal(timers.length, 1);
        assert.equal(timers[0].ms, 500);
        pending.clear();
        timers[0].callback();
        await fs.stat([]); // queued behind the timer's sync
        assert.equal(dirtyBit(disk, fs), 0);
        saveDisk(disk, image);
        assert.deepEqual(fsckProblems(image), []);

        await file.write(3000, pattern(100, 2));
        assert.equal(dirtyBit(disk, fs), 1);
        await file.close();
        await fs.unmount();
        assert.equal(dirtyBit(disk, fs), 0);
        saveDisk(disk, image);
        assert.deepEqual(fsckProblems(image), []);
        await assert.rejects(fs.stat([]), { code: "EIO" }, "an unmounted volume refuses calls");
      } finally {
        done();
      }
    });
  }

  for (const layout of LAYOUTS) {
    it(`${layout.label}: a lost chain from a cut before the directory write is freed at mount`, async () => {
      const { dir, done } = scratch();
      try {
        const image = makeImage(dir, layout);
        const clusterBytes = layout.sectorsPerCluster * 512;
        const bytes = loadDisk(image).bytes;
        let cutRoot: ((sector: number, count: number) => boolean) | undefined;
        const disk = new CutDisk(bytes, (sector, count) => cutRoot?.(sector, count) ?? false);
        const fs = await mountFat(disk, { writeBackDelayMs: 0 });
        const kept = pattern(clusterBytes * 7 + 3, 5);
        const synced = await fs.open(["synced.bin"], CREATE);
        await synced.write(0, kept);
        await synced.sync();
        await synced.close();
        const shrunk = await fs.open(["shrunk.bin"], CREATE);
        await shrunk.write(0, pattern(clusterBytes * 6, 6));
        await shrunk.sync();

        cutRoot = rootSectors(fs);
        const lost = await fs.open(["lost.bin"], CREATE);
        await lost.write(0, pattern(clusterBytes * 9, 7));
        await shrunk.truncate(clusterBytes * 2);
        await fs.unmount(); // data and FAT reach the disk; the root directory's write is where power goes
        assert.ok(disk.dead, "the cut happened");
        saveDisk(disk, image);
        const before = fsck(image).messages.join("\n");
        assert.match(before, /Dirty bit/);

        const again = await mountFat(new MemoryDisk(bytes));
        assert.ok(again.repairs.some((line) => /freed \d+ clusters? no file reaches/.test(line)), again.repairs.join("\n"));
        assert.ok(again.repairs.some((line) => /shrunk\.bin: its clusters hold/.test(line)), again.repairs.join("\n"));
        assert.deepEqual((await again.readdir([])).map((e) => e.name).sort(), ["shrunk.bin", "synced.bin"]);
        assert.ok(Buffer.from(await readAll(again, ["synced.bin"])).equals(kept), "a file synced before the cut reads back whole");
        assert.equal((await again.stat(["shrunk.bin"])).size, clusterBytes * 2);
        await again.unmount();
        saveDisk(new MemoryDisk(bytes), image);
        assert.deepEqual(fsckProblems(image), []);

        // A clean volume is not checked.
        const third = await mountFat(new MemoryDisk(bytes));
        assert.deepEqual(third.repairs, []);
        const file = await third.open(["synced.bin"], WRITE);
        await file.close();
        await third.unmount();
      } finally {
        done();
      }
    });
  }
});
