/**
 * A host directory over FUSE as a FileSystem. Paths are resolved by LOOKUP
 * from the root on every call, and the references those lookups take are
 * forgotten when the call is done (an open file keeps its own until close):
 * the guest caches nothing, so what the host changes is seen at once, and
 * what the guest writes is on the host when the call resolves.
 */
import { FsError } from "../errors.ts";
import type { DirectoryEntry, FileStat, FileSystem, FileSystemStats, OpenFile, OpenOptions } from "../file-system.ts";
import { utf8Decode } from "../../process/text-encoding.ts";
import { fileStat, kindOfMode } from "./attributes.ts";
import { DirectoryHandle } from "./directory-handle.ts";
import { FuseOpenFile } from "./open-file.ts";
import { FuseError } from "./errno.ts";
import { DT_DIR, DT_REG, Errno, FUSE_ROOT_ID, Opcode, OpenFlag, SetattrValid } from "./protocol.ts";
import { Attr, AttrOut, EntryOut, OpenOut, readDirents, StatfsOut } from "./replies.ts";
import { CreateIn, cString, GetattrIn, MkdirIn, OpenIn, ReadWriteIn, ReleaseIn, RenameIn, SetattrIn } from "./requests.ts";
import type { FuseSession } from "./session.ts";

/** The longest name Linux file systems take, in UTF-8 bytes. */
const NAME_MAX = 255;
const NEW_FILE_MODE = 0o644;
const NEW_DIRECTORY_MODE = 0o755;

/** A node the client holds a lookup reference to (the root needs none). */
interface Node {
  nodeid: number;
  attr: Attr;
}

export class VirtioFileSystem implements FileSystem {
  readonly type = "virtiofs";
  private readonly openFiles = new Set<FuseOpenFile>();
  private unmounted = false;

  constructor(private readonly session: FuseSession, readonly readOnly: boolean) {}

  async stat(path: readonly string[]): Promise<FileStat> {
    return this.withNode(path, (node) => fileStat(node.attr, this.readOnly));
  }

  async readdir(path: readonly string[]): Promise<DirectoryEntry[]> {
    return this.withNode(path, async (directory) => {
      if (kindOfMode(directory.attr.mode) !== "directory") throw new FsError("ENOTDIR");
      const openBody = new Uint8Array(OpenIn.SIZE);
      new OpenIn(openBody).flags = OpenFlag.RDONLY | OpenFlag.DIRECTORY;
      const fh = new OpenOut(await this.session.call(Opcode.OPENDIR, directory.nodeid, [openBody], OpenOut.SIZE)).fh;
      const entries: DirectoryEntry[] = [];
      const untyped: string[] = [];
      try {
        for (let offset = 0n; ;) {
          const body = new Uint8Array(ReadWriteIn.SIZE);
          const read = new ReadWriteIn(body);
          read.fh = fh;
          read.directoryOffset = offset;
          read.size = this.session.maxTransfer;
          const dirents = readDirents(await this.session.call(Opcode.READDIR, directory.nodeid, [body], this.session.maxTransfer, 0));
          if (typeof dirents === "string") throw new FsError("EIO", `${this.session.tag}: ${dirents}`);
          if (dirents.length === 0) break;
          for (const dirent of dirents) {
            const name = utf8Decode(dirent.name);
            if (name === "." || name === "..") continue;
            if (dirent.type === DT_DIR) entries.push({ name, kind: "directory" });
            else if (dirent.type === DT_REG) entries.push({ name, kind: "file" });
            else untyped.push(name);
          }
          offset = dirents[dirents.length - 1].offset;
        }
      } finally {
        const release = new Uint8Array(ReleaseIn.SIZE);
        new ReleaseIn(release).fh = fh;
        await this.session.call(Opcode.RELEASEDIR, directory.nodeid, [release], 0);
      }
      // A server that does not fill in d_type (DT_UNKNOWN): ask each entry.
      for (const name of untyped) {
        const node = await this.lookup(directory.nodeid, name);
        this.session.forget(node.nodeid);
        entries.push({ name, kind: kindOfMode(node.attr.mode) });
      }
      return entries;
    });
  }

  async open(path: readonly string[], options: OpenOptions): Promise<OpenFile> {
    this.checkMounted();
    if (this.readOnly && (options.write || options.create || options.truncate)) throw new FsError("EROFS");
    if (path.length === 0) return this.openExisting(await this.root(), options);
    const parent = await this.resolve(path.slice(0, -1));
    const name = path[path.length - 1];
    try {
      let node: Node;
      try {
        node = await this.lookup(parent.nodeid, name);
      } catch (error) {
        if (!(error instanceof FsError && error.code === "ENOENT" && options.create)) throw error;
        return await this.create(parent.nodeid, name, options);
      }
      if (options.create && options.exclusive) {
        this.session.forget(node.nodeid);
        throw new FsError("EEXIST");
      }
      return await this.openExisting(node, options);
    } finally {
      this.session.forget(parent.nodeid);
    }
  }

