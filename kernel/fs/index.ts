/**
 * `toro/fs`, which is also `node:fs/promises` and `fs/promises`: Node's
 * promise API over the VFS, with Node's argument forms, results and errors.
 *
 *     import { readFile, writeFile } from "node:fs/promises";
 *     await writeFile("/data/hello.txt", "hi");
 *     const text = await readFile("/data/hello.txt", "utf8");
 *
 * Importing it does nothing: the mounts the kernel command line asks for are
 * made by the first call (current-vfs.ts), so an image whose service never
 * calls it touches no disk.
 */
import type { Buffer } from "../../lib/node/buffer.ts";
import { RmDirectoryError } from "./argument-errors.ts";
import { checkEncoding, openFlags, optionsObject, pathArgument, timeMs, type BufferEncoding, type PathLike } from "./arguments.ts";
import { constants } from "./constants.ts";
import { currentVfs } from "./current-vfs.ts";
import { NodeFsError } from "./errors.ts";
import { checkAborted, FileHandle, readRest, writeData, type AbortOptions } from "./file-handle.ts";
import { Dirent, Stats } from "./stats.ts";
import type { Vfs } from "./vfs.ts";

export { constants };
export type { BufferEncoding, Dirent, FileHandle, PathLike, Stats };

/** What readFile/writeFile take as their file: a path or an open FileHandle. */
export type PathOrHandle = PathLike | FileHandle;

type Data = string | ArrayBufferView | Iterable<string | ArrayBufferView> | AsyncIterable<string | ArrayBufferView>;
interface WriteOptions extends AbortOptions {
  encoding?: BufferEncoding | null;
  mode?: number;
  flag?: string | number;
  flush?: boolean;
}

/** Open `path` with `flags`, run `body` on the fd, and close it whatever happens. */
async function withFd<T>(vfs: Vfs, path: string, flags: ReturnType<typeof openFlags>, body: (fd: number) => Promise<T>): Promise<T> {
  const fd = await vfs.open(path, flags);
  try {
    return await body(fd);
  } finally {
    await vfs.close(fd);
  }
}

/** A file's contents: a Buffer, or a string when an encoding is given. */
export function readFile(path: PathOrHandle, options?: { encoding?: null; flag?: string | number; signal?: AbortSignal } | null): Promise<Buffer>;
export function readFile(path: PathOrHandle, options: BufferEncoding | { encoding: BufferEncoding; flag?: string | number; signal?: AbortSignal }): Promise<string>;
export async function readFile(path: PathOrHandle, options?: unknown): Promise<Buffer | string> {
  if (path instanceof FileHandle) return path.readFile(options as never);
  const { encoding, flag, signal } = optionsObject<{ flag?: string | number } & AbortOptions>(options);
  const file = pathArgument(path), flags = openFlags(flag, "r"), checked = checkEncoding(encoding);
  checkAborted(signal);
  const vfs = await currentVfs();
  const data = await withFd(vfs, file, flags, (fd) => readRest(vfs, fd, signal));
  return checked ? data.toString(checked) : data;
}

/** Replace a file's contents (flag "w"), creating it. */
export async function writeFile(path: PathOrHandle, data: Data, options?: BufferEncoding | WriteOptions | null): Promise<void> {
  if (path instanceof FileHandle) return path.writeFile(data, options);
  const { encoding, flag, signal } = optionsObject<WriteOptions>(options);
  const file = pathArgument(path), flags = openFlags(flag, "w"), checked = checkEncoding(encoding) ?? "utf8";
  checkAborted(signal);
  const vfs = await currentVfs();
  await withFd(vfs, file, flags, (fd) => writeData(vfs, fd, data, checked, signal));
}

/** Add to the end of a file (flag "a"), creating it. */
export async function appendFile(path: PathOrHandle, data: Data, options?: BufferEncoding | WriteOptions | null): Promise<void> {
  if (path instanceof FileHandle) return path.appendFile(data, options);
  const object = optionsObject<WriteOptions>(options);
  return writeFile(path, data, { ...object, flag: object.flag ?? "a" });
}

