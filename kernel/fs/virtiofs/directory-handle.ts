/**
 * A directory opened for reading (as Node's open(dir, "r") allows): it can
 * be stat'ed and closed; reading, writing and truncating it are EISDIR, as
 * read(2) on a directory is on Linux.
 */
import { FsError } from "../errors.ts";
import type { FileStat, OpenFile } from "../file-system.ts";

export class DirectoryHandle implements OpenFile {
  private closed = false;

  constructor(private readonly statNode: () => Promise<FileStat>, private readonly release: () => void) {}

  stat(): Promise<FileStat> {
    return this.open().then(() => this.statNode());
  }

  read(): Promise<number> {
    return this.open().then(() => Promise.reject(new FsError("EISDIR")));
  }

  write(): Promise<number> {
    return this.open().then(() => Promise.reject(new FsError("EISDIR")));
  }

  truncate(): Promise<void> {
    return this.open().then(() => Promise.reject(new FsError("EISDIR")));
  }

  sync(): Promise<void> {
    return this.open();
  }

  async close(): Promise<void> {
    await this.open();
    this.closed = true;
    this.release();
  }

  private async open(): Promise<void> {
    if (this.closed) throw new FsError("EBADF", "the directory is closed");
  }
}