  async mkdir(path: readonly string[]): Promise<void> {
    await this.inParent(path, true, async (parent, name) => {
      const body = new Uint8Array(MkdirIn.SIZE);
      const mkdir = new MkdirIn(body);
      mkdir.mode = NEW_DIRECTORY_MODE;
      mkdir.umask = 0;
      const entry = new EntryOut(await this.session.call(Opcode.MKDIR, parent, [body, cString(name)], EntryOut.SIZE));
      this.session.forget(entry.nodeid);
    });
  }

  async rmdir(path: readonly string[]): Promise<void> {
    if (path.length === 0) throw new FsError("EBUSY", "the root of a mount");
    await this.onChild(path, (parent, name) => this.session.call(Opcode.RMDIR, parent, [cString(name)], 0));
  }

  async unlink(path: readonly string[]): Promise<void> {
    if (path.length === 0) throw new FsError("EISDIR");
    await this.onChild(path, (parent, name) => this.session.call(Opcode.UNLINK, parent, [cString(name)], 0));
  }

  async rename(from: readonly string[], to: readonly string[]): Promise<void> {
    if (from.length === 0 || to.length === 0) throw new FsError("EBUSY", "the root of a mount");
    await this.onChild(from, (fromParent, fromName) =>
      this.inParent(to, true, async (toParent, toName) => {
        const body = new Uint8Array(RenameIn.SIZE);
        new RenameIn(body).newdir = toParent;
        await this.session.call(Opcode.RENAME, fromParent, [body, cString(fromName), cString(toName)], 0);
      }),
    );
  }

  async utimes(path: readonly string[], atimeMs: number, mtimeMs: number): Promise<void> {
    if (this.readOnly) throw new FsError("EROFS");
    await this.withNode(path, async (node) => {
      const body = new Uint8Array(SetattrIn.SIZE);
      const setattr = new SetattrIn(body);
      setattr.valid = SetattrValid.ATIME | SetattrValid.MTIME;
      [setattr.atime, setattr.atimensec] = secondsAndNanoseconds(atimeMs);
      [setattr.mtime, setattr.mtimensec] = secondsAndNanoseconds(mtimeMs);
      await this.session.call(Opcode.SETATTR, node.nodeid, [body], AttrOut.SIZE);
    });
  }

  async statfs(): Promise<FileSystemStats> {
    this.checkMounted();
    const out = new StatfsOut(await this.session.call(Opcode.STATFS, FUSE_ROOT_ID, [], StatfsOut.SIZE));
    return { blockSize: out.frsize || out.bsize, blocks: out.blocks, freeBlocks: out.bavail };
  }

  /**
   * The guest holds nothing back, so every completed write is in the host's
   * page cache already; make it durable there: SYNCFS, or where the host
   * does not have it, FSYNC of each open file.
   */
  async sync(): Promise<void> {
    this.checkMounted();
    try {
      await this.session.call(Opcode.SYNCFS, FUSE_ROOT_ID, [new Uint8Array(8)], 0);
    } catch (error) {
      if (!(error instanceof FuseError && error.errno === Errno.ENOSYS)) throw error;
      for (const file of [...this.openFiles]) await file.sync();
    }
  }

  async unmount(): Promise<void> {
    this.checkMounted();
    for (const file of [...this.openFiles]) await file.close().catch(() => {});
    await this.sync().catch(() => {});
    this.unmounted = true;
    await this.session.close("the file system was unmounted");
  }

  private async openExisting(node: Node, options: OpenOptions): Promise<OpenFile> {
    if (kindOfMode(node.attr.mode) === "directory") {
      if (options.write) {
        this.session.forget(node.nodeid);
        throw new FsError("EISDIR");
      }
      return new DirectoryHandle(() => this.getattr(node.nodeid), () => this.session.forget(node.nodeid));
    }
    const flags = (options.write ? OpenFlag.RDWR : OpenFlag.RDONLY) | (options.truncate ? OpenFlag.TRUNC : 0);
    const body = new Uint8Array(OpenIn.SIZE);
    new OpenIn(body).flags = flags;
    let fh: number;
    try {
      fh = new OpenOut(await this.session.call(Opcode.OPEN, node.nodeid, [body], OpenOut.SIZE)).fh;
    } catch (error) {
      this.session.forget(node.nodeid);
      throw error;
    }
    return this.track(new FuseOpenFile(this.session, node.nodeid, fh, flags, options.write, this.readOnly, (file) => this.openFiles.delete(file)));
  }

