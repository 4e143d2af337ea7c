// The file workload of bench/fs.ts, as the Toro guest runs it
// (bench/services/fs-toro.ts, through toro/fs) and as the host checks what
// a guest wrote. bench/linux/fs-io.c does the same in the Linux guest, in
// C: the block orders and fill bytes below are defined once here and
// mirrored there, so both guests touch the same blocks in the same order
// and write the same bytes.
//
// Four passes over files the bench put on the FAT image (mcopy) or that the
// pass makes, in this order:
//   sequential read   seq-read.bin, whole, in 64 KiB reads
//   random read       rand-read.bin, `ops` 4 KiB reads, each of a different block, in a shuffled order
//   sequential write  seq-write.bin, made anew, in 64 KiB writes, then sync()
//   random write      rand-write.bin (as the bench made it), `ops` 4 KiB writes of different blocks, shuffled, then sync()
// A block is read or written once, so a cache cannot answer twice for it;
// writes are timed until sync() has resolved, when the data is on the disk.

/** The files of the workload, in the FAT image's root. */
export const FILES = { seqRead: "seq-read.bin", randRead: "rand-read.bin", seqWrite: "seq-write.bin", randWrite: "rand-write.bin" } as const;
/** Sequential reads and writes: what dd bs=64k does. */
export const SEQUENTIAL_BYTES = 64 * 1024;
/** Random reads and writes: a page, and the FAT image's cluster. */
export const RANDOM_BYTES = 4096;
/** The shuffles' seeds: reads and writes visit blocks in different orders. */
const SEEDS = { randRead: 1, randWrite: 2 };

/** One pass: bytes moved, operations (reads or writes) and seconds (writes: until sync() resolved). */
export interface Pass {
  bytes: number;
  ops: number;
  seconds: number;
}

export interface FsResults {
  seqRead: Pass;
  randRead: Pass;
  seqWrite: Pass;
  randWrite: Pass;
}

/** What the workload needs of node:fs/promises' FileHandle (toro/fs's has the same calls). */
export interface Handle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** node:fs/promises' open(path, flags). */
export type Open = (path: string, flags: string) => Promise<Handle>;

/** The byte that fills write number `n` (a 64 KiB chunk of seq-write.bin, a 4 KiB block of rand-write.bin). */
export function fillByte(n: number): number {
  return (n * 37 + 11) & 255;
}

/** xorshift32 from `seed`: the same numbers as fs-io.c's. */
function xorshift32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The first `ops` of the `blocks` block numbers shuffled (Fisher-Yates, from the last) with the seed's numbers. */
export function blockOrder(blocks: number, ops: number, pass: keyof typeof SEEDS): number[] {
  const next = xorshift32(SEEDS[pass]);
  const order = Array.from({ length: blocks }, (_, i) => i);
  for (let i = blocks - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.min(ops, blocks));
}

/** Seconds on the monotonic clock since `start` (performance.now() ms). */
function since(start: number): number {
  return (performance.now() - start) / 1000;
}

async function sequentialRead(open: Open, path: string, bytes: number): Promise<Pass> {
  const buffer = new Uint8Array(SEQUENTIAL_BYTES);
  const start = performance.now();
  const file = await open(path, "r");
  let done = 0, ops = 0;
  while (done < bytes) {
    const { bytesRead } = await file.read(buffer, 0, SEQUENTIAL_BYTES, done);
    if (bytesRead === 0) throw new Error(`${path}: ended at ${done} bytes, expected ${bytes}`);
    done += bytesRead;
    ops++;
  }
  const seconds = since(start);
  await file.close();
  return { bytes: done, ops, seconds };
}

async function randomRead(open: Open, path: string, bytes: number, ops: number): Promise<Pass> {
  const order = blockOrder(bytes / RANDOM_BYTES, ops, "randRead");
  const buffer = new Uint8Array(RANDOM_BYTES);
  const start = performance.now();
  const file = await open(path, "r");
  for (const block of order) {
    const { bytesRead } = await file.read(buffer, 0, RANDOM_BYTES, block * RANDOM_BYTES);
    if (bytesRead !== RANDOM_BYTES) throw new Error(`${path}: block ${block} gave ${bytesRead} bytes`);
  }
  const seconds = since(start);
  await file.close();
  return { bytes: order.length * RANDOM_BYTES, ops: order.length, seconds };
}

async function sequentialWrite(open: Open, path: string, bytes: number): Promise<Pass> {
  const buffer = new Uint8Array(SEQUENTIAL_BYTES);
  const start = performance.now();
  const file = await open(path, "w");
  let ops = 0;
  for (let done = 0; done < bytes; done += SEQUENTIAL_BYTES, ops++) {
    buffer.fill(fillByte(ops));
    await file.write(buffer, 0, SEQUENTIAL_BYTES, done);
  }
  await file.sync();
  const seconds = since(start);
  await file.close();
  return { bytes, ops, seconds };
}

async function randomWrite(open: Open, path: string, bytes: number, ops: number): Promise<Pass> {
  const order = blockOrder(bytes / RANDOM_BYTES, ops, "randWrite");
  const buffer = new Uint8Array(RANDOM_BYTES);
  const start = performance.now();
  const file = await open(path, "r+");
  for (const block of order) {
    buffer.fill(fillByte(block));
    await file.write(buffer, 0, RANDOM_BYTES, block * RANDOM_BYTES);
  }
  await file.sync();
  const seconds = since(start);
  await file.close();
  return { bytes: order.length * RANDOM_BYTES, ops: order.length, seconds };
}

/**
 * The four passes over the files in `dir`, each `bytes` long (a multiple of
 * 64 KiB), with `ops` random reads and as many random writes.
 */
export async function runWorkload(open: Open, dir: string, bytes: number, ops: number): Promise<FsResults> {
  if (bytes <= 0 || bytes % SEQUENTIAL_BYTES !== 0) throw new Error(`file size ${bytes}: expected a positive multiple of ${SEQUENTIAL_BYTES}`);
  return {
    seqRead: await sequentialRead(open, `${dir}/${FILES.seqRead}`, bytes),
    randRead: await randomRead(open, `${dir}/${FILES.randRead}`, bytes, ops),
    seqWrite: await sequentialWrite(open, `${dir}/${FILES.seqWrite}`, bytes),
    randWrite: await randomWrite(open, `${dir}/${FILES.randWrite}`, bytes, ops),
  };
}

/** What seq-write.bin must hold after the workload. */
export function expectedSeqWrite(bytes: number): Uint8Array {
  const data = new Uint8Array(bytes);
  for (let i = 0; i * SEQUENTIAL_BYTES < bytes; i++) data.fill(fillByte(i), i * SEQUENTIAL_BYTES, (i + 1) * SEQUENTIAL_BYTES);
  return data;
}

/** What rand-write.bin must hold after the workload, given what it held before. */
export function expectedRandWrite(before: Uint8Array, ops: number): Uint8Array {
  const data = Uint8Array.from(before);
  for (const block of blockOrder(before.length / RANDOM_BYTES, ops, "randWrite")) data.fill(fillByte(block), block * RANDOM_BYTES, (block + 1) * RANDOM_BYTES);
  return data;
}
