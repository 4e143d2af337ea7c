/**
 * A FUSE server over an in-memory tree, for the virtio-fs client's tests:
 * it takes request bytes and gives reply bytes as virtiofsd would, with
 * Linux's errors, and counts what a client must give back (lookup
 * references, open handles), so a test can check the client leaks none.
 * It reads requests with the client's own views only where the layout is
 * plain; the checks of lengths and names are its own.
 */
import { IN_HEADER_SIZE, InHeader, OUT_HEADER_SIZE, OutHeader } from "../../../kernel/fs/virtiofs/headers.ts";
import { DT_DIR, DT_REG, Errno, FUSE_ROOT_ID, GETATTR_FH, InitFlag, Opcode, OpenFlag, S_IFDIR, S_IFREG, SetattrValid } from "../../../kernel/fs/virtiofs/protocol.ts";
import { Attr, AttrOut, direntSize, EntryOut, InitOut, OpenOut, StatfsOut, WriteOut, writeDirent } from "../../../kernel/fs/virtiofs/replies.ts";
import { BatchForgetIn, CreateIn, ForgetOne, GetattrIn, InitIn, MkdirIn, OpenIn, ReadWriteIn, ReleaseIn, RenameIn, SetattrIn, splitCStrings } from "../../../kernel/fs/virtiofs/requests.ts";

interface MemoryNode {
  ino: number;
  kind: "file" | "directory";
  mode: number;
  data: Uint8Array;
  children: Map<string, MemoryNode>;
  parent: MemoryNode | undefined;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  /** Lookup references the client holds. */
  lookups: number;
}

class Failure {
  constructor(readonly errno: number) {}
}

/** READDIR cookie i is i × this (+ i, so the low bits matter too): beyond 2^53 from the second entry on. */
const COOKIE_STEP = 1n << 54n;
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

export interface MemoryServerOptions {
  /** Answer SYNCFS with ENOSYS, as an older virtiofsd does. */
  noSyncfs?: boolean;
  /** Answer READDIR with DT_UNKNOWN types. */
  untypedDirents?: boolean;
  /** The most bytes one READDIR reply holds (to make the client page). */
  readdirBytes?: number;
  /** The server's max_write. */
  maxWrite?: number;
}

export class MemoryFuseServer {
  readonly root: MemoryNode;
  /** Opcodes received, in order. */
  readonly opcodes: number[] = [];
  /** The uid and gid of the last request. */
  lastCaller = { uid: -1, gid: -1 };
  private readonly nodes = new Map<number, MemoryNode>();
  private readonly handles = new Map<number, MemoryNode>();
  private nextIno = FUSE_ROOT_ID;
  private nextFh = 1;
  private initialized = false;
  clock = 1_700_000_000_000;

  constructor(readonly options: MemoryServerOptions = {}) {
    this.root = this.makeNode("directory", undefined);
    this.root.mode = S_IFDIR | 0o755;
  }

  /** Lookup references the client still holds (the root's excepted), and open handles. */
  get outstanding(): { lookups: number; handles: number } {
    let lookups = 0;
    for (const node of this.nodes.values()) lookups += node.lookups;
    return { lookups, handles: this.handles.size };
  }

  /** Host-side changes, as another program on the host would make them. */
  writeFile(path: string, content: string | Uint8Array): void {
    const names = path.split("/").filter(Boolean);
    let directory = this.root;
    for (const name of names.slice(0, -1)) {
      directory = directory.children.get(name) ?? this.link(directory, name, this.makeNode("directory", directory));
    }
    const file = this.link(directory, names[names.length - 1], this.makeNode("file", directory));
    file.data = typeof content === "string" ? encoder.encode(content) : content;
  }

  /** The node at `path` ("a/b"), or undefined. */
  find(path: string): MemoryNode | undefined {
    let node: MemoryNode | undefined = this.root;
    for (const name of path.split("/").filter(Boolean)) node = node?.children.get(name);
    return node;
  }

