/**
 * An open FAT file. Handles of one file share its node (entry, chain), so a
 * write through one is seen by a read through another; each call takes the
 * volume's lock.
 */
import { FsError } from "../errors.ts";
import type { FileStat, OpenFile } from "../file-system.ts";
import { msToFatTime } from "./directory-entry.ts";
import type { FatNode, FatVolume } from "./volume.ts";

export class FatOpenFile implements OpenFile {
  private closed = false;

  constructor(private readonly volume: FatVolume, private readonly node: FatNode, private readonly what: string, private readonly writable = false) {}

  stat(): Promise<FileStat> {
    return this.run(async () => this.volume.statOf(this.node));
  }

  read(position: number, into: Uint8Array): Promise<number> {
    return this.run(async () => {
      this.refuseDirectory();
      checkPosition(position);
      const count = await this.volume.data.read(this.node, position, into);
      await this.touchAccessDate();
      return count;
    });
  }

  write(position: number, data: Uint8Array): Promise<number> {
    return this.run(async () => {
      this.refuseDirectory();
      this.refuseReadOnly();
      checkPosition(position);
      await this.volume.beginChange();
      await this.volume.data.write(this.node, position, data);
      await this.volume.saveEntry(this.node, { modified: true });
      return data.length;
    });
  }

  truncate(length: number): Promise<void> {
    return this.run(async () => {
      this.refuseDirectory();
      this.refuseReadOnly();
      await this.volume.beginChange();
      await this.volume.data.resize(this.node, length);
      await this.volume.saveEntry(this.node, { modified: true });
    });
  }

  /** FAT has no per-file write-back: the whole volume's changes go, in order. */
  sync(): Promise<void> {
    return this.run(() => this.volume.cleanPoint());
  }

  close(): Promise<void> {
    return this.volume.exclusive(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.volume.released(this.node);
    });
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    return this.volume.exclusive(() => {
      if (this.closed) throw new FsError("EBADF", `${this.what} is closed`);
      return work();
    });
  }

  private refuseDirectory(): void {
    if (this.volume.statOf(this.node).kind === "directory") throw new FsError("EISDIR");
  }

  private refuseReadOnly(): void {
    if (!this.writable) throw new FsError("EBADF", `${this.what} was not opened for writing`);
  }

  /** FAT keeps only an access date: the entry is rewritten once a day at most, never on a read-only volume. */
  private async touchAccessDate(): Promise<void> {
    if (this.volume.readOnly || this.node.unlinked) return;
    const now = this.volume.now();
    if (msToFatTime(now).date === msToFatTime(this.node.entry.accessedMs).date) return;
    await this.volume.beginChange();
    this.node.entry = { ...this.node.entry, accessedMs: now };
    await this.volume.saveEntry(this.node, {});
  }
}

function checkPosition(position: number): void {
  if (!(Number.isInteger(position) && position >= 0)) throw new FsError("EINVAL", `a position of ${position}`);
}
