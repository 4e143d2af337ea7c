/**
 * FAT images for the tests, made by Debian's dosfstools and filled and read
 * by mtools: the other side of every round trip. Images are sparse files in
 * a temporary directory, loaded whole into a MemoryDisk.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryDisk } from "../../sim/memory-disk.ts";
import type { OpenOptions } from "../../../kernel/fs/file-system.ts";

export interface ImageLayout {
  /** The test's name for it: "fat12 (1 sector per cluster)". */
  label: string;
  fat: 12 | 16 | 32;
  sizeKiB: number;
  sectorsPerCluster: number;
}

/** Each width with 512-byte clusters (long chains) and with larger ones; FAT32 needs 65,525 clusters, so its larger cluster is small too. */
export const LAYOUTS: ImageLayout[] = [
  { label: "fat12, 512-byte clusters", fat: 12, sizeKiB: 1440, sectorsPerCluster: 1 },
  { label: "fat12, 2 KiB clusters", fat: 12, sizeKiB: 4096, sectorsPerCluster: 4 },
  { label: "fat16, 512-byte clusters", fat: 16, sizeKiB: 16 * 1024, sectorsPerCluster: 1 },
  { label: "fat16, 4 KiB clusters", fat: 16, sizeKiB: 20 * 1024, sectorsPerCluster: 8 },
  { label: "fat32, 512-byte clusters", fat: 32, sizeKiB: 40 * 1024, sectorsPerCluster: 1 },
  { label: "fat32, 1 KiB clusters", fat: 32, sizeKiB: 72 * 1024, sectorsPerCluster: 2 },
];

const TOOLS = ["mkfs.fat", "fsck.fat", "mcopy", "mdir", "mtype"];

/** Why the image tests cannot run here, or undefined when dosfstools and mtools are installed. */
export function missingTools(): string | undefined {
  const missing = TOOLS.filter((tool) => spawnSync("sh", ["-c", `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0);
  return missing.length ? `needs dosfstools and mtools (missing: ${missing.join(", ")})` : undefined;
}

export function scratch(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), "toro-fat-"));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

function run(command: string, args: string[], options: { allowFailure?: boolean } = {}): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, MTOOLS_SKIP_CHECK: "1", LC_ALL: "C.UTF-8", PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh image file made by mkfs.fat. */
export function makeImage(dir: string, layout: ImageLayout, name = "disk.img"): string {
  const path = join(dir, name);
  run("mkfs.fat", ["-C", "-F", String(layout.fat), "-S", "512", "-s", String(layout.sectorsPerCluster), path, String(layout.sizeKiB)]);
  return path;
}

export const loadDisk = (path: string, readOnly = false) => new MemoryDisk(new Uint8Array(readFileSync(path)), { readOnly });
export const saveDisk = (disk: MemoryDisk, path: string) => writeFileSync(path, disk.bytes);

/** mcopy -s: the host files or directories into the image's root (or `into`). */
export function mcopyIn(image: string, sources: string[], into = "::/"): void {
  run("mcopy", ["-i", image, "-s", "-Q", ...sources, into]);
}

/** mcopy -s of the whole image into `dir`. */
export function mcopyOut(image: string, dir: string): void {
  run("mcopy", ["-i", image, "-s", "-n", "-Q", "::/*", dir], { allowFailure: false });
}

export function mtype(image: string, path: string): Buffer {
  const result = spawnSync("mtype", ["-i", image, `::${path}`], { env: { ...process.env, MTOOLS_SKIP_CHECK: "1", LC_ALL: "C.UTF-8" }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`mtype ${path}: ${result.stderr}`);
  return result.stdout;
}

/** mdir's long names of one directory (its last column), "." and ".." left out. */
export function mdirNames(image: string, path: string): string[] {
  const out = run("mdir", ["-i", image, "-b", `::${path}`]).stdout;
  return out.split("\n").filter(Boolean).map((line) => line.slice(line.lastIndexOf("/") + 1)).filter((n) => n !== "." && n !== "..");
}

/** fsck.fat -n: its exit status and what it printed past the version line. */
export function fsck(image: string): { status: number; messages: string[] } {
  const result = run("fsck.fat", ["-n", image], { allowFailure: true });
  const messages = (result.stdout + result.stderr).split("\n").filter((line) => line && !line.startsWith("fsck.fat "));
  return { status: result.status, messages };
}

/** fsck.fat's output for a volume it found nothing wrong with: only the summary line. */
export function fsckProblems(image: string): string[] {
  const { status, messages } = fsck(image);
  const problems = messages.filter((line) => !/: \d+ files, \d+\/\d+ clusters$/.test(line));
  if (status !== 0) problems.unshift(`exit status ${status}`);
  return problems;
}

export const READ: OpenOptions = { write: false, create: false, exclusive: false, truncate: false };
export const WRITE: OpenOptions = { write: true, create: false, exclusive: false, truncate: false };
export const CREATE: OpenOptions = { write: true, create: true, exclusive: false, truncate: true };

/** Deterministic bytes (a seeded LCG), so a failure shows the same data again. */
export function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}