  /** Answer one request; undefined for requests without a reply (FORGET, BATCH_FORGET). */
  handle(request: Uint8Array): Uint8Array | undefined {
    if (request.length < IN_HEADER_SIZE) throw new Error(`a request of ${request.length} bytes`);
    const header = new InHeader(request);
    if (header.length !== request.length) throw new Error(`a request says ${header.length} bytes and has ${request.length}`);
    if (header.unique === 0) throw new Error("a request with unique 0, which FUSE keeps for notifications");
    this.opcodes.push(header.opcode);
    this.lastCaller = { uid: header.uid, gid: header.gid };
    const body = request.subarray(IN_HEADER_SIZE);
    if (header.opcode === Opcode.FORGET || header.opcode === Opcode.BATCH_FORGET) {
      this.forget(header, body);
      return undefined;
    }
    let reply: Uint8Array;
    let error = 0;
    try {
      if (!this.initialized && header.opcode !== Opcode.INIT) throw new Failure(Errno.EIO);
      reply = this.dispatch(header, body);
    } catch (thrown) {
      if (!(thrown instanceof Failure)) throw thrown;
      error = -thrown.errno;
      reply = new Uint8Array(0);
    }
    const out = new Uint8Array(OUT_HEADER_SIZE + reply.length);
    OutHeader.emit(out, out.length, error, header.unique);
    out.set(reply, OUT_HEADER_SIZE);
    return out;
  }

  private dispatch(header: InHeader, body: Uint8Array): Uint8Array {
    const node = () => this.node(header.nodeid);
    switch (header.opcode) {
      case Opcode.INIT:
        return this.init(body);
      case Opcode.GETATTR: {
        const getattr = new GetattrIn(need(body, GetattrIn.SIZE));
        return this.attrOut(getattr.getattrFlags & GETATTR_FH ? this.openNode(getattr.fh) : node());
      }
      case Opcode.LOOKUP: {
        const child = this.directory(node()).children.get(this.names(body, 1)[0]);
        if (!child) throw new Failure(Errno.ENOENT);
        return this.entryOut(child);
      }
      case Opcode.SETATTR:
        return this.setattr(node(), new SetattrIn(need(body, SetattrIn.SIZE)));
      case Opcode.OPEN:
      case Opcode.OPENDIR: {
        const target = node();
        const flags = new OpenIn(need(body, OpenIn.SIZE)).flags;
        if (header.opcode === Opcode.OPENDIR) this.directory(target);
        else if (target.kind === "directory" && (flags & OpenFlag.ACCMODE) !== OpenFlag.RDONLY) throw new Failure(Errno.EISDIR);
        if (flags & OpenFlag.TRUNC && target.kind === "file") this.resize(target, 0);
        return this.openOut(target);
      }
      case Opcode.READDIR:
        return this.readdir(new ReadWriteIn(need(body, ReadWriteIn.SIZE)));
      case Opcode.RELEASE:
      case Opcode.RELEASEDIR: {
        const fh = new ReleaseIn(need(body, ReleaseIn.SIZE)).fh;
        if (!this.handles.delete(fh)) throw new Failure(Errno.EBADF);
        return new Uint8Array(0);
      }
      case Opcode.CREATE:
        return this.create(node(), new CreateIn(need(body, CreateIn.SIZE)), this.names(body.subarray(CreateIn.SIZE), 1)[0]);
      case Opcode.READ: {
        const read = new ReadWriteIn(need(body, ReadWriteIn.SIZE));
        const file = this.openNode(read.fh);
        if (file.kind === "directory") throw new Failure(Errno.EISDIR);
        return file.data.slice(read.offset, read.offset + read.size);
      }
      case Opcode.WRITE:
        return this.write(new ReadWriteIn(need(body, ReadWriteIn.SIZE)), body.subarray(ReadWriteIn.SIZE));
      case Opcode.FLUSH:
      case Opcode.FSYNC:
        this.openNode(new ReleaseIn(need(body, 8)).fh);
        return new Uint8Array(0);
      case Opcode.MKDIR: {
        const mkdir = new MkdirIn(need(body, MkdirIn.SIZE));
        const parent = this.directory(node());
        const name = this.names(body.subarray(MkdirIn.SIZE), 1)[0];
        if (parent.children.has(name)) throw new Failure(Errno.EEXIST);
        const made = this.link(parent, name, this.makeNode("directory", parent));
        made.mode = S_IFDIR | (mkdir.mode & 0o7777);
        return this.entryOut(made);
      }
      case Opcode.UNLINK:
      case Opcode.RMDIR:
        return this.remove(node(), this.names(body, 1)[0], header.opcode === Opcode.RMDIR);
      case Opcode.RENAME:
        return this.rename(node(), new RenameIn(need(body, RenameIn.SIZE)).newdir, this.names(body.subarray(RenameIn.SIZE), 2));
      case Opcode.STATFS: {
        const out = new Uint8Array(StatfsOut.SIZE);
        const statfs = new StatfsOut(out);
        statfs.blocks = 1000;
        statfs.bfree = 600;
        statfs.bavail = 500;
        statfs.bsize = 4096;
        statfs.frsize = 4096;
        statfs.namelen = 255;
        return out;
      }
      case Opcode.SYNCFS:
        if (this.options.noSyncfs) throw new Failure(Errno.ENOSYS);
        return new Uint8Array(0);
      case Opcode.DESTROY:
        this.initialized = false;
        return new Uint8Array(0);
    }
    throw new Failure(Errno.ENOSYS);
  }

