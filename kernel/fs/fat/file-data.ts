/**
 * A file's bytes in its cluster chain: read, write at any offset (a hole
 * before it reads as zeros, as POSIX wants), grow and shrink. Contiguous
 * clusters are read and written as one range. The chain is walked once per
 * open node and kept; a chain shorter than the size says is EIO.
 */
import { FsError } from "../errors.ts";
import { clusterSector } from "./boot-sector.ts";
import { walkChain } from "./chain.ts";
import type { ShortEntry } from "./directory-entry.ts";
import type { VolumeParts } from "./directory.ts";

/** What file-data needs of a file: its entry (first cluster, size) and the chain found so far. */
export interface FileState {
  entry: ShortEntry;
  what: string;
  /** The clusters holding the data, walked on first use. */
  chain?: number[];
  /** The FAT entry after the last cluster of `chain`: the end mark, or more clusters past the size. */
  after?: number;
}

/** FAT's size field is 32 bits. */
export const MAX_FILE_SIZE = 0xffffffff;
const ZERO_CHUNK = 64 * 1024;

export class FileData {
  constructor(private readonly parts: VolumeParts, private readonly flushPending: () => Promise<void>) {}

  private get clusterBytes(): number {
    return this.parts.geometry.bytesPerCluster;
  }

  /** The clusters the file's size needs. */
  async chain(file: FileState): Promise<number[]> {
    if (file.chain) return file.chain;
    const needed = Math.ceil(file.entry.size / this.clusterBytes);
    if (file.entry.firstCluster === 0) {
      if (needed > 0) throw new FsError("EIO", `${file.what}: a size of ${file.entry.size} bytes and no clusters`);
      file.chain = [];
      file.after = this.parts.fat.endMark;
      return file.chain;
    }
    const { clusters, after } = await walkChain(this.parts.fat, file.entry.firstCluster, Math.max(needed, 1), file.what);
    if (clusters.length < needed) {
      throw new FsError("EIO", `${file.what}: ${clusters.length} clusters hold less than its size of ${file.entry.size} bytes`);
    }
    file.chain = clusters;
    file.after = after;
    return clusters;
  }

  async read(file: FileState, position: number, into: Uint8Array): Promise<number> {
    const size = file.entry.size;
    if (position >= size || into.length === 0) return 0;
    const length = Math.min(into.length, size - position);
    const chain = await this.chain(file);
    let done = 0;
    await this.eachRun(chain, position, length, async (sector, offset, count) => {
      into.set(await this.parts.cache.readBytes(sector, offset, count), done);
      done += count;
    });
    return length;
  }

  /** Write `data` at `position`, zero-filling from the old end; the caller rewrites the entry. */
  async write(file: FileState, position: number, data: Uint8Array): Promise<void> {
    const end = position + data.length;
    if (end > MAX_FILE_SIZE) throw new FsError("EFBIG", `${file.what}: FAT files end at 4 GiB - 1 byte; a write to ${end}`);
    if (data.length === 0) return;
    const size = file.entry.size;
    const chain = await this.reserve(file, Math.max(size, end));
    if (position > size) await this.zero(chain, size, position);
    let done = 0;
    await this.eachRun(chain, position, data.length, async (sector, offset, count) => {
      await this.parts.cache.writeBytes(sector, offset, data.subarray(done, done + count), "data");
      done += count;
    });
    if (end > size) file.entry = { ...file.entry, size: end };
  }

  /** Set the size: growing fills zeros, shrinking frees the clusters past the new end. */
  async resize(file: FileState, length: number): Promise<void> {
    if (!(Number.isInteger(length) && length >= 0)) throw new FsError("EINVAL", `a length of ${length}`);
    if (length > MAX_FILE_SIZE) throw new FsError("EFBIG", `${file.what}: FAT files end at 4 GiB - 1 byte; a length of ${length}`);
    const size = file.entry.size;
    if (length > size) {
      const chain = await this.reserve(file, length);
      await this.zero(chain, size, length);
    } else if (length < size || file.after !== this.parts.fat.endMark) {
      const chain = await this.chain(file);
      const keep = Math.ceil(length / this.clusterBytes);
      const { fat } = this.parts;
      await this.releaseTail(file);
      await fat.release(chain.slice(keep));
      if (keep > 0) await fat.set(chain[keep - 1], fat.endMark);
      file.chain = chain.slice(0, keep);
      file.after = fat.endMark;
      if (keep === 0) file.entry = { ...file.entry, firstCluster: 0 };
    }
    file.entry = { ...file.entry, size: length };
  }

  /** Free every cluster of the file (unlink, or a file replaced by rename). */
  async releaseAll(file: FileState): Promise<void> {
    const chain = await this.chain(file);
    await this.releaseTail(file);
    await this.parts.fat.release(chain);
    file.chain = [];
    file.after = this.parts.fat.endMark;
    file.entry = { ...file.entry, firstCluster: 0, size: 0 };
  }

  /** Make the chain long enough for `bytes`, allocating (ENOSPC leaves it as it was). */
  private async reserve(file: FileState, bytes: number): Promise<number[]> {
    const chain = await this.chain(file);
    const needed = Math.ceil(bytes / this.clusterBytes);
    if (needed <= chain.length) return chain;
    const { fat } = this.parts;
    // Clusters past the old size (left by a crash or another system) are not trusted to continue the file.
    await this.releaseTail(file);
    const added = await fat.allocate(needed - chain.length, chain.length ? chain[chain.length - 1] : undefined, this.flushPending);
    if (chain.length === 0) file.entry = { ...file.entry, firstCluster: added[0] };
    chain.push(...added);
    return chain;
  }

  private async releaseTail(file: FileState): Promise<void> {
    const { fat } = this.parts;
    if (file.after === undefined || fat.kind(file.after) !== "next") return;
    const { clusters } = await walkChain(fat, file.after, fat.limit, `${file.what} (past its size)`);
    const last = file.chain![file.chain!.length - 1];
    await fat.set(last, fat.endMark);
    await fat.release(clusters);
    file.after = fat.endMark;
  }

  private async zero(chain: number[], from: number, to: number): Promise<void> {
    // One buffer of zeros for every pass: nothing writes into it.
    const chunk = new Uint8Array(Math.min(ZERO_CHUNK, to - from));
    for (let at = from; at < to; at += ZERO_CHUNK) {
      const zeros = chunk.subarray(0, Math.min(ZERO_CHUNK, to - at));
      let done = 0;
      await this.eachRun(chain, at, zeros.length, async (sector, offset, count) => {
        await this.parts.cache.writeBytes(sector, offset, zeros.subarray(done, done + count), "data");
        done += count;
      });
    }
  }

  /** Visit the byte range as runs of contiguous clusters: (first sector, byte offset into it, bytes). */
  private async eachRun(chain: number[], position: number, length: number, visit: (sector: number, offset: number, count: number) => Promise<void>): Promise<void> {
    const size = this.clusterBytes;
    let index = Math.floor(position / size), offset = position % size, left = length;
    while (left > 0) {
      let run = 1;
      while (index + run < chain.length && chain[index + run] === chain[index + run - 1] + 1 && run * size - offset < left) run++;
      const count = Math.min(run * size - offset, left);
      if (index >= chain.length) throw new FsError("EIO", "past the end of the cluster chain");
      await visit(clusterSector(this.parts.geometry, chain[index]), offset, count);
      left -= count;
      index += run;
      offset = 0;
    }
  }
}