/** The names in a directory, or Dirents with `withFileTypes`; `recursive` walks below it as Node does. */
export function readdir(path: PathLike, options?: BufferEncoding | { encoding?: BufferEncoding | null; withFileTypes?: false; recursive?: boolean } | null): Promise<string[]>;
export function readdir(path: PathLike, options: { encoding?: BufferEncoding | null; withFileTypes: true; recursive?: boolean }): Promise<Dirent[]>;
export async function readdir(path: PathLike, options?: unknown): Promise<string[] | Dirent[]> {
  const { withFileTypes, recursive } = optionsObject<{ withFileTypes?: boolean; recursive?: boolean }>(options);
  const dir = pathArgument(path);
  const vfs = await currentVfs();
  const top = await vfs.readdir(dir);
  if (!recursive) return withFileTypes ? top.map((entry) => new Dirent(entry.name, dir, entry.kind)) : top.map((entry) => entry.name);
  // Node's order: a directory's entries, then the directories found, the last found first.
  const names: string[] = [], dirents: Dirent[] = [];
  const pending: { relative: string; entries: typeof top }[] = [{ relative: "", entries: top }];
  while (pending.length > 0) {
    const { relative, entries } = pending.pop()!;
    const parent = relative ? `${dir.replace(/\/+$/, "")}/${relative}` : dir;
    for (const entry of entries) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      names.push(name);
      dirents.push(new Dirent(entry.name, parent, entry.kind));
      if (entry.kind === "directory") pending.push({ relative: name, entries: await vfs.readdir(`${parent}/${entry.name}`) });
    }
  }
  return withFileTypes ? dirents : names;
}

/** A file's Stats. */
export async function stat(path: PathLike): Promise<Stats> {
  const file = pathArgument(path);
  return new Stats(await (await currentVfs()).stat(file));
}

/** As stat: a FAT volume has no symbolic links. */
export async function lstat(path: PathLike): Promise<Stats> {
  const file = pathArgument(path);
  return new Stats(await (await currentVfs()).stat(file, "lstat"));
}

/** Make a directory; with `recursive` its missing parents too, resolving to the first one made. */
export async function mkdir(path: PathLike, options?: number | string | { recursive?: boolean; mode?: number | string } | null): Promise<string | undefined> {
  const { recursive } = typeof options === "object" && options !== null ? options : { recursive: false };
  const dir = pathArgument(path);
  const vfs = await currentVfs();
  if (!recursive) {
    await vfs.mkdir(dir);
    return undefined;
  }
  // Walk down from the root, making what is missing; errors name the path as Node's mkdir -p does.
  const parts = dir.split("/").filter((part) => part !== "" && part !== ".");
  const absolute = dir.startsWith("/");
  let first: string | undefined;
  for (let i = 1; i <= parts.length; i++) {
    const prefix = (absolute ? "/" : "") + parts.slice(0, i).join("/");
    try {
      const found = await vfs.stat(prefix);
      if (found.kind === "directory") continue;
      throw new NodeFsError(i === parts.length ? "EEXIST" : "ENOTDIR", "mkdir", dir);
    } catch (error) {
      if (!(error instanceof NodeFsError && error.code === "ENOENT" && error.syscall === "stat")) throw error;
    }
    try {
      await vfs.mkdir(prefix);
    } catch (error) {
      if (error instanceof NodeFsError) throw new NodeFsError(error.code, "mkdir", dir);
      throw error;
    }
    first ??= prefix;
  }
  return first;
}

/** Remove a file, or with `recursive` a directory and what is in it; `force` ignores a missing path. */
export async function rm(path: PathLike, options?: { recursive?: boolean; force?: boolean; maxRetries?: number; retryDelay?: number } | null): Promise<void> {
  const { recursive = false, force = false } = options ?? {};
  const target = pathArgument(path);
  const vfs = await currentVfs();
  let found;
  try {
    found = await vfs.stat(target, "lstat");
  } catch (error) {
    if (force && error instanceof NodeFsError && error.code === "ENOENT") return;
    throw error;
  }
  if (found.kind !== "directory") return vfs.unlink(target);
  if (!recursive) throw new RmDirectoryError(target);
  await removeTree(vfs, target);
}

