/**
 * The driver's errors, each with the code Node would give: ENOENT, EEXIST,
 * ENOTDIR, EISDIR, ENOTEMPTY, EINVAL and ENAMETOOLONG for names FAT cannot
 * hold, ENOSPC on a full volume (which stays consistent), EROFS on a
 * read-only mount or device, EBADF on a closed or read-only handle. Plus
 * utimes, statfs, and a file unlinked while open.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mountFat, type FatVolume } from "../../../kernel/fs/fat/index.ts";
import { CREATE, LAYOUTS, READ, WRITE, fsckProblems, loadDisk, makeImage, missingTools, pattern, saveDisk, scratch } from "./images.ts";

const floppy = LAYOUTS[0];
const fat16 = LAYOUTS[2];

async function withVolume(layout: typeof floppy, work: (fs: FatVolume, image: string, save: () => void) => Promise<void>): Promise<void> {
  const { dir, done } = scratch();
  try {
    const image = makeImage(dir, layout);
    const disk = loadDisk(image);
    const fs = await mountFat(disk, { writeBackDelayMs: 0 });
    await work(fs, image, () => saveDisk(disk, image));
  } finally {
    done();
  }
}

async function put(fs: FatVolume, path: string[], data: Uint8Array): Promise<void> {
  const file = await fs.open(path, CREATE);
  await file.write(0, data);
  await file.close();
}

const skip = missingTools();
describe("FAT errors", { skip }, () => {
  it("ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL", () =>
    withVolume(fat16, async (fs, image, save) => {
      await fs.mkdir(["dir"]);
      await fs.mkdir(["dir", "sub"]);
      await put(fs, ["dir", "sub", "f"], pattern(10, 1));
      await put(fs, ["file"], pattern(10, 2));
      await fs.mkdir(["empty"]);

      for (const call of [fs.stat(["nope"]), fs.stat(["nope", "x"]), fs.readdir(["nope"]), fs.open(["nope"], READ), fs.mkdir(["nope", "x"]),
        fs.unlink(["nope"]), fs.rmdir(["nope"]), fs.rename(["nope"], ["x"]), fs.rename(["file"], ["nope", "x"]), fs.open(["nope", "x"], CREATE), fs.utimes(["nope"], 0, 0)]) {
        await assert.rejects(call, { code: "ENOENT" });
      }
      await assert.rejects(fs.mkdir(["dir"]), { code: "EEXIST" });
      await assert.rejects(fs.mkdir(["DIR"]), { code: "EEXIST" }, "names ignore case");
      await assert.rejects(fs.mkdir([]), { code: "EEXIST" });
      await assert.rejects(fs.open(["file"], { ...CREATE, exclusive: true }), { code: "EEXIST" });
      for (const call of [fs.readdir(["file"]), fs.stat(["file", "x"]), fs.rmdir(["file"]), fs.rename(["empty"], ["file"]), fs.open(["file", "x"], CREATE)]) {
        await assert.rejects(call, { code: "ENOTDIR" });
      }
      await assert.rejects(fs.open(["dir"], WRITE), { code: "EISDIR" });
      await assert.rejects(fs.unlink(["dir"]), { code: "EISDIR" });
      await assert.rejects(fs.rename(["file"], ["empty"]), { code: "EISDIR" });
      const handle = await fs.open(["dir"], READ);
      await assert.rejects(handle.read(0, new Uint8Array(1)), { code: "EISDIR" });
      await handle.close();
      await assert.rejects(fs.rmdir(["dir"]), { code: "ENOTEMPTY" });
      await assert.rejects(fs.rename(["empty"], ["dir"]), { code: "ENOTEMPTY" });
      await assert.rejects(fs.rename(["dir"], ["dir", "sub", "inside"]), { code: "EINVAL" });
      for (const name of ["a:b", "star*", "q?", "pipe|", 'quote"', "back\\slash", "lt<", "trailing.", "trailing ", "ctrl\u0001"]) {
        await assert.rejects(fs.open([name], CREATE), (error: Error & { code: string }) => error.code === "EINVAL" && /FAT names cannot/.test(error.message), name);
      }
      await assert.rejects(fs.mkdir(["x".repeat(256)]), { code: "ENAMETOOLONG" });
      await fs.mkdir(["x".repeat(255)]);
      // A directory replaces an empty one; a file replaces a file.
      await fs.rename(["dir", "sub"], ["empty"]);
      assert.deepEqual((await fs.readdir(["empty"])).map((e) => e.name), ["f"]);
      await fs.rmdir(["dir"]);
      await fs.unmount();
      save();
      assert.deepEqual(fsckProblems(image), []);
    }));

  it("ENOSPC on a full volume, which stays consistent and usable", () =>
    withVolume(floppy, async (fs, image, save) => {
      const { freeBlocks, blockSize, blocks } = await fs.statfs();
      assert.equal(blockSize, 512);
      assert.equal(blocks, fs.parts.geometry.clusterCount);
      await put(fs, ["first"], pattern(100_000, 1));
      assert.equal((await fs.statfs()).freeBlocks, freeBlocks - Math.ceil(100_000 / 512));
      const big = await fs.open(["too big"], CREATE);
      await assert.rejects(big.write(0, pattern(2_000_000, 2)), { code: "ENOSPC" });
      assert.equal((await big.stat()).size, 0, "a write that does not fit changes nothing");
      let written = 0;
      for (;;) {
        try {
          await big.write(written, pattern(50_000, 3));
          written += 50_000;
        } catch (error) {
          assert.equal((error as { code: string }).code, "ENOSPC");
          break;
        }
      }
      await big.write(written, pattern((await fs.statfs()).freeBlocks * 512 + (written % 512 ? 512 - (written % 512) : 0), 4));
      assert.equal((await fs.statfs()).freeBlocks, 0);
      await assert.rejects(big.write((await big.stat()).size, Uint8Array.of(1)), { code: "ENOSPC" });
      await big.close();
      await assert.rejects(fs.mkdir(["no room"]), { code: "ENOSPC" });
      await fs.sync();
      save();
      assert.deepEqual(fsckProblems(image), []);
      // Space freed is usable again (after the table reached the disk).
      await fs.unlink(["first"]);
      await put(fs, ["second"], pattern(90_000, 5));
      await fs.unmount();
      save();
      assert.deepEqual(fsckProblems(image), []);
    }));

  it("ENOSPC when FAT12's fixed root directory is full", () =>
    withVolume(floppy, async (fs, image, save) => {
      const slots = fs.parts.geometry.rootDirectorySectors * 16;
      for (let i = 0; i < slots; i++) await put(fs, [`F${i}`], new Uint8Array(0));
      await assert.rejects(fs.open(["ONE.MORE"], CREATE), (error: Error & { code: string }) => error.code === "ENOSPC" && /root directory is full/.test(error.message));
      await fs.mkdir(["F0.D"]).catch((error) => assert.equal(error.code, "ENOSPC"));
      await fs.unmount();
      save();
      assert.deepEqual(fsckProblems(image), []);
    }));

  it("EROFS on a read-only mount and a read-only device; reads still work", async () => {
    const { dir, done } = scratch();
    try {
      const image = makeImage(dir, fat16);
      const disk = loadDisk(image);
      const fs = await mountFat(disk);
      await put(fs, ["kept"], pattern(1000, 1));
      await fs.unmount();
      saveDisk(disk, image);
      for (const readOnlyFs of [await mountFat(disk, { readOnly: true }), await mountFat(loadDisk(image, true))]) {
        assert.equal(readOnlyFs.readOnly, true);
        for (const call of [readOnlyFs.open(["kept"], WRITE), readOnlyFs.open(["new"], CREATE), readOnlyFs.mkdir(["d"]), readOnlyFs.unlink(["kept"]),
          readOnlyFs.rename(["kept"], ["x"]), readOnlyFs.utimes(["kept"], 0, 0), readOnlyFs.rmdir(["kept"])]) {
          await assert.rejects(call, { code: "EROFS" });
        }
        const file = await readOnlyFs.open(["kept"], READ);
        const data = new Uint8Array(1000);
        assert.equal(await file.read(0, data), 1000);
        assert.ok(Buffer.from(data).equals(pattern(1000, 1)));
        assert.equal((await file.stat()).readOnly, true);
        await file.close();
        await readOnlyFs.unmount();
      }
    } finally {
      done();
    }
  });

  it("EBADF, utimes, and a file unlinked while open", () =>
    withVolume(fat16, async (fs, image, save) => {
      await put(fs, ["f"], pattern(5000, 1));
      const reader = await fs.open(["f"], READ);
      await assert.rejects(reader.write(0, Uint8Array.of(1)), { code: "EBADF" });
      const mtime = Date.UTC(2001, 1, 3, 4, 5, 7, 500), atime = Date.UTC(2002, 6, 8, 9, 10, 11);
      await fs.utimes(["f"], atime, mtime);
      const stat = await fs.stat(["f"]);
      assert.equal(stat.mtimeMs, Date.UTC(2001, 1, 3, 4, 5, 6), "2 s steps");
      assert.equal(stat.atimeMs, Date.UTC(2002, 6, 8), "FAT keeps an access date only");
      const free = (await fs.statfs()).freeBlocks;
      await fs.unlink(["f"]);
      await assert.rejects(fs.stat(["f"]), { code: "ENOENT" });
      const data = new Uint8Array(5000);
      assert.equal(await reader.read(0, data), 5000, "an unlinked file stays readable while open");
      assert.ok(Buffer.from(data).equals(pattern(5000, 1)));
      assert.equal((await fs.statfs()).freeBlocks, free);
      const newer = await fs.open(["g"], CREATE); // takes the unlinked entry's slot
      await reader.close();
      assert.equal((await fs.statfs()).freeBlocks, free + 10, "its clusters are freed at the last close");
      const second = await fs.open(["g"], READ);
      await newer.write(0, pattern(700, 2));
      assert.equal(await second.read(0, new Uint8Array(1000)), 700, "handles of the newer file still share it");
      await newer.close();
      await second.close();
      await assert.rejects(reader.read(0, data), { code: "EBADF" });
      await fs.unmount();
      save();
      assert.deepEqual(fsckProblems(image), []);
    }));
});
