/**
 * Node's `Stats` and `Dirent`, made from the VFS's stat and directory
 * entries: the same fields and methods, so code that reads `size`,
 * `mtimeMs`, `mtime` or calls `isDirectory()` works unchanged. A FAT volume
 * has no owners, links or permissions: uid and gid are 0, nlink 1, and the
 * mode is 0o100644 for a file (0o100444 read-only) and 0o40755 for a
 * directory.
 */
import type { FileKind } from "./file-system.ts";
import type { VfsStat } from "./vfs.ts";

/** The block size stat reports, and the unit `blocks` counts allocation in (512-byte sectors of it). */
const BLOCK_SIZE = 4096;

const S_IFREG = 0o100000, S_IFDIR = 0o40000;

abstract class FileTypes {
  protected abstract get fileKind(): FileKind;
  isFile(): boolean {
    return this.fileKind === "file";
  }
  isDirectory(): boolean {
    return this.fileKind === "directory";
  }
  isBlockDevice(): boolean {
    return false;
  }
  isCharacterDevice(): boolean {
    return false;
  }
  isSymbolicLink(): boolean {
    return false;
  }
  isFIFO(): boolean {
    return false;
  }
  isSocket(): boolean {
    return false;
  }
}

export class Stats extends FileTypes {
  dev: number;
  mode: number;
  nlink = 1;
  uid = 0;
  gid = 0;
  rdev = 0;
  blksize = BLOCK_SIZE;
  ino: number;
  size: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;

  constructor(stat: VfsStat) {
    super();
    const directory = stat.kind === "directory";
    this.dev = stat.dev;
    this.mode = directory ? S_IFDIR | 0o755 : S_IFREG | (stat.readOnly ? 0o444 : 0o644);
    this.ino = stat.ino;
    this.size = stat.size;
    this.blocks = Math.ceil(stat.size / BLOCK_SIZE) * (BLOCK_SIZE / 512);
    this.atimeMs = stat.atimeMs;
    this.mtimeMs = stat.mtimeMs;
    // FAT keeps no change time: the last modification is the nearest.
    this.ctimeMs = stat.mtimeMs;
    this.birthtimeMs = stat.birthtimeMs;
    this.atime = new Date(stat.atimeMs);
    this.mtime = new Date(stat.mtimeMs);
    this.ctime = new Date(stat.mtimeMs);
    this.birthtime = new Date(stat.birthtimeMs);
  }

  protected get fileKind(): FileKind {
    return (this.mode & 0o170000) === S_IFDIR ? "directory" : "file";
  }
}

export class Dirent extends FileTypes {
  /** @deprecated Node's older name for parentPath. */
  path: string;
  readonly #kind: FileKind;
  constructor(readonly name: string, readonly parentPath: string, kind: FileKind) {
    super();
    this.path = parentPath;
    this.#kind = kind;
  }
  protected get fileKind(): FileKind {
    return this.#kind;
  }
}
