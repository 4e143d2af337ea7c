/**
 * The check a dirty volume gets before a read-write mount (what a crash
 * between write-back groups can leave, fixed as fsck.fat would): walk every
 * directory from the root, cut file chains longer than their size, shrink a
 * size its chain cannot hold, free clusters marked used that no entry
 * reaches (lost chains), and set FSInfo's free count. Damage a crash cannot
 * cause (a directory chain that is broken, loops or is shared) is not
 * guessed at: the mount is refused with EIO, naming the directory.
 */
import { FsError } from "../errors.ts";
import { walkChain } from "./chain.ts";
import { ATTR_DIRECTORY } from "./directory-entry.ts";
import type { FatVolume } from "./volume.ts";

class ClusterSet {
  private readonly bits: Uint8Array;
  constructor(limit: number) {
    this.bits = new Uint8Array(Math.ceil(limit / 8));
  }
  has(cluster: number): boolean {
    return (this.bits[cluster >> 3] & (1 << (cluster & 7))) !== 0;
  }
  add(cluster: number): void {
    this.bits[cluster >> 3] |= 1 << (cluster & 7);
  }
}

/** Repair what a crash left; returns what was done, one line each. */
export async function checkDirtyVolume(volume: FatVolume): Promise<string[]> {
  const { fat, geometry } = volume.parts;
  const repairs: string[] = [];
  const used = new ClusterSet(fat.limit);
  const claim = (clusters: number[], what: string) => {
    for (const cluster of clusters) {
      if (used.has(cluster)) throw new FsError("EIO", `dirty volume: ${what} shares cluster ${cluster} with another directory; run fsck.fat`);
      used.add(cluster);
    }
  };
  const directories: { cluster: number; what: string }[] = [{ cluster: volume.rootCluster, what: "/" }];
  if (volume.rootCluster) claim((await walkChain(fat, volume.rootCluster, fat.limit, "the root directory")).clusters, "the root directory");

  for (let next = 0; next < directories.length; next++) {
    const { cluster, what } = directories[next];
    const directory = volume.directory(cluster, what);
    const orphans = await directory.removeOrphanLongNames();
    if (orphans) repairs.push(`${what}: ${orphans} long-name entr${orphans === 1 ? "y" : "ies"} no file takes deleted`);
    for (const record of await directory.list()) {
      const path = `${what === "/" ? "" : what}/${record.name}`;
      const entry = record.entry;
      if (entry.attributes & ATTR_DIRECTORY) {
        if (entry.firstCluster < 2 || entry.firstCluster >= fat.limit) throw new FsError("EIO", `dirty volume: directory ${path} starts at cluster ${entry.firstCluster}; run fsck.fat`);
        const clusters = await directoryChain(volume, entry.firstCluster, path, repairs);
        claim(clusters, `directory ${path}`);
        directories.push({ cluster: entry.firstCluster, what: path });
        continue;
      }
      const { clusters, cut } = await fileChain(volume, entry.firstCluster, Math.ceil(entry.size / geometry.bytesPerCluster), used);
      for (const c of clusters) used.add(c);
      let size = entry.size;
      if (clusters.length * geometry.bytesPerCluster < size) {
        size = clusters.length * geometry.bytesPerCluster;
        repairs.push(`${path}: its clusters hold ${size} of its ${entry.size} bytes; size set to ${size}`);
      }
      if (cut) {
        await fat.set(clusters[clusters.length - 1], fat.endMark);
        if (clusters.length * geometry.bytesPerCluster >= entry.size) repairs.push(`${path}: chain cut at its size (${entry.size} bytes)`);
      }
      const firstCluster = clusters.length ? clusters[0] : 0;
      if (size !== entry.size || firstCluster !== entry.firstCluster) await directory.update(record, { ...entry, size, firstCluster });
    }
  }

  const lost: number[] = [];
  let free = 0;
  await fat.scan(2, fat.limit, (cluster, value) => {
    if (value === 0) free++;
    else if (fat.kind(value) !== "bad" && !used.has(cluster)) lost.push(cluster);
  });
  for (const cluster of lost) await fat.set(cluster, 0);
  if (lost.length) repairs.push(`freed ${lost.length} cluster${lost.length === 1 ? "" : "s"} no file reaches (lost chains)`);
  free += lost.length;
  if (fat.knownFree !== undefined && geometry.fsInfoSector && fat.knownFree !== free) {
    repairs.push(`free cluster count ${fat.knownFree} corrected to ${free}`);
  }
  const mirrored = await fat.mirrorCopies();
  if (mirrored) repairs.push(`${mirrored} sector${mirrored === 1 ? "" : "s"} of the second FAT made equal to the first`);
  fat.setFreeCount(free);
  return repairs;
}

/**
 * A directory's clusters. A link to a free cluster is where a crash stopped
 * its growth (the link landed, the new cluster's own entry did not, in one
 * table write-back): the chain ends there. Any other break is EIO.
 */
async function directoryChain(volume: FatVolume, first: number, path: string, repairs: string[]): Promise<number[]> {
  const { fat } = volume.parts;
  try {
    return (await walkChain(fat, first, fat.limit, path)).clusters;
  } catch (error) {
    // Where the walk broke: the cluster whose link names a cluster that is itself free.
    const clusters: number[] = [];
    for (let cluster = first; !clusters.includes(cluster); ) {
      clusters.push(cluster);
      const next = await fat.get(cluster);
      if (fat.kind(next) !== "next") break;
      if ((await fat.get(next)) === 0) {
        await fat.set(cluster, fat.endMark);
        repairs.push(`${path}: its chain linked to free cluster ${next}; it ends at cluster ${cluster}`);
        return clusters;
      }
      cluster = next;
    }
    throw new FsError("EIO", `dirty volume: ${(error as Error).message.replace(/^EIO: /, "")}; run fsck.fat`);
  }
}

/**
 * A file's clusters, at most `needed`, stopping before a cluster that is out
 * of range or already taken; `cut` when the last one taken must become the
 * end of the chain (its entry links on past the size or to something invalid).
 */
async function fileChain(volume: FatVolume, first: number, needed: number, used: ClusterSet): Promise<{ clusters: number[]; cut: boolean }> {
  const { fat } = volume.parts;
  const clusters: number[] = [];
  let cluster = first;
  if (first === 0) return { clusters, cut: false };
  for (;;) {
    if (cluster < 2 || cluster >= fat.limit || used.has(cluster) || clusters.length >= needed) {
      return { clusters, cut: clusters.length > 0 };
    }
    clusters.push(cluster);
    const value = await fat.get(cluster);
    if (fat.kind(value) === "end") return { clusters, cut: false };
    if (fat.kind(value) !== "next") return { clusters, cut: true };
    cluster = value;
  }
}
