/** `toro disk create FILE --size 64M [--from DIR] [--fat 12|16|32] [--force]`: a FAT image for --disk. */
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "./errors.ts";
import { copyTreeIn, fatNeed, fits, formatImage, rootEntriesFor, type FatGeometry, type FatWidth } from "./fat-image.ts";
import { readTree } from "./host-tree.ts";

export interface DiskCreateOptions {
  file: string;
  bytes: number;
  /** As the user wrote it, for messages. */
  sizeText: string;
  from: string | undefined;
  fat: FatWidth | undefined;
  force: boolean;
}

/** FAT32 needs this many clusters, or it is not FAT32 to most readers. */
const FAT32_MIN_CLUSTERS = 65525;

export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return i === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Makes the image under a temporary name beside FILE and renames it into
 * place at the end, so a failure (a bad size, content that does not fit)
 * leaves no half-made file, and with --force the old image stays until
 * the new one is whole.
 */
export function createDisk(options: DiskCreateOptions): FatGeometry {
  const { file, bytes, from, fat } = options;
  if (existsSync(file) && !options.force) throw new CliError(`disk create: ${file} exists (--force replaces it)`);
  const entries = from === undefined ? [] : readTree(from, "--from", { fat: true });
  const scratch = join(dirname(file), `.${basename(file)}.toro-${process.pid}`);
  try {
    let geometry: FatGeometry;
    try {
      geometry = formatImage(scratch, bytes, { fat, rootEntries: rootEntriesFor(entries) });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      throw new CliError(`--size ${options.sizeText}: mkfs.fat cannot make ${fat ? `FAT${fat}` : "a FAT volume"} of that size (${error.message.replace(/^.*?failed: /, "")})`);
    }
    if (fat === 32 && geometry.clusters < FAT32_MIN_CLUSTERS) {
      throw new CliError(`--size ${options.sizeText} is too small for FAT32, which needs ${FAT32_MIN_CLUSTERS} clusters (about 33M); leave out --fat or give more`);
    }
    if (from !== undefined) {
      const need = fatNeed(entries, geometry.clusterBytes, geometry.fat === 32);
      if (!fits(geometry, need)) {
        const needed = need.clusters * geometry.clusterBytes;
        throw new CliError(`--size ${options.sizeText} is too small for ${from}: its files take ${formatBytes(needed)} on FAT${geometry.fat} and the volume holds ${formatBytes(geometry.clusters * geometry.clusterBytes)}`);
      }
      copyTreeIn(scratch, from, entries);
    }
    renameSync(scratch, file);
    return geometry;
  } finally {
    rmSync(scratch, { force: true });
  }
}