  private init(body: Uint8Array): Uint8Array {
    const init = new InitIn(need(body, InitIn.SIZE));
    if (this.initialized) throw new Failure(Errno.EIO);
    this.initialized = true;
    const out = new Uint8Array(InitOut.SIZE);
    const reply = new InitOut(out);
    reply.major = 7;
    reply.minor = Math.min(init.minor, 36);
    reply.flags = init.flags & (InitFlag.ASYNC_READ | InitFlag.ATOMIC_O_TRUNC | InitFlag.BIG_WRITES | InitFlag.MAX_PAGES);
    reply.maxWrite = this.options.maxWrite ?? 1 << 20;
    reply.maxPages = 256;
    reply.timeGran = 1;
    return out;
  }

  private forget(header: InHeader, body: Uint8Array): void {
    const drop = (nodeid: number, nlookup: number) => {
      const node = this.nodes.get(nodeid);
      if (!node || node.lookups < nlookup) throw new Error(`FORGET of ${nlookup} references to node ${nodeid}, which has ${node?.lookups ?? "no node and"} ${node ? "" : "0"}`);
      node.lookups -= nlookup;
    };
    if (header.opcode === Opcode.FORGET) return drop(header.nodeid, Number(new DataView(body.buffer, body.byteOffset).getBigUint64(0, true)));
    const count = new BatchForgetIn(need(body, BatchForgetIn.SIZE)).count;
    const one = new ForgetOne();
    for (let i = 0; i < count; i++) {
      one.wrap(need(body.subarray(BatchForgetIn.SIZE + i * ForgetOne.SIZE), ForgetOne.SIZE));
      drop(one.nodeid, one.nlookup);
    }
  }

  private setattr(target: MemoryNode, setattr: SetattrIn): Uint8Array {
    const node = setattr.valid & SetattrValid.FH ? this.openNode(setattr.fh) : target;
    if (setattr.valid & SetattrValid.SIZE) {
      if (node.kind === "directory") throw new Failure(Errno.EISDIR);
      this.resize(node, setattr.size);
    }
    if (setattr.valid & SetattrValid.ATIME) node.atimeMs = setattr.atime * 1000 + Math.floor(setattr.atimensec / 1e6);
    if (setattr.valid & SetattrValid.MTIME) node.mtimeMs = setattr.mtime * 1000 + Math.floor(setattr.mtimensec / 1e6);
    if (setattr.valid & SetattrValid.MODE) node.mode = (node.mode & ~0o7777) | (setattr.mode & 0o7777);
    return this.attrOut(node);
  }

