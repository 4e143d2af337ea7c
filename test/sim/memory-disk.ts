/**
 * A BlockDevice over a byte array, for file-system tests in Node: what is
 * written lands in `bytes` at once (a "durable" write), so a test can hand
 * the array to mtools/fsck.fat or mount it again. Checks bounds and whole
 * sectors as virtio-blk does.
 */
import type { BlockDevice } from "../../kernel/devices/block-device.ts";

export interface MemoryDiskOptions {
  name?: string;
  sectorSize?: number;
  readOnly?: boolean;
}

export class MemoryDisk implements BlockDevice {
  readonly name: string;
  readonly sectorSize: number;
  readonly sectors: number;
  readonly readOnly: boolean;
  readonly canDiscard = false;
  readonly maxInFlight = 16;

  /** @param bytes the disk's contents, shared, not copied; its length a multiple of the sector size */
  constructor(readonly bytes: Uint8Array, options: MemoryDiskOptions = {}) {
    this.name = options.name ?? "disk0";
    this.sectorSize = options.sectorSize ?? 512;
    this.readOnly = options.readOnly ?? false;
    if (bytes.length % this.sectorSize !== 0) throw new RangeError(`a disk of ${bytes.length} bytes is not whole sectors of ${this.sectorSize}`);
    this.sectors = bytes.length / this.sectorSize;
  }

  async read(sector: number, count: number): Promise<Uint8Array> {
    this.check(sector, count);
    return this.bytes.slice(sector * this.sectorSize, (sector + count) * this.sectorSize);
  }

  async write(sector: number, data: Uint8Array): Promise<void> {
    this.writeSync(sector, data);
  }

  async flush(): Promise<void> {}

  async discard(sector: number, count: number): Promise<void> {
    this.check(sector, count);
  }

  writeSync(sector: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error(`${this.name} is read-only`);
    if (data.length % this.sectorSize !== 0) throw new RangeError(`writes are whole sectors of ${this.sectorSize} bytes; got ${data.length} bytes`);
    this.check(sector, data.length / this.sectorSize);
    this.bytes.set(data, sector * this.sectorSize);
  }

  flushSync(): void {}

  private check(sector: number, count: number): void {
    if (!Number.isInteger(sector) || !Number.isInteger(count) || sector < 0 || count < 0 || sector + count > this.sectors) {
      throw new RangeError(`${this.name}: sectors ${sector}..${sector + count} are outside the disk (${this.sectors} sectors)`);
    }
  }
}