  private async create(parent: number, name: string, options: OpenOptions): Promise<OpenFile> {
    checkName(name);
    const flags = OpenFlag.RDWR | OpenFlag.CREAT | (options.exclusive ? OpenFlag.EXCL : 0) | (options.truncate ? OpenFlag.TRUNC : 0);
    const body = new Uint8Array(CreateIn.SIZE);
    const create = new CreateIn(body);
    create.flags = flags;
    create.mode = NEW_FILE_MODE;
    create.umask = 0;
    const reply = await this.session.call(Opcode.CREATE, parent, [body, cString(name)], EntryOut.SIZE + OpenOut.SIZE);
    const entry = new EntryOut(reply.subarray(0, EntryOut.SIZE));
    const fh = new OpenOut(reply.subarray(EntryOut.SIZE)).fh;
    return this.track(new FuseOpenFile(this.session, entry.nodeid, fh, flags, options.write, this.readOnly, (file) => this.openFiles.delete(file)));
  }

  private track(file: FuseOpenFile): FuseOpenFile {
    this.openFiles.add(file);
    return file;
  }

  /** Resolve `path`, run `use` on its node, then drop the reference. */
  private async withNode<R>(path: readonly string[], use: (node: Node) => R | Promise<R>): Promise<R> {
    const node = await this.resolve(path);
    try {
      return await use(node);
    } finally {
      this.session.forget(node.nodeid);
    }
  }

  /** Resolve `path`'s parent and run `use` with its node ID and the last name; `writes` refuses on a read-only mount. */
  private async inParent<R>(path: readonly string[], writes: boolean, use: (parent: number, name: string) => Promise<R>): Promise<R> {
    if (writes && this.readOnly) throw new FsError("EROFS");
    const name = path[path.length - 1];
    checkName(name);
    return this.withNode(path.slice(0, -1), (parent) => use(parent.nodeid, name));
  }

  /**
   * inParent for a call that removes or moves the name: the node is looked
   * up first and its reference held until the call is done, as Linux's
   * client does (QEMU's virtiofsd answers EIO for a name it has no node for).
   */
  private async onChild<R>(path: readonly string[], use: (parent: number, name: string) => Promise<R>): Promise<R> {
    return this.inParent(path, true, async (parent, name) => {
      const child = await this.lookup(parent, name);
      try {
        return await use(parent, name);
      } finally {
        this.session.forget(child.nodeid);
      }
    });
  }

  /** The node at `path`, with one lookup reference the caller forgets (none for the root). */
  private async resolve(path: readonly string[]): Promise<Node> {
    let node = await this.root();
    for (const name of path) {
      try {
        const next = await this.lookup(node.nodeid, name);
        this.session.forget(node.nodeid);
        node = next;
      } catch (error) {
        this.session.forget(node.nodeid);
        throw error;
      }
    }
    return node;
  }

  private async root(): Promise<Node> {
    this.checkMounted();
    const body = new Uint8Array(GetattrIn.SIZE);
    const attr = new AttrOut(await this.session.call(Opcode.GETATTR, FUSE_ROOT_ID, [body], AttrOut.SIZE)).attr;
    return { nodeid: FUSE_ROOT_ID, attr };
  }

  private async getattr(nodeid: number): Promise<FileStat> {
    const body = new Uint8Array(GetattrIn.SIZE);
    return fileStat(new AttrOut(await this.session.call(Opcode.GETATTR, nodeid, [body], AttrOut.SIZE)).attr, this.readOnly);
  }

  private async lookup(parent: number, name: string): Promise<Node> {
    checkName(name);
    const entry = new EntryOut(await this.session.call(Opcode.LOOKUP, parent, [cString(name)], EntryOut.SIZE));
    // A node ID of 0 is a negative entry: the server saying "no such name" in a form it may cache.
    if (entry.nodeid === 0) throw new FsError("ENOENT");
    if (!Number.isSafeInteger(entry.nodeid)) throw new FsError("EIO", `${this.session.tag}: node ID ${entry.nodeid} is beyond what the client tracks exactly`);
    return { nodeid: entry.nodeid, attr: entry.attr };
  }

  private checkMounted(): void {
    if (this.unmounted) throw new FsError("EIO", `${this.session.tag}: the file system was unmounted`);
  }
}

function checkName(name: string): void {
  if (name.includes("\0") || name.includes("/")) throw new FsError("EINVAL", `a name may not hold "/" or NUL`);
  if (name.length > NAME_MAX || cString(name).length - 1 > NAME_MAX) throw new FsError("ENAMETOOLONG");
}

function secondsAndNanoseconds(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.floor((ms - seconds * 1000) * 1e6))];
}
