/**
 * A disk over an image that it never changes: reads come from the sectors
 * written since (kept apart, by sector) or from the image. Thousands of
 * mutated or replayed images of one 33 MiB FAT32 volume then cost only the
 * sectors that differ, not a copy each.
 */
import type { BlockDevice } from "../../kernel/devices/block-device.ts";

const SECTOR = 512;

export interface OverlayOptions {
  name?: string;
  /** Capacity in sectors; fewer than the image holds models a truncated disk. Default: the image's. */
  sectors?: number;
  readOnly?: boolean;
  /** Sectors that differ from the image from the start (copied). */
  changes?: ReadonlyMap<number, Uint8Array>;
}

export class OverlayDisk implements BlockDevice {
  readonly name: string;
  readonly sectorSize = SECTOR;
  readonly sectors: number;
  readonly readOnly: boolean;
  readonly canDiscard = false;
  readonly maxInFlight = 8;
  /** Sector → its 512 bytes, for every sector that differs from the image. */
  readonly changes = new Map<number, Uint8Array>();

  constructor(private readonly image: Uint8Array, options: OverlayOptions = {}) {
    this.name = options.name ?? "disk0";
    this.sectors = options.sectors ?? Math.floor(image.length / SECTOR);
    this.readOnly = options.readOnly ?? false;
    for (const [sector, bytes] of options.changes ?? []) this.changes.set(sector, bytes.slice());
  }

  /** The bytes of one sector as the disk holds them now (a view: do not change it). */
  sector(sector: number): Uint8Array {
    return this.changes.get(sector) ?? this.image.subarray(sector * SECTOR, (sector + 1) * SECTOR);
  }

  read(sector: number, count: number): Promise<Uint8Array> {
    try {
      this.checkRange(sector, count);
    } catch (error) {
      return Promise.reject(error);
    }
    const out = new Uint8Array(count * SECTOR);
    for (let i = 0; i < count; i++) out.set(this.sector(sector + i), i * SECTOR);
    return Promise.resolve(out);
  }

  write(sector: number, data: Uint8Array): Promise<void> {
    try {
      this.writeSync(sector, data);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  discard(sector: number, count: number): Promise<void> {
    try {
      this.checkRange(sector, count);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  writeSync(sector: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error(`${this.name} is read-only`);
    if (data.length % SECTOR !== 0) throw new RangeError(`writes are whole sectors of ${SECTOR} bytes; got ${data.length} bytes`);
    this.checkRange(sector, data.length / SECTOR);
    for (let i = 0; i < data.length / SECTOR; i++) this.changes.set(sector + i, data.slice(i * SECTOR, (i + 1) * SECTOR));
  }

  flushSync(): void {}

  private checkRange(sector: number, count: number): void {
    if (!Number.isInteger(sector) || !Number.isInteger(count) || sector < 0 || count < 0 || sector + count > this.sectors) {
      throw new RangeError(`${this.name}: sectors ${sector}..${sector + count} are outside the disk (${this.sectors} sectors)`);
    }
  }
}
