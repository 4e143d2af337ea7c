/**
 * Bad disks: a boot sector that is not FAT or does not add up is refused at
 * mount naming the field; a truncated image is EIO; a chain that loops or
 * links to a free or out-of-range cluster, an entry with a bogus first
 * cluster or size, a directory that contains itself give EIO for that file
 * only, never a TypeError or a hang. Then a few hundred random byte
 * mutations of a populated image (the fatcheck suite fuzzes many more).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FsError } from "../../../kernel/fs/errors.ts";
import { mountFat, type FatVolume } from "../../../kernel/fs/fat/index.ts";
import type { BlockDevice } from "../../../kernel/devices/block-device.ts";
import { MemoryDisk } from "../../sim/memory-disk.ts";
import { CREATE, LAYOUTS, READ, loadDisk, makeImage, missingTools, pattern, scratch } from "./images.ts";

const fat16 = LAYOUTS[2];

const images = new Map<string, Uint8Array>();

/** A populated image's bytes (a fresh copy; made once per layout). */
async function populated(layout = fat16): Promise<Uint8Array> {
  if (!images.has(layout.label)) images.set(layout.label, await makePopulated(layout));
  return images.get(layout.label)!.slice();
}

async function makePopulated(layout: typeof fat16): Promise<Uint8Array> {
  const { dir, done } = scratch();
  try {
    const disk = loadDisk(makeImage(dir, layout));
    const fs = await mountFat(disk, { writeBackDelayMs: 0 });
    await fs.mkdir(["dir"]);
    await fs.mkdir(["dir", "sub"]);
    for (const [path, size] of [[["dir", "file.bin"], 5000], [["other.bin"], 3000], [["dir", "sub", "deep.txt"], 40]] as const) {
      const file = await fs.open([...path], CREATE);
      await file.write(0, pattern(size, size));
      await file.close();
    }
    await fs.unmount();
    return disk.bytes;
  } finally {
    done();
  }
}

async function locate(bytes: Uint8Array, path: string[]) {
  const fs = await mountFat(new MemoryDisk(bytes.slice()), { readOnly: true });
  const { parent, record } = await fs.lookup(path, false);
  const sectors = await parent.sectors();
  const g = fs.parts.geometry;
  const perSector = g.bytesPerSector / 32;
  return { fs, g, cluster: record!.entry.firstCluster, entryAt: sectors[Math.floor(record!.slot / perSector)] * 512 + (record!.slot % perSector) * 32 };
}

function setFat16(bytes: Uint8Array, g: FatVolume["parts"]["geometry"], cluster: number, value: number): void {
  for (let copy = 0; copy < g.fatCount; copy++) {
    const at = (g.reservedSectors + copy * g.fatSectors) * 512 + cluster * 2;
    bytes[at] = value & 0xff;
    bytes[at + 1] = value >> 8;
  }
}

async function readAll(fs: FatVolume, path: string[]): Promise<Uint8Array> {
  const file = await fs.open(path, READ);
  try {
    const data = new Uint8Array((await file.stat()).size);
    await file.read(0, data);
    return data;
  } finally {
    await file.close();
  }
}

const isEio = (detail: RegExp) => (error: unknown) => error instanceof FsError && error.code === "EIO" && detail.test(error.message);

