/**
 * The virtual file system: the mount table, path resolution and the open
 * file table, between the service's calls (index.ts) and the mounted file
 * systems (file-system.ts). A path is resolved lexically (path.ts), the
 * longest mount point that holds it wins, and the file system gets only the
 * names below its root. Where no file system holds a part of the namespace
 * ("/" with mounts at /data and /app), the VFS shows a read-only directory
 * of its own that lists the mount points below it.
 *
 * Errors come out as Node's (NodeFsError) with the syscall and the path as
 * the caller gave it, so a service sees what node:fs/promises would say.
 */
import { FsError, NodeFsError, type FsErrorCode } from "./errors.ts";
import type { DirectoryEntry, FileStat, FileSystem, OpenFile } from "./file-system.ts";
import { formatPath, isPrefix, resolvePath } from "./path.ts";

export interface Mount {
  /** Absolute and normalized: "/data". */
  readonly path: string;
  readonly names: readonly string[];
  readonly fs: FileSystem;
  /** Mounted read-only (or the file system is). */
  readonly readOnly: boolean;
  /** Node's `dev`: a number per mount. */
  readonly dev: number;
}

/** A file's stat with where it lives. */
export interface VfsStat extends FileStat {
  /** The mount's number, 0 for the VFS's own directories. */
  dev: number;
}

/** What open() is asked for, from Node's flags (index.ts parses them). */
export interface OpenFlags {
  read: boolean;
  write: boolean;
  append: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
}

interface Handle {
  readonly fd: number;
  readonly mount: Mount | undefined;
  readonly names: readonly string[];
  /** undefined for a directory opened for reading: it has a stat and nothing to read. */
  readonly file: OpenFile | undefined;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly append: boolean;
  position: number;
  /** The handle's operations in order, so positions (and appends) never interleave. */
  queue: Promise<unknown>;
}

/** The first fd handed out, as a process's first file after stdin, stdout and stderr. */
const FIRST_FD = 3;

/** A code and a message for code that is not a file system's (a driver's bug, a device's error): EIO. */
function asFsError(error: unknown): FsError {
  if (error instanceof FsError) return error;
  return new FsError("EIO", error instanceof Error ? error.message : String(error));
}


export class Vfs {
  private readonly mounts: Mount[] = [];
  private readonly handles = new Map<number, Handle>();
  private nextDev = 1;
  /** The times of the VFS's own directories: when it was made. */
  private readonly createdMs = Date.now();

  /** Mount `fs` at the absolute `path`; a path already mounted is refused. */
  mount(path: string, fs: FileSystem, options: { readOnly?: boolean } = {}): Mount {
    if (!path.startsWith("/")) throw new TypeError(`mount: the path must be absolute, got '${path}'`);
    const names = resolvePath(path).names;
    const normalized = formatPath(names);
    if (this.mounts.some((m) => m.path === normalized)) throw new NodeFsError("EBUSY", "mount", normalized);
    const mount: Mount = { path: normalized, names, fs, readOnly: Boolean(options.readOnly) || fs.readOnly, dev: this.nextDev++ };
    this.mounts.push(mount);
    // Longest first, so the first that holds a path is the one that wins.
    this.mounts.sort((a, b) => b.names.length - a.names.length);
    return mount;
  }

  /** Close what is open on the mount at `path`, take it out of the namespace, then unmount its file system (sync, clean). */
  async unmount(path: string): Promise<void> {
    const normalized = formatPath(resolvePath(path).names);
    const at = this.mounts.findIndex((m) => m.path === normalized);
    if (at < 0) throw new NodeFsError("EINVAL", "umount", path);
    const [mount] = this.mounts.splice(at, 1);
    for (const handle of [...this.handles.values()]) {
      if (handle.mount !== mount) continue;
      this.handles.delete(handle.fd);
      await handle.file?.close().catch(() => undefined);
    }
    await mount.fs.unmount();
  }

  /** The mounts, longest path first. */
  mounted(): readonly Mount[] {
    return this.mounts;
  }

