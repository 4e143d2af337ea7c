/**
 * The boot sector's BIOS Parameter Block: where the FATs, the root directory
 * and the data area are, and which FAT width the volume has. The width
 * follows from the count of data clusters alone (Microsoft's FAT
 * specification, "FAT Type Determination"), as Linux and dosfstools decide.
 * Every field is checked before use: a volume that does not add up is
 * refused here, naming the field.
 */
import { FsError } from "../errors.ts";

export type FatType = "fat12" | "fat16" | "fat32";

export interface FatGeometry {
  type: FatType;
  bytesPerSector: number;
  sectorsPerCluster: number;
  bytesPerCluster: number;
  reservedSectors: number;
  fatCount: number;
  /** Sectors per FAT copy. */
  fatSectors: number;
  /** FAT12/16: the fixed root directory's first sector and length; 0 on FAT32. */
  rootDirectorySector: number;
  rootDirectorySectors: number;
  /** FAT32: the root directory's first cluster; 0 on FAT12/16. */
  rootCluster: number;
  firstDataSector: number;
  totalSectors: number;
  /** Data clusters; valid cluster numbers are 2 .. clusterCount + 1. */
  clusterCount: number;
  /** FAT32: the FSInfo sector and the backup boot sector (0 when absent). */
  fsInfoSector: number;
  backupBootSector: number;
  /** The boot sector byte holding the dirty flag (bit 0), as Linux's fat_set_state and fsck.fat read it. */
  stateOffset: number;
}

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

function refuse(detail: string): never {
  throw new FsError("EINVAL", `not a FAT volume: ${detail}`);
}

const powerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * Read the geometry from the boot sector (at least its first 512 bytes).
 * @param deviceBytes the disk's size in bytes, to refuse a volume larger than its disk
 */
export function parseBootSector(boot: Uint8Array, deviceBytes: number): FatGeometry {
  if (boot.length < 512) refuse(`a boot sector of ${boot.length} bytes`);
  if (boot[510] !== 0x55 || boot[511] !== 0xaa) refuse("no boot signature 55 aa at byte 510");
  const bytesPerSector = u16(boot, 11);
  if (!powerOfTwo(bytesPerSector) || bytesPerSector < 512 || bytesPerSector > 4096) refuse(`bytes per sector ${bytesPerSector}`);
  const sectorsPerCluster = boot[13];
  if (!powerOfTwo(sectorsPerCluster)) refuse(`sectors per cluster ${sectorsPerCluster}`);
  const bytesPerCluster = bytesPerSector * sectorsPerCluster;
  if (bytesPerCluster > 64 * 1024) refuse(`${bytesPerCluster} bytes per cluster`);
  const reservedSectors = u16(boot, 14);
  if (reservedSectors === 0) refuse("no reserved sectors");
  const fatCount = boot[16];
  if (fatCount === 0 || fatCount > 4) refuse(`${fatCount} FAT copies`);
  const rootEntries = u16(boot, 17);
  const totalSectors = u16(boot, 19) || u32(boot, 32);
  if (totalSectors === 0) refuse("total sectors 0");
  if (totalSectors * bytesPerSector > deviceBytes) {
    throw new FsError("EIO", `the volume's ${totalSectors} sectors of ${bytesPerSector} bytes are larger than the disk (${deviceBytes} bytes): a truncated image?`);
  }
  const fat16Size = u16(boot, 22);
  const fatSectors = fat16Size || u32(boot, 36);
  if (fatSectors === 0) refuse("sectors per FAT 0");
  const rootDirectorySectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const rootDirectorySector = reservedSectors + fatCount * fatSectors;
  const firstDataSector = rootDirectorySector + rootDirectorySectors;
  if (firstDataSector >= totalSectors) refuse(`the data area starts at sector ${firstDataSector}, past the volume's ${totalSectors} sectors`);
  const clusterCount = Math.floor((totalSectors - firstDataSector) / sectorsPerCluster);
  const type: FatType = clusterCount < 4085 ? "fat12" : clusterCount < 65525 ? "fat16" : "fat32";
  if (clusterCount < 1) refuse("no data clusters");

  const entryBits = type === "fat12" ? 12 : type === "fat16" ? 16 : 32;
  const fatBytesNeeded = Math.ceil(((clusterCount + 2) * entryBits) / 8);
  if (fatSectors * bytesPerSector < fatBytesNeeded) refuse(`a FAT of ${fatSectors} sectors cannot hold ${clusterCount} clusters`);

  let rootCluster = 0, fsInfoSector = 0, backupBootSector = 0;
  if (type === "fat32") {
    if (fat16Size !== 0) refuse("a FAT32 cluster count with a 16-bit FAT size");
    if (rootEntries !== 0) refuse("a FAT32 cluster count with a fixed root directory");
    const version = u16(boot, 42);
    if (version !== 0) refuse(`FAT32 version ${version >> 8}.${version & 0xff}`);
    rootCluster = u32(boot, 44);
    if (rootCluster < 2 || rootCluster >= clusterCount + 2) refuse(`root directory cluster ${rootCluster} outside 2..${clusterCount + 1}`);
    fsInfoSector = u16(boot, 48);
    if (fsInfoSector === 0xffff || fsInfoSector >= reservedSectors) fsInfoSector = 0;
    backupBootSector = u16(boot, 50);
    if (backupBootSector === 0xffff || backupBootSector >= reservedSectors) backupBootSector = 0;
  } else if (rootEntries === 0) {
    refuse(`a ${type.toUpperCase()} cluster count without a root directory`);
  }
  return {
    type, bytesPerSector, sectorsPerCluster, bytesPerCluster, reservedSectors, fatCount, fatSectors,
    rootDirectorySector: type === "fat32" ? 0 : rootDirectorySector, rootDirectorySectors,
    rootCluster, firstDataSector, totalSectors, clusterCount, fsInfoSector, backupBootSector,
    stateOffset: type === "fat32" ? 0x41 : 0x25,
  };
}

/** The first sector of a data cluster. */
export function clusterSector(geometry: FatGeometry, cluster: number): number {
  return geometry.firstDataSector + (cluster - 2) * geometry.sectorsPerCluster;
}