const skip = missingTools();
describe("bad disks", { skip }, () => {
  it("a boot sector that is not FAT is refused, naming what is wrong", async () => {
    const good = await populated();
    const cases: [string, (b: Uint8Array) => void, RegExp][] = [
      ["zeros", (b) => b.fill(0, 0, 512), /no boot signature/],
      ["bytes per sector 300", (b) => { b[11] = 300 & 0xff; b[12] = 300 >> 8; }, /not a FAT volume: bytes per sector 300/],
      ["sectors per cluster 3", (b) => void (b[13] = 3), /sectors per cluster 3/],
      ["no FATs", (b) => void (b[16] = 0), /0 FAT copies/],
      ["no reserved sectors", (b) => { b[14] = 0; b[15] = 0; }, /no reserved sectors/],
      ["no 16-bit FAT size (so the FAT32 field, here other bytes)", (b) => { b[22] = 0; b[23] = 0; }, /not a FAT volume/],
      ["a FAT too small", (b) => { b[22] = 1; b[23] = 0; }, /cannot hold/],
    ];
    for (const [label, damage, detail] of cases) {
      const bytes = good.slice();
      damage(bytes);
      await assert.rejects(mountFat(new MemoryDisk(bytes)), (error: unknown) => error instanceof FsError && error.code === "EINVAL" && detail.test(error.message), label);
    }
    await assert.rejects(mountFat(new MemoryDisk(good.slice(0, good.length / 2))), isEio(/larger than the disk/), "a truncated image");
    await assert.rejects(mountFat(new MemoryDisk(new Uint8Array(0))), { code: "EINVAL" });
  });

  it("FAT32: a damaged boot sector is restored from the backup at sector 6", async () => {
    const good = await populated(LAYOUTS[4]);
    for (const readOnly of [true, false]) {
      const bytes = good.slice();
      bytes.fill(0, 0, 512);
      const fs = await mountFat(new MemoryDisk(bytes), { readOnly });
      assert.equal(fs.type, "fat32");
      assert.ok(Buffer.from(await readAll(fs, ["dir", "sub", "deep.txt"])).equals(pattern(40, 40)));
      assert.deepEqual(fs.repairs, readOnly ? [] : ["the boot sector was damaged: restored from the backup at sector 6"]);
      assert.equal(bytes[510], readOnly ? 0 : 0x55, readOnly ? "a read-only mount writes nothing" : "restored");
      await fs.unmount();
    }
    const bothGone = good.slice();
    bothGone.fill(0, 0, 512);
    bothGone.fill(0, 6 * 512, 7 * 512);
    await assert.rejects(mountFat(new MemoryDisk(bothGone)), { code: "EINVAL", message: /no boot signature/ });
  });

  it("a chain that loops is EIO for that file, others read", async () => {
    const bytes = await populated();
    const { g, cluster } = await locate(bytes, ["dir", "file.bin"]);
    setFat16(bytes, g, cluster + 3, cluster + 1); // the fourth cluster links back to the second
    const fs = await mountFat(new MemoryDisk(bytes), { readOnly: true });
    await assert.rejects(readAll(fs, ["dir", "file.bin"]), isEio(/\/dir\/file\.bin: its cluster chain loops/));
    assert.ok(Buffer.from(await readAll(fs, ["other.bin"])).equals(pattern(3000, 3000)));
  });

  it("links to a free or out-of-range cluster, a bogus first cluster, a size the chain cannot hold: EIO", async () => {
    const good = await populated();
    const { g, cluster, entryAt } = await locate(good, ["dir", "file.bin"]);
    const cases: [string, (b: Uint8Array) => void, RegExp][] = [
      ["a free cluster", (b) => setFat16(b, g, cluster + 2, 0), /links to a free cluster/],
      ["out of range", (b) => setFat16(b, g, cluster + 2, 0xfff0), /reserved or out-of-range/],
      ["a bad cluster", (b) => setFat16(b, g, cluster + 2, 0xfff7), /links to a bad cluster/],
      ["first cluster out of range", (b) => { b[entryAt + 26] = 0xf0; b[entryAt + 27] = 0xff; }, /first cluster 65520 is outside/],
      ["a size past the chain", (b) => { b[entryAt + 30] = 0x10; }, /hold less than its size/],
    ];
    for (const [label, damage, detail] of cases) {
      const bytes = good.slice();
      damage(bytes);
      const fs = await mountFat(new MemoryDisk(bytes), { writeBackDelayMs: 0 });
      await assert.rejects(readAll(fs, ["dir", "file.bin"]), isEio(detail), label);
      await assert.rejects(fs.unlink(["dir", "file.bin"]), { code: "EIO" }, label);
      assert.ok(Buffer.from(await readAll(fs, ["dir", "sub", "deep.txt"])).equals(pattern(40, 40)), label);
      await fs.unmount();
    }
  });

  it("a directory that contains itself is EIO on the way in, not a hang", async () => {
    const bytes = await populated();
    const { cluster: dirCluster } = await locate(bytes, ["dir"]);
    const { entryAt } = await locate(bytes, ["dir", "sub"]);
    bytes[entryAt + 26] = dirCluster & 0xff; // /dir/sub now points at /dir
    bytes[entryAt + 27] = dirCluster >> 8;
    const fs = await mountFat(new MemoryDisk(bytes), { readOnly: true });
    assert.deepEqual((await fs.readdir(["dir"])).map((e) => e.name).sort(), ["file.bin", "sub"]);
    await assert.rejects(fs.readdir(["dir", "sub"]), isEio(/\/dir\/sub: a directory entry that points at a directory containing it/));
    await assert.rejects(fs.stat(["dir", "sub", "sub", "sub"]), { code: "EIO" });
    // A dirty volume so damaged is not mounted read-write.
    bytes[0x25] |= 1;
    await assert.rejects(mountFat(new MemoryDisk(bytes)), isEio(/dirty volume: directory \/dir\/sub shares cluster/));
  });

  it("hundreds of random mutations: FsError or success, never another error", async () => {
    for (const layout of [LAYOUTS[0], LAYOUTS[2], LAYOUTS[4]]) {
      const good = await populated(layout);
      let seed = layout.fat;
      const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
      const { g } = await locate(good, ["other.bin"]);
      const metadataBytes = (g.firstDataSector + 64) * 512; // the boot sector, the FATs, the root and the first directories
      for (let round = 0; round < 120; round++) {
        const disk = new OverlayDisk(good);
        for (let flips = 1 + Math.floor(random() * 8); flips > 0; flips--) {
          const at = random() < 0.3 ? Math.floor(random() * 512) : Math.floor(random() * metadataBytes);
          disk.poke(at, (old) => (random() < 0.5 ? old ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256)));
        }
        if (random() < 0.3) disk.poke(g.stateOffset, (old) => old | 1); // dirty: the mount-time check runs on it
        try {
          await exerciseDamaged(disk);
        } catch (error) {
          assert.ok(error instanceof FsError, `${layout.label} round ${round}: ${(error as Error)?.stack ?? error}`);
        }
      }
    }
  });
});

