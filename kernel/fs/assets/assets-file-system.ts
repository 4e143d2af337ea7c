/**
 * The image's assets as a read-only FileSystem (file-system.ts): a tree of
 * the archive's entries, built once at mount, whose files are views of the
 * image's memory. Reads copy from those views into the caller's buffer;
 * every write is EROFS.
 */
import { FsError } from "../errors.ts";
import type { DirectoryEntry, FileStat, FileSystem, FileSystemStats, OpenFile, OpenOptions } from "../file-system.ts";
import type { ArchiveEntry } from "./archive.ts";

interface Node {
  kind: "file" | "directory";
  bytes: Uint8Array;
  mtimeMs: number;
  ino: number;
  /** A directory's entries, in the archive's (sorted) order. */
  children: Map<string, Node> | undefined;
}

const BLOCK = 4096;

function statOf(node: Node): FileStat {
  return {
    kind: node.kind,
    size: node.bytes.byteLength,
    mtimeMs: node.mtimeMs,
    atimeMs: node.mtimeMs,
    birthtimeMs: node.mtimeMs,
    ino: node.ino,
    readOnly: true,
  };
}

class AssetsFile implements OpenFile {
  private closed = false;
  constructor(private readonly node: Node, private readonly fs: AssetsFileSystem) {}

  private check(): void {
    this.fs.checkMounted();
    if (this.closed) throw new FsError("EBADF");
  }

  async stat(): Promise<FileStat> {
    this.check();
    return statOf(this.node);
  }

  async read(position: number, into: Uint8Array): Promise<number> {
    this.check();
    if (this.node.kind === "directory") throw new FsError("EISDIR");
    if (!(position >= 0)) throw new FsError("EINVAL", `position ${position}`);
    const bytes = this.node.bytes.subarray(Math.min(position, this.node.bytes.byteLength), position + into.byteLength);
    into.set(bytes);
    return bytes.byteLength;
  }

  async write(_position: number, _data: Uint8Array): Promise<number> {
    this.check();
    throw new FsError("EROFS");
  }

  async truncate(_length: number): Promise<void> {
    this.check();
    throw new FsError("EROFS");
  }

  async sync(): Promise<void> {
    this.check();
  }

  async close(): Promise<void> {
    this.check();
    this.closed = true;
  }
}

export class AssetsFileSystem implements FileSystem {
  readonly type = "assets";
  readonly readOnly = true;
  private readonly root: Node;
  private readonly totalBytes: number;
  private mounted = true;

  /** `entries` as parseAssetsArchive gives them: checked, parents first. */
  constructor(entries: readonly ArchiveEntry[]) {
    let mtimeMs = 0;
    for (const entry of entries) mtimeMs = Math.max(mtimeMs, entry.mtimeMs);
    this.root = { kind: "directory", bytes: new Uint8Array(0), mtimeMs, ino: 1, children: new Map() };
    let total = 0;
    entries.forEach((entry, i) => {
      const parent = this.find(entry.path.slice(0, -1));
      const node: Node = { kind: entry.kind, bytes: entry.bytes, mtimeMs: entry.mtimeMs, ino: i + 2, children: entry.kind === "directory" ? new Map() : undefined };
      parent.children!.set(entry.path[entry.path.length - 1], node);
      total += entry.bytes.byteLength;
    });
    this.totalBytes = total;
  }

  checkMounted(): void {
    if (!this.mounted) throw new FsError("EIO", "the assets are unmounted");
  }

  private find(path: readonly string[]): Node {
    this.checkMounted();
    let node = this.root;
    for (const name of path) {
      if (!node.children) throw new FsError("ENOTDIR");
      const next = node.children.get(name);
      if (!next) throw new FsError("ENOENT");
      node = next;
    }
    return node;
  }

  async stat(path: readonly string[]): Promise<FileStat> {
    return statOf(this.find(path));
  }

  async readdir(path: readonly string[]): Promise<DirectoryEntry[]> {
    const node = this.find(path);
    if (!node.children) throw new FsError("ENOTDIR");
    return [...node.children].map(([name, child]) => ({ name, kind: child.kind }));
  }

  async open(path: readonly string[], options: OpenOptions): Promise<OpenFile> {
    let node: Node;
    try {
      node = this.find(path);
    } catch (error) {
      // Creating a missing file is a write, refused as such (as Linux does on a read-only mount).
      if (error instanceof FsError && error.code === "ENOENT" && options.create) throw new FsError("EROFS");
      throw error;
    }
    // Linux's order: an exclusive create of what exists, then a directory opened to write, then the read-only mount.
    if (options.create && options.exclusive) throw new FsError("EEXIST");
    if (node.kind === "directory" && options.write) throw new FsError("EISDIR");
    if (options.write || options.truncate) throw new FsError("EROFS");
    return new AssetsFile(node, this);
  }

  private async refuse(): Promise<never> {
    this.checkMounted();
    throw new FsError("EROFS");
  }

  mkdir(_path: readonly string[]): Promise<void> {
    return this.refuse();
  }

  rmdir(_path: readonly string[]): Promise<void> {
    return this.refuse();
  }

  unlink(_path: readonly string[]): Promise<void> {
    return this.refuse();
  }

  rename(_from: readonly string[], _to: readonly string[]): Promise<void> {
    return this.refuse();
  }

  utimes(_path: readonly string[], _atimeMs: number, _mtimeMs: number): Promise<void> {
    return this.refuse();
  }

  async statfs(): Promise<FileSystemStats> {
    this.checkMounted();
    return { blockSize: BLOCK, blocks: Math.ceil(this.totalBytes / BLOCK), freeBlocks: 0 };
  }

  async sync(): Promise<void> {
    this.checkMounted();
  }

  async unmount(): Promise<void> {
    this.checkMounted();
    this.mounted = false;
  }
}
