/**
 * A FileSystem in memory, for the VFS's and the API's tests in Node: the
 * contract of kernel/fs/file-system.ts with POSIX's answers (ENOENT,
 * ENOTDIR, EISDIR, ENOTEMPTY, EEXIST, EINVAL), nothing durable. Not shipped.
 */
import { FsError } from "../../kernel/fs/errors.ts";
import type { DirectoryEntry, FileStat, FileSystem, FileSystemStats, OpenFile, OpenOptions } from "../../kernel/fs/file-system.ts";

interface Times { mtimeMs: number; atimeMs: number; birthtimeMs: number }
interface FileNode extends Times { kind: "file"; ino: number; data: Uint8Array; size: number; readOnly: boolean }
interface DirectoryNode extends Times { kind: "directory"; ino: number; children: Map<string, Node> }
type Node = FileNode | DirectoryNode;

export interface MemoryFsOptions {
  readOnly?: boolean;
  /** Bytes the volume holds: past them, writes fail with ENOSPC. */
  capacity?: number;
  now?: () => number;
}

export class MemoryFs implements FileSystem {
  readonly type = "memory";
  readonly readOnly: boolean;
  private nextIno = 1;
  private readonly now: () => number;
  private readonly root: DirectoryNode;
  private unmounted = false;
  /** What each call did, for tests that check the VFS's calls. */
  readonly calls: string[] = [];
  syncs = 0;
  exitSyncs = 0;

  constructor(private readonly options: MemoryFsOptions = {}) {
    this.readOnly = Boolean(options.readOnly);
    this.now = options.now ?? Date.now;
    this.root = this.directory();
  }

  /** Put a file in place (parents made), for tests that start with content, read-only mounts included. */
  seed(path: string, content: string | Uint8Array, readOnly = false): void {
    const names = path.split("/").filter(Boolean);
    let dir = this.root;
    for (const name of names.slice(0, -1)) {
      let next = dir.children.get(name);
      if (!next) dir.children.set(name, (next = this.directory()));
      if (next.kind !== "directory") throw new Error(`seed: ${name} is a file`);
      dir = next;
    }
    const data = typeof content === "string" ? new TextEncoder().encode(content) : content.slice();
    dir.children.set(names[names.length - 1], { ...this.times(), kind: "file", ino: this.nextIno++, data, size: data.length, readOnly });
  }

  async stat(path: readonly string[]): Promise<FileStat> {
    return this.statOf(this.find(path));
  }

  async readdir(path: readonly string[]): Promise<DirectoryEntry[]> {
    const node = this.find(path);
    if (node.kind !== "directory") throw new FsError("ENOTDIR");
    return [...node.children].map(([name, child]) => ({ name, kind: child.kind }));
  }

  async open(path: readonly string[], options: OpenOptions): Promise<OpenFile> {
    this.calls.push(`open ${path.join("/")}`);
    const { parent, name } = this.parentOf(path);
    let node = parent.children.get(name);
    if (node && options.create && options.exclusive) throw new FsError("EEXIST");
    if (!node) {
      if (!options.create) throw new FsError("ENOENT");
      this.checkWritable();
      node = { ...this.times(), kind: "file", ino: this.nextIno++, data: new Uint8Array(0), size: 0, readOnly: false };
      parent.children.set(name, node);
      parent.mtimeMs = this.now();
    }
    if (node.kind === "directory") {
      if (options.write) throw new FsError("EISDIR");
      throw new FsError("EISDIR", "the memory file system opens files only");
    }
    if (options.write) this.checkWritable();
    const file = node;
    if (options.truncate) this.resize(file, 0);
    return {
      stat: async () => this.statOf(file),
      read: async (position, into) => {
        this.checkMounted();
        if (position >= file.size) return 0;
        const count = Math.min(into.length, file.size - position);
        into.set(file.data.subarray(position, position + count));
        return count;
      },
      write: async (position, data) => {
        this.checkWritable();
        if (!options.write) throw new FsError("EBADF");
        if (position + data.length > file.size) this.resize(file, position + data.length);
        file.data.set(data, position);
        file.mtimeMs = this.now();
        return data.length;
      },
      truncate: async (length) => {
        this.checkWritable();
        this.resize(file, length);
      },
      sync: async () => {
        this.checkMounted();
        this.syncs++;
      },
      close: async () => {},
    };
  }

  async mkdir(path: readonly string[]): Promise<void> {
    this.checkWritable();
    const { parent, name } = this.parentOf(path);
    if (parent.children.has(name)) throw new FsError("EEXIST");
    parent.children.set(name, this.directory());
  }

