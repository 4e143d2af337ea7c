/**
 * (a) Images made by mkfs.fat and filled by mcopy (long and Unicode names,
 * nested directories, an empty file, a file of many clusters) read back by
 * the driver exactly: the tree, the names' case, the bytes, the sizes.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import type { FileSystem } from "../../../kernel/fs/file-system.ts";
import { LAYOUTS, READ, loadDisk, makeImage, mcopyIn, missingTools, pattern, scratch } from "./images.ts";

/** The host tree mcopy copies in. */
function makeTree(root: string, clusterBytes: number): void {
  mkdirSync(join(root, "docs", "Nested Deeper", "third level"), { recursive: true });
  mkdirSync(join(root, "EMPTYDIR"));
  writeFileSync(join(root, "README.TXT"), "upper-case 8.3 name\n");
  writeFileSync(join(root, "lower.txt"), "lower-case 8.3 name\n");
  writeFileSync(join(root, "empty file"), "");
  writeFileSync(join(root, "A rather long file name, with spaces and commas.data"), pattern(5000, 1));
  writeFileSync(join(root, "many clusters.bin"), pattern(clusterBytes * 150 + 123, 2));
  writeFileSync(join(root, "docs", "Ünïcödé — ñame.txt"), "unicode\n");
  writeFileSync(join(root, "docs", "日本語のファイル名.txt"), "japanese\n");
  writeFileSync(join(root, "docs", "Nested Deeper", "MixedCase.Md"), "# mixed\n");
  writeFileSync(join(root, "docs", "Nested Deeper", "third level", "x"), pattern(clusterBytes + 1, 3));
}

/** Compare the host tree with the volume's, recursively. */
async function compareTree(fs: FileSystem, host: string, path: string[]): Promise<number> {
  const expected = readdirSync(host).sort();
  const listed = await fs.readdir(path);
  assert.deepEqual(listed.map((e) => e.name).sort(), expected, `names in /${path.join("/")}`);
  let files = 0;
  for (const entry of listed) {
    const hostPath = join(host, entry.name);
    const isDir = statSync(hostPath).isDirectory();
    assert.equal(entry.kind, isDir ? "directory" : "file", hostPath);
    if (isDir) {
      files += await compareTree(fs, hostPath, [...path, entry.name]);
      continue;
    }
    const want = readFileSync(hostPath);
    const stat = await fs.stat([...path, entry.name.toUpperCase()]); // lookups ignore case
    assert.equal(stat.size, want.length, hostPath);
    const file = await fs.open([...path, entry.name], READ);
    const got = new Uint8Array(want.length + 10);
    assert.equal(await file.read(0, got), want.length);
    assert.ok(Buffer.from(got.subarray(0, want.length)).equals(want), `contents of ${hostPath}`);
    // A read in the middle, across cluster boundaries.
    if (want.length >= 1110) {
      const middle = new Uint8Array(777);
      assert.equal(await file.read(333, middle), 777);
      assert.ok(Buffer.from(middle).equals(want.subarray(333, 1110)));
    }
    assert.equal(await file.read(want.length, new Uint8Array(4)), 0);
    await file.close();
    files++;
  }
  return files;
}

const skip = missingTools();
describe("FAT images written by mtools, read by the driver", { skip }, () => {
  for (const layout of LAYOUTS) {
    it(layout.label, async () => {
      const { dir, done } = scratch();
      try {
        const tree = join(dir, "tree");
        mkdirSync(tree);
        makeTree(tree, layout.sectorsPerCluster * 512);
        const image = makeImage(dir, layout);
        mcopyIn(image, readdirSync(tree).map((name) => join(tree, name)));
        const fs = await mountFat(loadDisk(image, true));
        assert.equal(fs.type, `fat${layout.fat}`);
        assert.equal(fs.readOnly, true);
        assert.equal(await compareTree(fs, tree, []), 9);
        const stat = await fs.stat(["docs"]);
        assert.equal(stat.kind, "directory");
        assert.ok(Math.abs(stat.mtimeMs - Date.now()) < 3600_000 * 24, "mcopy's timestamps are today's (local time = UTC here)");
        await fs.unmount();
      } finally {
        done();
      }
    });
  }
});
