/**
 * FAT12/16/32 on a block device: mountFat() reads the boot sector, refuses a
 * volume that is not FAT or does not add up, checks a volume left dirty
 * (check.ts) before mounting it read-write, and gives a FileSystem.
 */
import type { BlockDevice } from "../../devices/block-device.ts";
import { BlockCache, type Scheduler } from "../block-cache.ts";
import { FsError } from "../errors.ts";
import { parseBootSector, type FatGeometry } from "./boot-sector.ts";
import { checkDirtyVolume } from "./check.ts";
import { FatTable } from "./fat-table.ts";
import { FatVolume } from "./volume.ts";

export type { FatVolume } from "./volume.ts";

export interface FatMountOptions {
  readOnly?: boolean;
  /** The wall clock for timestamps: ms since the epoch (default Date.now). */
  now?: () => number;
  /** Blocks (sectors) the cache holds; default 4096. */
  cacheBlocks?: number;
  /** Dirty blocks are written back this long after the first change (default 1000 ms; 0: only on sync). */
  writeBackDelayMs?: number;
  /** Timers for the delayed write-back (default: unref'd global timers). */
  scheduler?: Scheduler;
}

const DEFAULT_DELAY_MS = 1000;

/** Mount the FAT volume on `device`. EINVAL when it is not FAT, EIO when it is damaged. */
export async function mountFat(device: BlockDevice, options: FatMountOptions = {}): Promise<FatVolume> {
  const readOnly = options.readOnly === true || device.readOnly;
  const deviceBytes = device.sectors * device.sectorSize;
  if (deviceBytes < 512) throw new FsError("EINVAL", `not a FAT volume: ${device.name} holds ${deviceBytes} bytes`);
  const { geometry, restoreFrom } = await readGeometry(device, deviceBytes);
  if (geometry.bytesPerSector % device.sectorSize !== 0) {
    throw new FsError("EINVAL", `${geometry.bytesPerSector}-byte FAT sectors on ${device.name}'s ${device.sectorSize}-byte sectors`);
  }
  let volume: FatVolume | undefined = undefined;
  const cache = new BlockCache(device, {
    blockSize: geometry.bytesPerSector,
    capacity: options.cacheBlocks,
    delayMs: readOnly ? 0 : options.writeBackDelayMs ?? DEFAULT_DELAY_MS,
    scheduler: options.scheduler,
    // A background write-back that fails leaves the blocks dirty for the next sync, which reports it.
    onDelay: () => void volume?.sync().catch(() => {}),
  });
  const restored = restoreFrom !== undefined && !readOnly;
  if (restored) {
    // Mounted with the backup: put it back in place, as fsck.fat would.
    await cache.writeThrough(0, (await cache.readBytes(restoreFrom, 0, geometry.bytesPerSector)).slice());
    await device.flush();
  }
  // The blocks the exit path rewrites to mark the volume clean, kept so it needs no read.
  await cache.pin(0);
  for (let copy = 0; copy < geometry.fatCount; copy++) await cache.pin(geometry.reservedSectors + copy * geometry.fatSectors);
  const fat = new FatTable(cache, geometry);
  await fat.load();
  const boot = await cache.read(0);
  let dirty = (boot[geometry.stateOffset] & 1) !== 0;
  if (geometry.type !== "fat12") {
    const cleanBit = geometry.type === "fat16" ? 0x8000 : 0x08000000;
    if (((await fat.getRaw1()) & cleanBit) === 0) dirty = true;
  }
  volume = new FatVolume({ cache, fat, geometry }, readOnly, options.now ?? Date.now, dirty);
  if (restored) volume.repairs.push(`the boot sector was damaged: restored from the backup at sector ${restoreFrom}`);
  if (dirty && !readOnly) {
    const repairs = await checkDirtyVolume(volume);
    volume.repairs.push(...repairs);
    await volume.cleanPoint();
  }
  return volume;
}

/** FAT32 keeps a copy of its boot sector here (Microsoft's recommended place; mkfs.fat's too). */
const BACKUP_BOOT_SECTOR = 6;

/**
 * The geometry from the boot sector, or, when that is damaged, from FAT32's
 * backup boot sector (which must agree with itself about being there). The
 * primary's error is what is reported when neither will do.
 */
async function readGeometry(device: BlockDevice, deviceBytes: number): Promise<{ geometry: FatGeometry; restoreFrom?: number }> {
  const read = async (byte: number) => {
    try {
      return await device.read(byte / device.sectorSize, Math.ceil(512 / device.sectorSize));
    } catch (error) {
      throw new FsError("EIO", `${device.name}: ${(error as Error).message}`);
    }
  };
  const primary = await read(0);
  try {
    return { geometry: parseBootSector(primary, deviceBytes) };
  } catch (error) {
    if (!(error instanceof FsError) || (BACKUP_BOOT_SECTOR + 1) * 512 > deviceBytes || (BACKUP_BOOT_SECTOR * 512) % device.sectorSize) throw error;
    let backup: FatGeometry;
    try {
      backup = parseBootSector(await read(BACKUP_BOOT_SECTOR * 512), deviceBytes);
    } catch {
      throw error;
    }
    if (backup.type !== "fat32" || backup.backupBootSector !== BACKUP_BOOT_SECTOR || backup.bytesPerSector !== 512) throw error;
    return { geometry: backup, restoreFrom: BACKUP_BOOT_SECTOR };
  }
}
