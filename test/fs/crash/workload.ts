/**
 * The crash tests' workload: a run of file-system calls (create, write
 * small and large, append, overwrite in the middle, truncate both ways, rename across
 * directories and over a file, mkdir, rmdir, unlink, a directory renamed, a
 * directory and the root grown past a cluster) with volume and file syncs
 * between them, on a recording disk. It keeps, beside the calls, what each
 * resolved sync made durable and where each later call began, so a check of
 * a cut knows what must read back.
 */
import type { FileSystem, OpenFile } from "../../../kernel/fs/file-system.ts";
import type { RecordingDisk } from "../../sim/recording-disk.ts";
import { patterned } from "../fuzz/images.ts";

/** What a resolved sync made durable: from `from` events on, `path` holds `content` (or is a directory) until a later call touches it. */
export interface Expectation {
  path: string;
  content: Uint8Array | "directory";
  /** Other contents the path may hold instead (a rename over it: the old file or the new). */
  otherwise?: Uint8Array[];
  from: number;
}

/** A call that may change `path` (and all below it) began when `at` events were recorded. */
export interface Touch {
  path: string;
  at: number;
}

export interface WorkloadLog {
  expectations: Expectation[];
  touches: Touch[];
  /** Syncs that resolved (volume and file). */
  syncs: number;
}

const split = (path: string) => path.split("/");
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/")));
const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

const WRITE = { write: true, create: true, exclusive: false, truncate: false };

/** Runs the workload; ends by unmounting the volume. */
export async function runWorkload(volume: FileSystem, disk: RecordingDisk): Promise<WorkloadLog> {
  const log: WorkloadLog = { expectations: [], touches: [], syncs: 0 };
  // The model: what each path holds now.
  const files = new Map<string, Uint8Array>();
  const directories = new Set<string>([""]);
  // Directories whose own entries are durable (a file's sync makes only the file's entry durable).
  let durableDirectories = new Set<string>([""]);
  let salt = 0;

  const touch = (...paths: string[]) => {
    for (const path of paths) log.touches.push({ path, at: disk.position });
    durableDirectories = new Set([...durableDirectories].filter((dir) => !paths.some((path) => under(dir, path))));
  };
  const syncVolume = async () => {
    await volume.sync();
    log.syncs++;
    const from = disk.position;
    for (const [path, content] of files) log.expectations.push({ path, content: content.slice(), from });
    for (const path of directories) if (path) log.expectations.push({ path, content: "directory", from });
    durableDirectories = new Set(directories);
  };
  const syncFile = async (file: OpenFile, path: string) => {
    await file.sync();
    log.syncs++;
    if (durableDirectories.has(parentOf(path))) log.expectations.push({ path, content: files.get(path)!.slice(), from: disk.position });
  };
  const mkdir = async (path: string) => {
    touch(path);
    await volume.mkdir(split(path));
    directories.add(path);
  };
  /** Write `length` new bytes at `position` (growing the file with zeros); sync the file if asked. */
  const write = async (path: string, position: number, length: number, sync = false) => {
    touch(path);
    const file = await volume.open(split(path), WRITE);
    try {
      const data = patterned(length, ++salt);
      await file.write(position, data);
      const old = files.get(path) ?? new Uint8Array(0);
      const next = new Uint8Array(Math.max(old.length, position + length));
      next.set(old);
      next.set(data, position);
      files.set(path, next);
      if (sync) await syncFile(file, path);
    } finally {
      await file.close();
    }
  };
  const truncate = async (path: string, length: number, sync = false) => {
    touch(path);
    const file = await volume.open(split(path), WRITE);
    try {
      await file.truncate(length);
      const old = files.get(path)!;
      const next = new Uint8Array(length);
      next.set(old.subarray(0, Math.min(length, old.length)));
      files.set(path, next);
      if (sync) await syncFile(file, path);
    } finally {
      await file.close();
    }
  };
  const unlink = async (path: string) => {
    touch(path);
    await volume.unlink(split(path));
    files.delete(path);
  };
  const rmdir = async (path: string) => {
    touch(path);
    await volume.rmdir(split(path));
    directories.delete(path);
  };
  const rename = async (from: string, to: string) => {
    touch(from, to);
    await volume.rename(split(from), split(to));
    for (const [path, content] of [...files]) {
      if (under(path, to)) files.delete(path);
      if (under(path, from)) { files.delete(path); files.set(to + path.slice(from.length), content); }
    }
    for (const path of [...directories]) {
      if (under(path, from)) { directories.delete(path); directories.add(to + path.slice(from.length)); }
    }
  };

  await mkdir("a");
  await mkdir("b");
  await syncVolume();
  await write("a/one.txt", 0, 3000, true);
  await write("b/Long File Name Number Two.bin", 0, 1500);
  await write("b/Long File Name Number Two.bin", 1500, 2600, true); // an append across clusters
  // The root (a cluster chain on FAT32) and b grow past one 512-byte cluster of entries.
  for (let i = 0; i < 12; i++) await write(`root file ${i} with a long name.txt`, 0, 200 + i * 90);
  for (let i = 0; i < 8; i++) await write(`b/entry ${i} of a directory that grows.dat`, 0, 600, i === 7);
  await syncVolume();
  await write("a/one.txt", 1000, 700, true); // overwrite in the middle
  await truncate("b/Long File Name Number Two.bin", 700, true);
  await write("a/three.dat", 0, 5000);
  await write("b/large.bin", 0, 80 * 1024, true); // 64 KiB and more goes to the disk past the cache
  await write("b/large.bin", 20 * 1024, 70 * 1024); // and so does an overwrite, unsynced
  await syncVolume();
  await rename("a/one.txt", "b/moved one.txt");
  await syncVolume();
  await mkdir("a/sub");
  await write("a/sub/x", 0, 100, true);
  await syncVolume();
  await unlink("a/three.dat");
  await rename("b/Long File Name Number Two.bin", "a/sub/x"); // over an existing file
  await syncVolume();
  await unlink("a/sub/x");
  await rmdir("a/sub");
  await syncVolume();
  await write("b/moved one.txt", 3000, 2000); // append
  await truncate("b/moved one.txt", 6000, true); // grow with zeros
  await unlink("root file 3 with a long name.txt");
  await unlink("root file 7 with a long name.txt");
  await rename("b", "a/b moved"); // a directory moves: its ".." changes
  await syncVolume();
  await write("a/not synced", 0, 1000);
  await volume.unmount();
  return log;
}

/** What must read back after a cut at `cut` events: the latest durable state of each path no call had touched by then. */
export function expectedAt(log: WorkloadLog, cut: number): Expectation[] {
  const latest = new Map<string, Expectation>();
  for (const expectation of log.expectations) if (expectation.from <= cut) latest.set(expectation.path, expectation);
  return [...latest.values()].filter((expectation) =>
    !log.touches.some((touch) => touch.at >= expectation.from && touch.at < cut && under(expectation.path, touch.path)));
}
