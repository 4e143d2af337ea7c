/**
 * FAT images made by Debian's tools, as the fuzz and crash tests start from:
 * mkfs.fat for the volume (small, but of the width asked: FAT32 needs 65,525
 * clusters, so 33 MiB of 512-byte clusters), mmd and mcopy for a tree.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type FatWidth = 12 | 16 | 32;
export const FAT_WIDTHS: readonly FatWidth[] = [12, 16, 32];

/** Image sizes: the smallest that hold the width with one-sector clusters (many clusters, long chains). */
const IMAGE_BYTES: Record<FatWidth, number> = { 12: 1 << 20, 16: 4 << 20, 32: 33 << 20 };

/** A file or directory to put in an image: a directory has no data. */
export interface TreeEntry {
  /** "/"-separated, below the root. */
  path: string;
  data?: Uint8Array;
}

const tools = { ...process.env, MTOOLS_SKIP_CHECK: "1" };

/** A fresh volume of `width` holding `tree` (directories before what they hold). */
export function makeImage(width: FatWidth, tree: readonly TreeEntry[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "toro-fat-image-"));
  try {
    const file = join(dir, "image");
    writeFileSync(file, new Uint8Array(0));
    execFileSync("truncate", ["-s", String(IMAGE_BYTES[width]), file]);
    execFileSync("mkfs.fat", ["-F", String(width), "-s", "1", "-S", "512", "-n", `TORO${width}`, "-i", "12345678", file], { stdio: "pipe" });
    tree.forEach((entry, index) => {
      const target = `::/${entry.path}`;
      if (!entry.data) return execFileSync("mmd", ["-i", file, target], { env: tools, stdio: "pipe" });
      const source = join(dir, `data${index}`);
      writeFileSync(source, entry.data);
      execFileSync("mcopy", ["-i", file, source, target], { env: tools, stdio: "pipe" });
    });
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes that differ from one position to the next, so a misplaced cluster shows. */
export function patterned(length: number, salt: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + salt * 17 + (i >> 9)) & 0xff;
  return bytes;
}

/**
 * The tree the fuzzer mutates: short and long names, empty and multi-cluster
 * files, nested directories, and one directory whose entries span clusters.
 */
export function fuzzTree(): TreeEntry[] {
  const tree: TreeEntry[] = [
    { path: "README.TXT", data: patterned(700, 1) },
    { path: "empty", data: new Uint8Array(0) },
    { path: "A long file name with spaces.bin", data: patterned(5000, 2) },
    { path: "docs" },
    { path: "docs/one.txt", data: patterned(1, 3) },
    { path: "docs/exactly-a-sector.dat", data: patterned(512, 4) },
    { path: "docs/deeper" },
    { path: "docs/deeper/Ünïcødé name.txt", data: patterned(1500, 5) },
    { path: "many" },
  ];
  for (let i = 0; i < 24; i++) tree.push({ path: `many/file number ${i} with a long name.txt`, data: patterned(40 + i * 37, 10 + i) });
  return tree;
}
