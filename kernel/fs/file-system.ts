/**
 * What a mounted filesystem implements: FAT on a disk (fat/), the image's
 * read-only assets (assets/), a host directory over virtio-fs (virtiofs/).
 * The VFS (vfs.ts) resolves a service's path, finds the mount, and hands the
 * file system the names below the mount's root: never "." or "..", never
 * empty, so a file system cannot be led above its root. File systems throw
 * FsError (errors.ts) with a code; the VFS adds the path and the syscall.
 */

export type FileKind = "file" | "directory";

export interface FileStat {
  kind: FileKind;
  /** Bytes; 0 for a directory where the file system keeps no size. */
  size: number;
  /** Milliseconds since the Unix epoch. */
  mtimeMs: number;
  atimeMs: number;
  birthtimeMs: number;
  /** A number for the file, stable while it exists, unique within the file system. */
  ino: number;
  /** The file refuses writes (FAT's read-only attribute, a read-only mount). */
  readOnly: boolean;
}

export interface DirectoryEntry {
  name: string;
  kind: FileKind;
}

export interface OpenOptions {
  write: boolean;
  /** Create the file if it is missing (the parent must exist). */
  create: boolean;
  /** With create: EEXIST if it exists. */
  exclusive: boolean;
  /** Cut an existing file to 0 bytes. */
  truncate: boolean;
}

/** An open file. Positions are explicit: the VFS keeps each handle's own position. */
export interface OpenFile {
  stat(): Promise<FileStat>;
  /** Read up to `into.length` bytes at `position`; resolves to the count, 0 at or past the end. */
  read(position: number, into: Uint8Array): Promise<number>;
  /** Write all of `data` at `position`, growing the file (with zeros) as needed; resolves to data.length. */
  write(position: number, data: Uint8Array): Promise<number>;
  truncate(length: number): Promise<void>;
  /** Make this file's data and its directory entry durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystemStats {
  blockSize: number;
  blocks: number;
  freeBlocks: number;
}

export interface FileSystem {
  /** "fat32", "assets", "virtiofs", … for statfs and messages. */
  readonly type: string;
  readonly readOnly: boolean;
  /** `[]` is the root. ENOENT, ENOTDIR. */
  stat(path: readonly string[]): Promise<FileStat>;
  readdir(path: readonly string[]): Promise<DirectoryEntry[]>;
  /** EISDIR when `options.write` and the path is a directory. */
  open(path: readonly string[], options: OpenOptions): Promise<OpenFile>;
  /** EEXIST, ENOENT (parent missing). */
  mkdir(path: readonly string[]): Promise<void>;
  /** ENOTEMPTY, ENOTDIR. */
  rmdir(path: readonly string[]): Promise<void>;
  /** EISDIR for a directory (as Linux). */
  unlink(path: readonly string[]): Promise<void>;
  /**
   * POSIX rename: an existing file at `to` is replaced; a directory may
   * replace only an empty directory; EINVAL when `to` is inside `from`.
   */
  rename(from: readonly string[], to: readonly string[]): Promise<void>;
  /** Set a file's times (ms since the epoch). */
  utimes(path: readonly string[], atimeMs: number, mtimeMs: number): Promise<void>;
  statfs(): Promise<FileSystemStats>;
  /** Make every completed change durable. */
  sync(): Promise<void>;
  /**
   * The VM is about to end (exit() was called) and the event loop will not
   * turn again: write back what is cached, synchronously. Optional for file
   * systems that cache nothing.
   */
  syncBeforeExit?(): void;
  /** Unmount: sync, then mark the volume clean. Later calls fail with EIO. */
  unmount(): Promise<void>;
}
