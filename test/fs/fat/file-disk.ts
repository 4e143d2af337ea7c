/**
 * A BlockDevice over an image file, read and written in place: for volumes
 * too large to hold in memory (a sparse image of several GiB). Counts the
 * sectors read, so a test can see what a mount touches.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import type { BlockDevice } from "../../../kernel/devices/block-device.ts";

export class FileDisk implements BlockDevice {
  readonly name = "disk0";
  readonly sectorSize = 512;
  readonly sectors: number;
  readonly canDiscard = false;
  readonly maxInFlight = 16;
  /** Every read, as [first sector, count]. */
  readonly reads: [number, number][] = [];
  private readonly fd: number;

  constructor(path: string, readonly readOnly = false) {
    this.fd = openSync(path, readOnly ? "r" : "r+");
    this.sectors = Math.floor(fstatSync(this.fd).size / 512);
  }

  async read(sector: number, count: number): Promise<Uint8Array> {
    this.check(sector, count);
    this.reads.push([sector, count]);
    const out = new Uint8Array(count * 512);
    readSync(this.fd, out, 0, out.length, sector * 512);
    return out;
  }

  async write(sector: number, data: Uint8Array): Promise<void> {
    this.writeSync(sector, data);
  }

  async flush(): Promise<void> {
    this.flushSync();
  }

  async discard(): Promise<void> {}

  writeSync(sector: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error("disk0 is read-only");
    this.check(sector, data.length / 512);
    writeSync(this.fd, data, 0, data.length, sector * 512);
  }

  flushSync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }

  private check(sector: number, count: number): void {
    if (sector < 0 || sector + count > this.sectors) throw new RangeError(`sectors ${sector}..${sector + count} are outside the disk`);
  }
}