  /** sync() every mount; the first failure is thrown once all were tried. */
  async syncAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const mount of this.mounts) await mount.fs.sync().catch((error) => errors.push(error));
    if (errors.length) throw errors[0];
  }

  /** The exit path: every mount writes back what it caches, synchronously; a mount that fails is reported and the rest go on. */
  syncBeforeExit(report: (line: string) => void): void {
    for (const mount of this.mounts) {
      try {
        mount.fs.syncBeforeExit?.();
      } catch (error) {
        report(`toro: fs: writing back ${mount.path} at exit failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }

  // ---- calls by path ----

  async stat(path: string, syscall = "stat"): Promise<VfsStat> {
    return this.run(syscall, path, undefined, () => {
      const { names, mustBeDirectory } = resolvePath(path);
      return this.statNames(names, mustBeDirectory);
    });
  }

  async readdir(path: string): Promise<DirectoryEntry[]> {
    return this.run("scandir", path, undefined, async () => {
      const { names } = resolvePath(path);
      const stat = await this.statNames(names, false);
      if (stat.kind !== "directory") throw new FsError("ENOTDIR");
      const { mount, rest } = this.locate(names);
      let entries: DirectoryEntry[] = [];
      if (mount) {
        try {
          entries = await mount.fs.readdir(rest);
        } catch (error) {
          if (!this.holdsMountBelow(names)) throw error;
        }
      }
      const seen = new Set(entries.map((entry) => entry.name));
      for (const m of [...this.mounts].reverse()) {
        if (m.names.length <= names.length || !isPrefix(names, m.names)) continue;
        const name = m.names[names.length];
        if (!seen.has(name)) entries.push({ name, kind: "directory" }), seen.add(name);
      }
      return entries;
    });
  }

  async mkdir(path: string): Promise<void> {
    return this.run("mkdir", path, undefined, async () => {
      const { names } = resolvePath(path);
      if (await this.exists(names)) throw new FsError("EEXIST");
      const { mount, rest } = this.writable(names);
      await mount.fs.mkdir(rest);
    });
  }

  async rmdir(path: string): Promise<void> {
    return this.run("rmdir", path, undefined, async () => {
      const { names } = resolvePath(path);
      const stat = await this.statNames(names, false);
      if (stat.kind !== "directory") throw new FsError("ENOTDIR");
      if (this.isMountPointOrAbove(names)) throw new FsError("EBUSY");
      const { mount, rest } = this.writable(names);
      await mount.fs.rmdir(rest);
    });
  }

  async unlink(path: string): Promise<void> {
    return this.run("unlink", path, undefined, async () => {
      const { names, mustBeDirectory } = resolvePath(path);
      const stat = await this.statNames(names, mustBeDirectory);
      if (stat.kind === "directory") throw new FsError("EISDIR");
      const { mount, rest } = this.writable(names);
      await mount.fs.unlink(rest);
    });
  }

  async rename(from: string, to: string): Promise<void> {
    return this.run("rename", from, to, async () => {
      const source = resolvePath(from), target = resolvePath(to);
      const stat = await this.statNames(source.names, source.mustBeDirectory);
      if (target.mustBeDirectory && stat.kind !== "directory") throw new FsError("ENOTDIR");
      if (this.isMountPointOrAbove(source.names) || this.isMountPointOrAbove(target.names)) throw new FsError("EBUSY");
      // As Linux: two mounts is EXDEV before either's read-only state is looked at.
      if (this.locate(source.names).mount !== this.locate(target.names).mount) throw new FsError("EXDEV");
      const a = this.writable(source.names), b = this.writable(target.names);
      if (isPrefix(source.names, target.names)) {
        if (source.names.length === target.names.length) return;
        throw new FsError("EINVAL");
      }
      await a.mount.fs.rename(a.rest, b.rest);
    });
  }

  async utimes(path: string, atimeMs: number, mtimeMs: number): Promise<void> {
    return this.run("utime", path, undefined, async () => {
      const { names, mustBeDirectory } = resolvePath(path);
      await this.statNames(names, mustBeDirectory);
      const { mount, rest } = this.writable(names);
      await mount.fs.utimes(rest, atimeMs, mtimeMs);
    });
  }

  /** F_OK (0), R_OK (4), W_OK (2), X_OK (1), as access(2). */
  async access(path: string, mode: number): Promise<void> {
    return this.run("access", path, undefined, async () => {
      const { names, mustBeDirectory } = resolvePath(path);
      const stat = await this.statNames(names, mustBeDirectory);
      if (mode & 2) {
        if (this.locate(names).mount?.readOnly ?? true) throw new FsError("EROFS");
        if (stat.readOnly) throw new FsError("EACCES");
      }
      if (mode & 1 && stat.kind !== "directory") throw new FsError("EACCES");
    });
  }

  /** The canonical absolute path of what exists at `path`. */
  async realpath(path: string): Promise<string> {
    return this.run("realpath", path, undefined, async () => {
      const { names, mustBeDirectory } = resolvePath(path);
      await this.statNames(names, mustBeDirectory);
      return formatPath(names);
    });
  }

  /** Open a file (or a directory, to read its stat) and return its fd. */
  async open(path: string, flags: OpenFlags): Promise<number> {
    return this.run("open", path, undefined, async () => {
      const { names, mustBeDirectory } = resolvePath(path);
      const wantsWrite = flags.write || flags.append || flags.truncate;
      let stat: VfsStat | undefined;
      try {
        stat = await this.statNames(names, false);
      } catch (error) {
        if (!(error instanceof FsError && error.code === "ENOENT" && flags.create)) throw error;
      }
      let file: OpenFile | undefined;
      if (stat) {
        if (flags.create && flags.exclusive) throw new FsError("EEXIST");
        if (stat.kind === "directory") {
          if (wantsWrite) throw new FsError("EISDIR");
        } else {
          if (mustBeDirectory) throw new FsError("ENOTDIR");
          if (wantsWrite) {
            this.writable(names);
            if (stat.readOnly) throw new FsError("EACCES");
          }
          const { mount, rest } = this.locate(names);
          file = await mount!.fs.open(rest, { write: wantsWrite, create: false, exclusive: false, truncate: flags.truncate });
        }
      } else {
        if (mustBeDirectory) throw new FsError("EISDIR");
        const { mount, rest } = this.writable(names);
        file = await mount.fs.open(rest, { write: true, create: true, exclusive: flags.exclusive, truncate: flags.truncate });
      }
      const fd = this.freeFd();
      this.handles.set(fd, {
        fd, mount: this.locate(names).mount, names, file,
        readable: flags.read, writable: file !== undefined && (flags.write || flags.append), append: flags.append,
        position: 0, queue: Promise.resolve(),
      });
      return fd;
    });
  }

  // ---- calls by fd ----

  /** Read into `into` at `position`, or at the handle's position (and move it) when position is null. */
  async read(fd: number, into: Uint8Array, position: number | null): Promise<number> {
    return this.onHandle(fd, "read", async (handle) => {
      if (!handle.file) throw new FsError("EISDIR");
      if (!handle.readable) throw new FsError("EBADF");
      const at = position ?? handle.position;
      const count = into.length === 0 ? 0 : await handle.file.read(at, into);
      if (position === null) handle.position = at + count;
      return count;
    });
  }

  /** Write `data` at `position`, or at the handle's position (moving it), or at the end in append mode. */
  async write(fd: number, data: Uint8Array, position: number | null): Promise<number> {
    return this.onHandle(fd, "write", async (handle) => {
      if (!handle.file || !handle.writable) throw new FsError("EBADF");
      const at = handle.append ? (await handle.file.stat()).size : position ?? handle.position;
      const count = data.length === 0 ? 0 : await handle.file.write(at, data);
      if (position === null || handle.append) handle.position = at + count;
      return count;
    });
  }

  async fstat(fd: number): Promise<VfsStat> {
    return this.onHandle(fd, "fstat", async (handle) => {
      const stat = handle.file ? await handle.file.stat() : await this.statNames(handle.names, false);
      return { ...stat, dev: handle.mount?.dev ?? 0, readOnly: stat.readOnly || (handle.mount?.readOnly ?? true) && stat.kind === "file" };
    });
  }

  async ftruncate(fd: number, length: number): Promise<void> {
    return this.onHandle(fd, "ftruncate", async (handle) => {
      if (!handle.file || !handle.writable) throw new FsError("EINVAL");
      await handle.file.truncate(length);
    });
  }

  async fsync(fd: number, syscall = "fsync"): Promise<void> {
    return this.onHandle(fd, syscall, async (handle) => {
      if (handle.file && handle.writable) await handle.file.sync();
    });
  }

  async futimes(fd: number, atimeMs: number, mtimeMs: number): Promise<void> {
    return this.onHandle(fd, "futime", async (handle) => {
      if (!handle.mount || handle.mount.readOnly) throw new FsError("EROFS");
      await handle.mount.fs.utimes(handle.names.slice(handle.mount.names.length), atimeMs, mtimeMs);
    });
  }

  /** Close the fd: later calls with it fail with EBADF. */
  async close(fd: number): Promise<void> {
    const handle = this.handles.get(fd);
    if (!handle) throw new NodeFsError("EBADF", "close");
    this.handles.delete(fd);
    await handle.queue.catch(() => undefined);
    try {
      await handle.file?.close();
    } catch (error) {
      throw this.translate(error, "close");
    }
  }

  // ---- resolution ----

  /** The mount that holds `names` (the longest mount point above it) and the names below its root. */
  private locate(names: readonly string[]): { mount: Mount | undefined; rest: string[] } {
    const mount = this.mounts.find((m) => isPrefix(m.names, names));
    return { mount, rest: names.slice(mount ? mount.names.length : 0) };
  }

  /** Some mount point lies strictly below `names`, so it is a directory whatever holds it. */
  private holdsMountBelow(names: readonly string[]): boolean {
    return this.mounts.some((m) => m.names.length > names.length && isPrefix(names, m.names));
  }

  private isMountPointOrAbove(names: readonly string[]): boolean {
    return this.mounts.some((m) => isPrefix(names, m.names));
  }

  private async statNames(names: readonly string[], mustBeDirectory: boolean): Promise<VfsStat> {
    const { mount, rest } = this.locate(names);
    let stat: VfsStat | undefined;
    if (mount) {
      try {
        const found = await mount.fs.stat(rest);
        stat = { ...found, dev: mount.dev, readOnly: found.readOnly || (mount.readOnly && found.kind === "file") };
      } catch (error) {
        if (!(error instanceof FsError && (error.code === "ENOENT" || error.code === "ENOTDIR") && this.holdsMountBelow(names))) throw error;
      }
    }
    if (!stat) {
      if (names.length > 0 && !this.holdsMountBelow(names)) throw new FsError("ENOENT");
      stat = this.ownDirectoryStat(names);
    }
    if (mustBeDirectory && stat.kind !== "directory") throw new FsError("ENOTDIR");
    return stat;
  }

  /** The stat of a directory of the VFS's own (a part of the namespace no file system holds). */
  private ownDirectoryStat(names: readonly string[]): VfsStat {
    const t = this.createdMs;
    // A number of its own per path, stable while the mounts are.
    let ino = 1;
    for (const ch of formatPath(names)) ino = (Math.imul(ino, 31) + ch.charCodeAt(0)) >>> 0;
    return { kind: "directory", size: 0, mtimeMs: t, atimeMs: t, birthtimeMs: t, ino, readOnly: false, dev: 0 };
  }

  private async exists(names: readonly string[]): Promise<boolean> {
    try {
      await this.statNames(names, false);
      return true;
    } catch (error) {
      if (error instanceof FsError && error.code === "ENOENT") return false;
      throw error;
    }
  }

  /** The mount that holds `names`, which must take writes: EROFS for a read-only mount or the VFS's own directories. */
  private writable(names: readonly string[]): { mount: Mount; rest: string[] } {
    const { mount, rest } = this.locate(names);
    if (!mount || mount.readOnly) throw new FsError("EROFS");
    return { mount, rest };
  }

  private freeFd(): number {
    let fd = FIRST_FD;
    while (this.handles.has(fd)) fd++;
    return fd;
  }

  // ---- errors ----

  private async run<T>(syscall: string, path: string, dest: string | undefined, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw this.translate(error, syscall, path, dest);
    }
  }

  /** One handle's operation, after those before it on the same handle; Node's fd calls name no path. */
  private onHandle<T>(fd: number, syscall: string, body: (handle: Handle) => Promise<T>): Promise<T> {
    const handle = this.handles.get(fd);
    if (!handle) return Promise.reject(new NodeFsError("EBADF", syscall));
    const result = handle.queue.catch(() => undefined).then(() => {
      if (this.handles.get(fd) !== handle) throw new FsError("EBADF");
      return body(handle);
    });
    handle.queue = result.catch(() => undefined);
    return result.catch((error) => {
      throw this.translate(error, syscall);
    });
  }

  private translate(error: unknown, syscall: string, path?: string, dest?: string): NodeFsError {
    if (error instanceof NodeFsError) return error;
    const fsError = asFsError(error);
    // Node's messages carry no detail; an I/O error's says what failed on which mount.
    const detail = fsError.code === "EIO" ? fsError.detail : undefined;
    return new NodeFsError(fsError.code as FsErrorCode, syscall, path, dest, detail);
  }
}
