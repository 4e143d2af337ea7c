/**
 * (b) What the driver writes, fsck.fat -n passes without a message and
 * mtools reads back as written: create, overwrite in the middle, append, a
 * hole, truncate both ways, renames (across directories, replacing, a
 * directory moved), unlink, mkdir/rmdir, a directory grown past one
 * cluster, long and Unicode names. The driver reads it all back too after a
 * remount.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { mountFat, type FatVolume } from "../../../kernel/fs/fat/index.ts";
import { CREATE, LAYOUTS, READ, WRITE, fsckProblems, loadDisk, makeImage, mcopyOut, mdirNames, missingTools, mtype, pattern, saveDisk, scratch } from "./images.ts";

type Model = Map<string, Uint8Array | "directory">;

const text = (s: string) => new TextEncoder().encode(s);
const split = (path: string) => path.split("/").filter(Boolean);

async function writeFile(fs: FatVolume, model: Model, path: string, data: Uint8Array, position = 0): Promise<void> {
  const file = await fs.open(split(path), position === 0 && !model.has(path) ? CREATE : { ...WRITE, create: true });
  await file.write(position, data);
  await file.close();
  const old = (model.get(path) as Uint8Array | undefined) ?? new Uint8Array(0);
  const next = new Uint8Array(Math.max(old.length, position + data.length));
  next.set(old);
  next.set(data, position);
  model.set(path, next);
}

async function truncate(fs: FatVolume, model: Model, path: string, length: number): Promise<void> {
  const file = await fs.open(split(path), WRITE);
  await file.truncate(length);
  await file.close();
  const old = model.get(path) as Uint8Array;
  const next = new Uint8Array(length);
  next.set(old.subarray(0, length));
  model.set(path, next);
}

function renameInModel(model: Model, from: string, to: string): void {
  for (const [path, value] of [...model]) {
    if (path === from || path.startsWith(from + "/")) {
      model.delete(path);
      model.set(to + path.slice(from.length), value);
    }
  }
}

/** The changes, applied to the volume and to the model of what it should hold. */
async function exercise(fs: FatVolume, clusterBytes: number): Promise<Model> {
  const model: Model = new Map();
  const mkdir = async (path: string) => {
    await fs.mkdir(split(path));
    model.set(path, "directory");
  };
  await mkdir("/dir1");
  await mkdir("/dir1/sub");
  await mkdir("/dir2");
  await writeFile(fs, model, "/dir1/sub/inside.txt", text("in a directory that moves\n"));
  await writeFile(fs, model, "/dir1/big.bin", pattern(clusterBytes * 40 + 17, 10));
  await writeFile(fs, model, "/dir1/big.bin", pattern(2000, 11), clusterBytes * 3 + 100); // the middle
  await writeFile(fs, model, "/dir1/big.bin", pattern(3 * clusterBytes, 12), clusterBytes * 40 + 17); // append
  await writeFile(fs, model, "/hole.bin", text("after a hole"), clusterBytes * 5 + 7);
  await writeFile(fs, model, "/dir1/grow.bin", pattern(100, 13));
  await truncate(fs, model, "/dir1/grow.bin", clusterBytes * 3 + 1);
  await truncate(fs, model, "/dir1/big.bin", clusterBytes * 10 + 5);
  await writeFile(fs, model, "/dir1/shrink-to-zero", pattern(clusterBytes * 2, 14));
  await truncate(fs, model, "/dir1/shrink-to-zero", 0);
  await writeFile(fs, model, "/empty", new Uint8Array(0));
  await fs.rename(split("/dir1/big.bin"), split("/dir2/Moved Big.bin"));
  renameInModel(model, "/dir1/big.bin", "/dir2/Moved Big.bin");
  await fs.rename(split("/dir1/sub"), split("/dir2/sub moved"));
  renameInModel(model, "/dir1/sub", "/dir2/sub moved");
  await writeFile(fs, model, "/dir2/victim.txt", text("replaced\n"));
  await writeFile(fs, model, "/README.TXT", text("replaces the victim\n"));
  await fs.rename(split("/README.TXT"), split("/dir2/victim.txt"));
  model.delete("/dir2/victim.txt");
  renameInModel(model, "/README.TXT", "/dir2/victim.txt");
  await fs.rename(split("/dir2/victim.txt"), split("/dir2/Victim.TXT")); // case only
  renameInModel(model, "/dir2/victim.txt", "/dir2/Victim.TXT");
  await writeFile(fs, model, "/gone.txt", pattern(clusterBytes * 4, 15));
  await fs.unlink(split("/gone.txt"));
  model.delete("/gone.txt");
  await mkdir("/short-lived");
  await fs.rmdir(split("/short-lived"));
  model.delete("/short-lived");
  await mkdir("/many");
  for (let i = 0; i < 70; i++) await writeFile(fs, model, `/many/a file with a long name number ${i}.txt`, text(`${i}\n`));
  for (let i = 0; i < 70; i += 3) {
    await fs.unlink(split(`/many/a file with a long name number ${i}.txt`));
    model.delete(`/many/a file with a long name number ${i}.txt`);
  }
  for (const name of ["UPPER.TXT", "lower.txt", "MixedCase.Txt", "Ünïcödé ñame.txt", "日本語のファイル.txt", "smile 🙂 emoji.txt", "x".repeat(255), "a.b.c.d", "name with ~1 tilde", "+plus,comma;semi=eq[]"]) {
    await writeFile(fs, model, `/dir2/${name}`, text(`${name}\n`));
  }
  return model;
}