  async rmdir(path: readonly string[]): Promise<void> {
    this.checkWritable();
    const { parent, name } = this.parentOf(path);
    const node = parent.children.get(name);
    if (!node) throw new FsError("ENOENT");
    if (node.kind !== "directory") throw new FsError("ENOTDIR");
    if (node.children.size > 0) throw new FsError("ENOTEMPTY");
    parent.children.delete(name);
  }

  async unlink(path: readonly string[]): Promise<void> {
    this.checkWritable();
    const { parent, name } = this.parentOf(path);
    const node = parent.children.get(name);
    if (!node) throw new FsError("ENOENT");
    if (node.kind === "directory") throw new FsError("EISDIR");
    parent.children.delete(name);
  }

  async rename(from: readonly string[], to: readonly string[]): Promise<void> {
    this.checkWritable();
    const source = this.parentOf(from), target = this.parentOf(to);
    const node = source.parent.children.get(source.name);
    if (!node) throw new FsError("ENOENT");
    if (to.length > from.length && from.every((name, i) => to[i] === name)) throw new FsError("EINVAL");
    const replaced = target.parent.children.get(target.name);
    if (replaced === node) return;
    if (replaced) {
      if (node.kind === "directory" && replaced.kind === "file") throw new FsError("ENOTDIR");
      if (node.kind === "file" && replaced.kind === "directory") throw new FsError("EISDIR");
      if (replaced.kind === "directory" && replaced.children.size > 0) throw new FsError("ENOTEMPTY");
    }
    source.parent.children.delete(source.name);
    target.parent.children.set(target.name, node);
  }

  async utimes(path: readonly string[], atimeMs: number, mtimeMs: number): Promise<void> {
    this.checkWritable();
    const node = this.find(path);
    node.atimeMs = atimeMs;
    node.mtimeMs = mtimeMs;
  }

  async statfs(): Promise<FileSystemStats> {
    return { blockSize: 512, blocks: Math.ceil((this.options.capacity ?? 1 << 30) / 512), freeBlocks: 0 };
  }

  async sync(): Promise<void> {
    this.checkMounted();
    this.syncs++;
  }

  syncBeforeExit(): void {
    this.exitSyncs++;
  }

  async unmount(): Promise<void> {
    this.checkMounted();
    this.unmounted = true;
  }

  get isUnmounted(): boolean {
    return this.unmounted;
  }

  private find(path: readonly string[]): Node {
    this.checkMounted();
    let node: Node = this.root;
    for (const name of path) {
      if (node.kind !== "directory") throw new FsError("ENOTDIR");
      const next: Node | undefined = node.children.get(name);
      if (!next) throw new FsError("ENOENT");
      node = next;
    }
    return node;
  }

  private parentOf(path: readonly string[]): { parent: DirectoryNode; name: string } {
    if (path.length === 0) throw new FsError("EBUSY");
    const parent = this.find(path.slice(0, -1));
    if (parent.kind !== "directory") throw new FsError("ENOTDIR");
    return { parent, name: path[path.length - 1] };
  }

  private resize(file: FileNode, size: number): void {
    const used = this.usedBytes() - file.size + size;
    if (this.options.capacity !== undefined && used > this.options.capacity) throw new FsError("ENOSPC");
    if (size > file.data.length) {
      const grown = new Uint8Array(Math.max(size, file.data.length * 2));
      grown.set(file.data.subarray(0, file.size));
      file.data = grown;
    } else if (size < file.size) {
      file.data.fill(0, size, file.size);
    }
    file.size = size;
    file.mtimeMs = this.now();
  }

  private usedBytes(): number {
    let total = 0;
    const walk = (dir: DirectoryNode) => {
      for (const child of dir.children.values()) child.kind === "file" ? (total += child.size) : walk(child);
    };
    walk(this.root);
    return total;
  }

  private statOf(node: Node): FileStat {
    return {
      kind: node.kind, size: node.kind === "file" ? node.size : 0,
      mtimeMs: node.mtimeMs, atimeMs: node.atimeMs, birthtimeMs: node.birthtimeMs,
      ino: node.ino, readOnly: node.kind === "file" && node.readOnly,
    };
  }

  private times(): Times {
    const t = this.now();
    return { mtimeMs: t, atimeMs: t, birthtimeMs: t };
  }

  private directory(): DirectoryNode {
    return { ...this.times(), kind: "directory", ino: this.nextIno++, children: new Map() };
  }

  private checkMounted(): void {
    if (this.unmounted) throw new FsError("EIO", "the memory file system was unmounted");
  }

  private checkWritable(): void {
    this.checkMounted();
    if (this.readOnly) throw new FsError("EROFS");
  }
}
