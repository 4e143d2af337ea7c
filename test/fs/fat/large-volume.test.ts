/**
 * A FAT32 volume of 4 GiB (a FAT of 4 MiB per copy): the mount reads a few
 * sectors, not the table; the free count comes from FSInfo and is kept
 * current; files written pass fsck.fat and read back with mtools. And the
 * exit path: syncBeforeExit() leaves a clean, complete volume with only
 * synchronous device calls.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import { FileDisk } from "./file-disk.ts";
import { CREATE, LAYOUTS, READ, fsckProblems, loadDisk, makeImage, missingTools, mtype, pattern, saveDisk, scratch } from "./images.ts";

const skip = missingTools();
describe("large volumes and the exit path", { skip }, () => {
  it("a 4 GiB FAT32 volume: the mount does not read the FAT", async () => {
    const { dir, done } = scratch();
    try {
      const image = makeImage(dir, { label: "4 GiB", fat: 32, sizeKiB: 4 * 1024 * 1024, sectorsPerCluster: 8 });
      const disk = new FileDisk(image);
      const fs = await mountFat(disk, { writeBackDelayMs: 0 });
      const g = fs.parts.geometry;
      assert.ok(g.fatSectors >= 8000, `a FAT of ${g.fatSectors} sectors`);
      const fatReads = () => disk.reads.filter(([s]) => s >= g.reservedSectors && s < g.reservedSectors + g.fatCount * g.fatSectors).reduce((n, [, c]) => n + c, 0);
      assert.ok(fatReads() <= 4, `${fatReads()} FAT sectors read at mount`);
      const { freeBlocks, blocks } = await fs.statfs();
      assert.ok(freeBlocks > blocks - 10, "FSInfo's count, without a scan");
      assert.ok(fatReads() <= 4);

      const big = pattern(6 * 1024 * 1024 + 5, 1);
      const file = await fs.open(["big.bin"], CREATE);
      for (let at = 0; at < big.length; at += 1 << 20) await file.write(at, big.subarray(at, at + (1 << 20)));
      await file.close();
      await fs.mkdir(["a directory"]);
      const small = await fs.open(["a directory", "small.txt"], CREATE);
      await small.write(0, pattern(100, 2));
      await small.close();
      const used = Math.ceil(big.length / 4096) + 2;
      assert.equal((await fs.statfs()).freeBlocks, freeBlocks - used);
      assert.ok(fatReads() < 64, `${fatReads()} FAT sectors read for ${used} clusters`);
      await fs.unmount();
      disk.close();

      assert.deepEqual(fsckProblems(image), [], "fsck.fat also checks FSInfo's free count");
      assert.ok(mtype(image, "/big.bin").equals(big));
      const again = await mountFat(new FileDisk(image, true));
      const back = new Uint8Array(100);
      const handle = await again.open(["A DIRECTORY", "SMALL.TXT"], READ);
      await handle.read(0, back);
      assert.ok(Buffer.from(back).equals(pattern(100, 2)));
    } finally {
      done();
    }
  });

  for (const layout of [LAYOUTS[0], LAYOUTS[2], LAYOUTS[4]]) {
    it(`${layout.label}: syncBeforeExit writes everything back and marks the volume clean, synchronously`, async () => {
      const { dir, done } = scratch();
      try {
        const image = makeImage(dir, layout);
        const disk = loadDisk(image);
        let asyncCalls = 0;
        const fs = await mountFat(disk, { writeBackDelayMs: 0 });
        const file = await fs.open(["at exit.bin"], CREATE);
        await file.write(0, pattern(20_000, 3));
        await fs.mkdir(["made before exit"]);
        // From here on only the synchronous calls may be used: the event loop will not turn again.
        disk.write = disk.flush = async () => void asyncCalls++;
        fs.syncBeforeExit!();
        assert.equal(asyncCalls, 0);
        assert.equal(disk.bytes[fs.parts.geometry.stateOffset] & 1, 0, "clean");
        saveDisk(disk, image);
        assert.deepEqual(fsckProblems(image), []);
        assert.ok(mtype(image, "/at exit.bin").equals(pattern(20_000, 3)));
      } finally {
        done();
      }
    });
  }
});