async function removeTree(vfs: Vfs, dir: string): Promise<void> {
  for (const entry of await vfs.readdir(dir)) {
    const child = `${dir.replace(/\/+$/, "")}/${entry.name}`;
    if (entry.kind === "directory") await removeTree(vfs, child);
    else await vfs.unlink(child);
  }
  await vfs.rmdir(dir);
}

/** Remove an empty directory. */
export async function rmdir(path: PathLike, _options?: { recursive?: boolean; maxRetries?: number; retryDelay?: number }): Promise<void> {
  const dir = pathArgument(path);
  await (await currentVfs()).rmdir(dir);
}

/** Move or rename a file or directory, replacing a file (or an empty directory) at `newPath`. */
export async function rename(oldPath: PathLike, newPath: PathLike): Promise<void> {
  const from = pathArgument(oldPath, "oldPath"), to = pathArgument(newPath, "newPath");
  await (await currentVfs()).rename(from, to);
}

/** Remove a file. */
export async function unlink(path: PathLike): Promise<void> {
  const file = pathArgument(path);
  await (await currentVfs()).unlink(file);
}

/** Copy a file's contents to `dest` (replacing it unless `mode` has COPYFILE_EXCL). */
export async function copyFile(src: PathLike, dest: PathLike, mode = 0): Promise<void> {
  const from = pathArgument(src, "src"), to = pathArgument(dest, "dest");
  const vfs = await currentVfs();
  try {
    const source = await vfs.stat(from);
    if (source.kind === "directory") throw new NodeFsError("EISDIR", "copyfile");
    if (!(mode & constants.COPYFILE_EXCL) && (await vfs.realpath(from)) === (await vfs.realpath(to).catch(() => undefined))) return;
    await withFd(vfs, from, openFlags("r", "r"), (input) =>
      withFd(vfs, to, openFlags(mode & constants.COPYFILE_EXCL ? "wx" : "w", "w"), async (output) => {
        const chunk = new Uint8Array(64 * 1024);
        for (let count; (count = await vfs.read(input, chunk, null)) > 0;) await vfs.write(output, chunk.subarray(0, count), null);
      }));
  } catch (error) {
    // Node names the call and both paths; an I/O error keeps its own, with what failed.
    if (error instanceof NodeFsError && error.code !== "EIO") throw new NodeFsError(error.code, "copyfile", from, to);
    throw error;
  }
}

/** Resolve if the file exists and allows `mode` (F_OK, R_OK, W_OK, X_OK), else reject as access(2). */
export async function access(path: PathLike, mode: number = constants.F_OK): Promise<void> {
  const file = pathArgument(path);
  await (await currentVfs()).access(file, mode);
}

/** Cut or extend a file to `len` bytes. */
export async function truncate(path: PathLike, len = 0): Promise<void> {
  const file = pathArgument(path);
  const vfs = await currentVfs();
  await withFd(vfs, file, openFlags("r+", "r+"), (fd) => vfs.ftruncate(fd, Math.max(0, len)));
}

/** Set a file's access and modification times (seconds, numeric strings or Dates). */
export async function utimes(path: PathLike, atime: number | string | Date, mtime: number | string | Date): Promise<void> {
  const file = pathArgument(path);
  const atimeMs = timeMs(atime, "atime"), mtimeMs = timeMs(mtime, "mtime");
  await (await currentVfs()).utimes(file, atimeMs, mtimeMs);
}

/** The absolute path with "." and ".." resolved (there are no links to follow). */
export async function realpath(path: PathLike, _options?: BufferEncoding | { encoding?: BufferEncoding | null } | null): Promise<string> {
  const file = pathArgument(path);
  return (await currentVfs()).realpath(file);
}

/** Open a file: flags "r" (the default), "r+", "w", "w+", "wx", "a", "a+", "ax"… or O_* bits. */
export async function open(path: PathLike, flags?: string | number, _mode?: number | string): Promise<FileHandle> {
  const file = pathArgument(path), parsed = openFlags(flags, "r");
  const vfs = await currentVfs();
  return new FileHandle(vfs, await vfs.open(file, parsed));
}

/** Node's `module.exports` of fs/promises, for require() and default imports. */
export default {
  access, appendFile, constants, copyFile, lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, stat, truncate, unlink, utimes, writeFile,
};
