/**
 * An open host file over FUSE: READ and WRITE in pieces of at most the
 * session's transfer size, at the VFS's explicit positions. The file keeps
 * its node's lookup reference until close() releases the handle.
 */
import { FsError } from "../errors.ts";
import type { FileStat, OpenFile } from "../file-system.ts";
import { fileStat } from "./attributes.ts";
import { GETATTR_FH, Opcode, SetattrValid } from "./protocol.ts";
import { AttrOut, WriteOut } from "./replies.ts";
import { FlushIn, FsyncIn, GetattrIn, ReadWriteIn, ReleaseIn, SetattrIn } from "./requests.ts";
import type { FuseSession } from "./session.ts";

export class FuseOpenFile implements OpenFile {
  private closed = false;

  constructor(
    private readonly session: FuseSession,
    readonly nodeid: number,
    private readonly fh: number,
    /** The open(2) flags the file was opened with. */
    private readonly flags: number,
    private readonly writable: boolean,
    private readonly readOnlyMount: boolean,
    private readonly onClose: (file: FuseOpenFile) => void,
  ) {}

  async stat(): Promise<FileStat> {
    this.checkOpen();
    const body = new Uint8Array(GetattrIn.SIZE);
    const getattr = new GetattrIn(body);
    getattr.getattrFlags = GETATTR_FH;
    getattr.fh = this.fh;
    const reply = await this.session.call(Opcode.GETATTR, this.nodeid, [body], AttrOut.SIZE);
    return fileStat(new AttrOut(reply).attr, this.readOnlyMount);
  }

  async read(position: number, into: Uint8Array): Promise<number> {
    this.checkOpen();
    checkPosition(position);
    const step = this.session.maxTransfer;
    const counts = await inPieces(into.length, step, async (offset, size) => {
      const data = await this.session.call(Opcode.READ, this.nodeid, [this.ioBody(position + offset, size)], size, 0);
      if (data.length > size) throw new FsError("EIO", `${this.session.tag}: a READ of ${size} bytes returned ${data.length}`);
      into.set(data, offset);
      return data.length;
    });
    // The file ends where a piece came back short; what pieces after it read (the file grew meanwhile) does not count.
    let done = 0;
    for (const count of counts) {
      done += count;
      if (count < step) break;
    }
    return done;
  }

  async write(position: number, data: Uint8Array): Promise<number> {
    this.checkOpen();
    checkPosition(position);
    if (!this.writable) throw new FsError("EBADF", "the file is not open for writing");
    await inPieces(data.length, this.session.maxTransfer, async (offset, size) => {
      const piece = data.subarray(offset, offset + size);
      const reply = await this.session.call(Opcode.WRITE, this.nodeid, [this.ioBody(position + offset, size), piece], WriteOut.SIZE);
      const written = new WriteOut(reply).size;
      if (written !== size) throw new FsError("EIO", `${this.session.tag}: a WRITE of ${size} bytes wrote ${written}`);
      return written;
    });
    return data.length;
  }

  async truncate(length: number): Promise<void> {
    this.checkOpen();
    checkPosition(length);
    if (!this.writable) throw new FsError("EBADF", "the file is not open for writing");
    const body = new Uint8Array(SetattrIn.SIZE);
    const setattr = new SetattrIn(body);
    setattr.valid = SetattrValid.SIZE | SetattrValid.FH;
    setattr.fh = this.fh;
    setattr.size = length;
    await this.session.call(Opcode.SETATTR, this.nodeid, [body], AttrOut.SIZE);
  }

  async sync(): Promise<void> {
    this.checkOpen();
    const body = new Uint8Array(FsyncIn.SIZE);
    new FsyncIn(body).fh = this.fh;
    await this.session.call(Opcode.FSYNC, this.nodeid, [body], 0);
  }

  /** FLUSH (the close(2) of this handle), then RELEASE, then the node's reference goes. */
  async close(): Promise<void> {
    this.checkOpen();
    this.closed = true;
    this.onClose(this);
    try {
      const flush = new Uint8Array(FlushIn.SIZE);
      new FlushIn(flush).fh = this.fh;
      await this.session.call(Opcode.FLUSH, this.nodeid, [flush], 0);
    } finally {
      const release = new Uint8Array(ReleaseIn.SIZE);
      const releaseIn = new ReleaseIn(release);
      releaseIn.fh = this.fh;
      releaseIn.flags = this.flags;
      await this.session.call(Opcode.RELEASE, this.nodeid, [release], 0).finally(() => this.session.forget(this.nodeid));
    }
  }

  private ioBody(offset: number, size: number): Uint8Array {
    const body = new Uint8Array(ReadWriteIn.SIZE);
    const io = new ReadWriteIn(body);
    io.fh = this.fh;
    io.offset = offset;
    io.size = size;
    io.flags = this.flags;
    return body;
  }

  private checkOpen(): void {
    if (this.closed) throw new FsError("EBADF", "the file is closed");
  }
}

/** Pieces of one READ or WRITE in flight at once: the device's request slots, kept busy. */
const PIECES_IN_FLIGHT = 8;

/**
 * Run `piece(offset, size)` over `length` bytes in pieces of `step`, up to
 * PIECES_IN_FLIGHT at a time, and resolve to each piece's result in order.
 */
async function inPieces(length: number, step: number, piece: (offset: number, size: number) => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < length) {
      const offset = next;
      const size = Math.min(step, length - offset);
      next += size;
      results[offset / step] = await piece(offset, size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PIECES_IN_FLIGHT, Math.ceil(length / step)) }, worker));
  return results;
}

function checkPosition(position: number): void {
  if (!Number.isSafeInteger(position) || position < 0) throw new FsError("EINVAL", `position ${position} is not a whole number of bytes from 0`);
}
