/**
 * Following cluster chains without trusting the disk: a chain that comes
 * back to a cluster it passed ends with EIO instead of a hang or a file that
 * repeats itself (steps are bounded by the volume's size too), and a link to a free,
 * bad, reserved or out-of-range cluster is EIO naming the file and the cluster.
 */
import { FsError } from "../errors.ts";
import type { FatTable } from "./fat-table.ts";

export interface Chain {
  clusters: number[];
  /** The FAT entry of the last cluster taken: the end mark, or the next cluster when the walk stopped early. */
  after: number;
}

/**
 * The chain from `first`, at most `max` clusters. `what` names the file for
 * errors. `first` must be a valid cluster.
 */
export async function walkChain(fat: FatTable, first: number, max: number, what: string): Promise<Chain> {
  if (!(first >= 2 && first < fat.limit)) throw new FsError("EIO", `${what}: first cluster ${first} is outside the volume (2..${fat.limit - 1})`);
  const clusters: number[] = [];
  const seen = new Set<number>();
  let cluster = first;
  // A chain cannot be longer than the volume has clusters: past that it loops.
  const steps = Math.min(max, fat.limit - 2);
  for (;;) {
    if (seen.has(cluster)) throw new FsError("EIO", `${what}: its cluster chain loops (back to cluster ${cluster})`);
    seen.add(cluster);
    clusters.push(cluster);
    const next = await fat.get(cluster);
    const kind = fat.kind(next);
    if (kind === "end") return { clusters, after: next };
    if (kind !== "next") throw new FsError("EIO", `${what}: cluster ${cluster} links to a ${kind === "free" ? "free" : kind === "bad" ? "bad" : "reserved or out-of-range"} cluster (FAT entry 0x${next.toString(16)})`);
    if (clusters.length >= steps) {
      if (clusters.length >= fat.limit - 2) throw new FsError("EIO", `${what}: its cluster chain loops (longer than the volume's ${fat.limit - 2} clusters)`);
      return { clusters, after: next };
    }
    cluster = next;
  }
}