/** mtools reads UTF-16 one unit at a time: a surrogate pair (an emoji) comes out as two "_". */
const asMtoolsShows = (name: string) => name.replace(/[\u{10000}-\u{10ffff}]/gu, "__");

/** The model against a host tree copied out of the image by mcopy. */
function compareHost(model: Model, host: string, path = ""): void {
  const expected = [...model.keys()].filter((p) => p.slice(0, p.lastIndexOf("/")) === path).map((p) => p.slice(path.length + 1)).sort();
  assert.deepEqual(readdirSync(host).sort(), expected.map(asMtoolsShows).sort(), `names in ${path || "/"}`);
  for (const name of expected) {
    const value = model.get(`${path}/${name}`)!;
    const hostPath = join(host, asMtoolsShows(name));
    if (value === "directory") {
      assert.ok(statSync(hostPath).isDirectory(), hostPath);
      compareHost(model, hostPath, `${path}/${name}`);
    } else {
      assert.ok(readFileSync(hostPath).equals(value), `contents of ${path}/${name}`);
    }
  }
}

async function compareVolume(fs: FatVolume, model: Model): Promise<void> {
  for (const [path, value] of model) {
    const stat = await fs.stat(split(path));
    if (value === "directory") {
      assert.equal(stat.kind, "directory", path);
      continue;
    }
    assert.equal(stat.size, value.length, path);
    const file = await fs.open(split(path), READ);
    const got = new Uint8Array(value.length);
    assert.equal(await file.read(0, got), value.length);
    assert.ok(Buffer.from(got).equals(value), path);
    await file.close();
  }
}

const skip = missingTools();
describe("what the driver writes, fsck.fat passes and mtools reads", { skip }, () => {
  for (const layout of LAYOUTS) {
    it(layout.label, async () => {
      const { dir, done } = scratch();
      try {
        const image = makeImage(dir, layout);
        const disk = loadDisk(image);
        let stamp = Date.UTC(2024, 4, 17, 12, 30, 10);
        const fs = await mountFat(disk, { now: () => (stamp += 1000), writeBackDelayMs: 0 });
        const model = await exercise(fs, layout.sectorsPerCluster * 512);
        await compareVolume(fs, model);
        await fs.unmount();
        saveDisk(disk, image);

        assert.deepEqual(fsckProblems(image), []);
        const out = join(dir, "out");
        mkdirSync(out);
        mcopyOut(image, out);
        compareHost(model, out);
        assert.equal(mdirNames(image, "/many").length, 46);
        assert.ok(mtype(image, "/dir2/sub moved/inside.txt").equals(Buffer.from("in a directory that moves\n")));
        assert.match(mdirNames(image, "/dir2").join("\n"), /Moved Big\.bin/);

        const again = await mountFat(loadDisk(image, true));
        await compareVolume(again, model);
        const stat = await again.stat(["dir2", "Victim.TXT"]);
        assert.ok(stat.mtimeMs >= Date.UTC(2024, 4, 17, 12, 30) && stat.mtimeMs < Date.UTC(2024, 4, 17, 13), `mtime ${new Date(stat.mtimeMs).toISOString()}`);
        assert.equal(stat.mtimeMs % 2000, 0, "FAT keeps modification times in 2 s steps");
      } finally {
        done();
      }
    });
  }
});