  private create(parentNode: MemoryNode, create: CreateIn, name: string): Uint8Array {
    const parent = this.directory(parentNode);
    let file = parent.children.get(name);
    if (file && create.flags & OpenFlag.EXCL) throw new Failure(Errno.EEXIST);
    if (file?.kind === "directory") throw new Failure(Errno.EISDIR);
    if (!file) {
      file = this.link(parent, name, this.makeNode("file", parent));
      file.mode = S_IFREG | (create.mode & 0o7777 & ~create.umask);
    } else if (create.flags & OpenFlag.TRUNC) this.resize(file, 0);
    const entry = this.entryOut(file);
    const open = this.openOut(file);
    const out = new Uint8Array(entry.length + open.length);
    out.set(entry);
    out.set(open, entry.length);
    return out;
  }

  private write(write: ReadWriteIn, data: Uint8Array): Uint8Array {
    const file = this.openNode(write.fh);
    if (data.length !== write.size) throw new Error(`a WRITE of size ${write.size} carries ${data.length} bytes`);
    if (write.size > (this.options.maxWrite ?? 1 << 20)) throw new Error(`a WRITE of ${write.size} bytes, beyond max_write`);
    if (write.offset + data.length > file.data.length) this.resize(file, write.offset + data.length);
    file.data.set(data, write.offset);
    file.mtimeMs = this.clock;
    const out = new Uint8Array(WriteOut.SIZE);
    new WriteOut(out).size = data.length;
    return out;
  }

  private readdir(read: ReadWriteIn): Uint8Array {
    const directory = this.directory(this.openNode(read.fh));
    const entries: [string, MemoryNode][] = [[".", directory], ["..", directory.parent ?? directory], ...directory.children];
    const limit = Math.min(read.size, this.options.readdirBytes ?? read.size);
    const out = new Uint8Array(limit);
    let used = 0;
    // Cookies far apart, as ext4's hashes are, so a client that rounds them through a double loses its place.
    const start = read.directoryOffset / COOKIE_STEP;
    if (start > 0n && read.directoryOffset !== start * COOKIE_STEP + start - 1n) throw new Error(`READDIR at offset ${read.directoryOffset}, which is no cookie this server gave`);
    for (let i = Number(start); i < entries.length; i++) {
      const [name, node] = entries[i];
      const bytes = encoder.encode(name);
      if (used + direntSize(bytes.length) > limit) break;
      const type = this.options.untypedDirents ? 0 : node.kind === "directory" ? DT_DIR : DT_REG;
      used += writeDirent(out, used, { ino: node.ino, offset: BigInt(i + 1) * COOKIE_STEP + BigInt(i), type, name: bytes });
    }
    return out.slice(0, used);
  }

  private remove(parentNode: MemoryNode, name: string, directoryWanted: boolean): Uint8Array {
    const parent = this.directory(parentNode);
    const child = parent.children.get(name);
    if (!child) throw new Failure(Errno.ENOENT);
    this.requireLookedUp(child);
    if (directoryWanted && child.kind !== "directory") throw new Failure(Errno.ENOTDIR);
    if (!directoryWanted && child.kind === "directory") throw new Failure(Errno.EISDIR);
    if (child.kind === "directory" && child.children.size > 0) throw new Failure(Errno.ENOTEMPTY);
    parent.children.delete(name);
    child.parent = undefined;
    return new Uint8Array(0);
  }

  private rename(fromParentNode: MemoryNode, toParentId: number, [fromName, toName]: string[]): Uint8Array {
    const fromParent = this.directory(fromParentNode);
    const toParent = this.directory(this.node(toParentId));
    const moving = fromParent.children.get(fromName);
    if (!moving) throw new Failure(Errno.ENOENT);
    this.requireLookedUp(moving);
    for (let at: MemoryNode | undefined = toParent; at; at = at.parent) if (at === moving) throw new Failure(Errno.EINVAL);
    const replaced = toParent.children.get(toName);
    if (replaced === moving) return new Uint8Array(0);
    if (replaced) {
      if (moving.kind === "directory" && replaced.kind !== "directory") throw new Failure(Errno.ENOTDIR);
      if (moving.kind !== "directory" && replaced.kind === "directory") throw new Failure(Errno.EISDIR);
      if (replaced.kind === "directory" && replaced.children.size > 0) throw new Failure(Errno.ENOTEMPTY);
      replaced.parent = undefined;
    }
    fromParent.children.delete(fromName);
    this.link(toParent, toName, moving);
    moving.parent = toParent;
    return new Uint8Array(0);
  }