/** Mount, walk every directory reading every file, write one, unmount: each step may fail only with FsError. */
async function exerciseDamaged(disk: BlockDevice): Promise<void> {
  const fs = await mountFat(disk, { writeBackDelayMs: 0 });
  const guard = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof FsError)) throw error;
    }
  };
  const walk = async (path: string[], depth: number): Promise<void> => {
    if (depth > 6) return;
    let entries: { name: string; kind: string }[] = [];
    await guard(async () => (entries = await fs.readdir(path)));
    for (const entry of entries.slice(0, 40)) {
      if (entry.kind === "directory") await walk([...path, entry.name], depth + 1);
      else await guard(() => readAll(fs, [...path, entry.name]));
    }
  };
  await walk([], 0);
  await guard(async () => {
    const file = await fs.open(["new file.txt"], CREATE);
    await file.write(0, pattern(3000, 9));
    await file.close();
  });
  await guard(() => fs.mkdir(["dir", "made"]));
  await guard(() => fs.unlink(["other.bin"]));
  await fs.unmount();
}

/** A disk over an image it does not change: written (and poked) sectors are kept aside, so a round needs no copy of the image. */
class OverlayDisk extends MemoryDisk {
  private readonly changed = new Map<number, Uint8Array>();
  constructor(private readonly base: Uint8Array) {
    super(base);
  }
  poke(at: number, change: (old: number) => number): void {
    const sector = this.sector(Math.floor(at / 512));
    sector[at % 512] = change(sector[at % 512]);
  }
  override async read(sector: number, count: number): Promise<Uint8Array> {
    if (sector < 0 || sector + count > this.sectors) throw new RangeError("outside the disk");
    const out = new Uint8Array(count * 512);
    for (let i = 0; i < count; i++) out.set(this.changed.get(sector + i) ?? this.base.subarray((sector + i) * 512, (sector + i + 1) * 512), i * 512);
    return out;
  }
  override writeSync(sector: number, data: Uint8Array): void {
    if (sector < 0 || sector + data.length / 512 > this.sectors) throw new RangeError("outside the disk");
    for (let i = 0; i * 512 < data.length; i++) this.changed.set(sector + i, data.slice(i * 512, (i + 1) * 512));
  }
  private sector(n: number): Uint8Array {
    let sector = this.changed.get(n);
    if (!sector) this.changed.set(n, (sector = this.base.slice(n * 512, (n + 1) * 512)));
    return sector;
  }
}