  /** QEMU's virtiofsd finds the node of a name it removes or moves among those the client holds, and answers EIO for one it does not. */
  private requireLookedUp(node: MemoryNode): void {
    if (node.lookups === 0) throw new Failure(Errno.EIO);
  }

  private names(bytes: Uint8Array, count: number): string[] {
    const names = splitCStrings(bytes, count);
    if (!names) throw new Error(`a request's ${count} name(s) are not NUL-terminated`);
    return names.map((name) => {
      if (name.length === 0 || name.includes(0x2f)) throw new Error(`a bad name in a request`);
      return decoder.decode(name);
    });
  }

  private makeNode(kind: "file" | "directory", parent: MemoryNode | undefined): MemoryNode {
    const node: MemoryNode = {
      ino: this.nextIno++, kind, mode: kind === "directory" ? S_IFDIR | 0o755 : S_IFREG | 0o644, data: new Uint8Array(0), children: new Map(), parent,
      atimeMs: this.clock, mtimeMs: this.clock, ctimeMs: this.clock, lookups: 0,
    };
    this.nodes.set(node.ino, node);
    return node;
  }

  private link(parent: MemoryNode, name: string, node: MemoryNode): MemoryNode {
    parent.children.set(name, node);
    node.parent = parent;
    parent.mtimeMs = this.clock;
    return node;
  }

  private resize(file: MemoryNode, size: number): void {
    const data = new Uint8Array(size);
    data.set(file.data.subarray(0, size));
    file.data = data;
  }

  private node(nodeid: number): MemoryNode {
    const node = this.nodes.get(nodeid);
    if (!node) throw new Error(`a request for node ${nodeid}, which the server never gave out`);
    if (nodeid !== FUSE_ROOT_ID && node.lookups === 0) throw new Error(`a request for node ${nodeid}, which the client had forgotten`);
    return node;
  }

  private openNode(fh: number): MemoryNode {
    const node = this.handles.get(fh);
    if (!node) throw new Failure(Errno.EBADF);
    return node;
  }

  private directory(node: MemoryNode): MemoryNode {
    if (node.kind !== "directory") throw new Failure(Errno.ENOTDIR);
    return node;
  }

  private attrOut(node: MemoryNode): Uint8Array {
    const out = new Uint8Array(AttrOut.SIZE);
    const attrOut = new AttrOut(out);
    attrOut.attrValid = 1;
    this.fillAttr(attrOut.attr, node);
    return out;
  }

  private entryOut(node: MemoryNode): Uint8Array {
    node.lookups++;
    const out = new Uint8Array(EntryOut.SIZE);
    const entry = new EntryOut(out);
    entry.nodeid = node.ino;
    entry.generation = 1;
    entry.entryValid = 1;
    entry.attrValid = 1;
    this.fillAttr(entry.attr, node);
    return out;
  }

  private openOut(node: MemoryNode): Uint8Array {
    const fh = this.nextFh++;
    this.handles.set(fh, node);
    const out = new Uint8Array(OpenOut.SIZE);
    new OpenOut(out).fh = fh;
    return out;
  }

  private fillAttr(attr: Attr, node: MemoryNode): void {
    attr.ino = node.ino;
    attr.size = node.kind === "directory" ? 4096 : node.data.length;
    attr.blocks = Math.ceil(attr.size / 512);
    [attr.atime, attr.atimensec] = [Math.floor(node.atimeMs / 1000), (node.atimeMs % 1000) * 1e6];
    [attr.mtime, attr.mtimensec] = [Math.floor(node.mtimeMs / 1000), (node.mtimeMs % 1000) * 1e6];
    [attr.ctime, attr.ctimensec] = [Math.floor(node.ctimeMs / 1000), (node.ctimeMs % 1000) * 1e6];
    attr.mode = node.mode;
    attr.nlink = node.kind === "directory" ? 2 : 1;
    attr.uid = 1000;
    attr.gid = 1000;
    attr.blksize = 4096;
  }
}

function need(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length < size) throw new Error(`a request body of ${bytes.length} bytes where ${size} are needed`);
  return bytes;
}
