/**
 * Ways to break a FAT image, each aimed by the image's layout (layout.ts) and
 * driven by a seeded generator, so a failing image is made again from its
 * seed and index. A mutated image is a set of changed sectors over the
 * pristine one (and perhaps a shorter disk), not a copy.
 */
import { setFatEntry, setFirstCluster, type Layout } from "./layout.ts";

type Random = () => number;
const int = (random: Random, n: number) => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)];

/**
 * An image being broken. Mutations change `image` in place and note the
 * sectors they touched; the caller takes those sectors as the mutated
 * image's and then restores them from the pristine image, so one scratch
 * copy serves every case.
 */
export interface Mutable {
  image: Uint8Array;
  layout: Layout;
  /** The disk's capacity in sectors; a truncation lowers it. */
  sectors: number;
  /** The sectors changed. */
  touched: Set<number>;
}

export interface Mutation {
  name: string;
  apply(target: Mutable, random: Random): string;
}

function touch(target: Mutable, at: number, length = 1): void {
  for (let s = Math.floor(at / 512); s <= Math.floor((at + length - 1) / 512); s++) target.touched.add(s);
}

function flipBits(target: Mutable, start: number, length: number, random: Random): string {
  const flips = 1 + int(random, 8);
  const at: number[] = [];
  for (let i = 0; i < flips; i++) {
    const offset = start + int(random, length);
    target.image[offset] ^= 1 << int(random, 8);
    touch(target, offset);
    at.push(offset);
  }
  return `bits flipped at ${at.join(",")}`;
}

const files = (layout: Layout) => layout.entries.filter((e) => !e.directory);
const directories = (layout: Layout) => layout.entries.filter((e) => e.directory);
const withChain = (layout: Layout, min: number) => layout.entries.filter((e) => e.chain.length >= min);

function setU32(target: Mutable, at: number, value: number, bytes: 1 | 2 | 4): void {
  const view = new DataView(target.image.buffer, target.image.byteOffset);
  if (bytes === 1) target.image[at] = value & 0xff;
  else if (bytes === 2) view.setUint16(at, value & 0xffff, true);
  else view.setUint32(at, value >>> 0, true);
  touch(target, at, bytes);
}

const fatEntryOffsets = (layout: Layout, cluster: number) => layout.fatOffsets.map((base) => base + Math.floor(cluster * layout.width / 8));

function setChainLink(target: Mutable, cluster: number, value: number): void {
  setFatEntry(target.image, target.layout, cluster, value);
  for (const at of fatEntryOffsets(target.layout, cluster)) touch(target, at, 4);
}

/** BPB fields with values that make no sense or lie (offset, size, values). */
const BPB_FIELDS: [string, number, 1 | 2 | 4, number[]][] = [
  ["bytes per sector", 11, 2, [0, 1, 256, 513, 1024, 4096, 65535]],
  ["sectors per cluster", 13, 1, [0, 3, 64, 128, 255]],
  ["reserved sectors", 14, 2, [0, 1, 2, 5000, 65535]],
  ["FAT count", 16, 1, [0, 1, 3, 255]],
  ["root entries", 17, 2, [0, 1, 17, 65535]],
  ["total sectors (16)", 19, 2, [0, 1, 100, 65535]],
  ["media", 21, 1, [0, 0x12, 0xff]],
  ["sectors per FAT (16)", 22, 2, [0, 1, 2, 65535]],
  ["total sectors (32)", 32, 4, [0, 1, 1000, 0x7fffffff, 0xffffffff]],
  ["sectors per FAT (32)", 36, 4, [0, 1, 0x7fffffff, 0xffffffff]],
  ["root cluster (32)", 44, 4, [0, 1, 2, 3, 66513, 0x0ffffff7, 0xffffffff]],
  ["FSInfo sector (32)", 48, 2, [0, 1, 6, 65535]],
  ["boot signature", 510, 2, [0, 0xaa55, 0x1234]],
];

export const MUTATIONS: readonly Mutation[] = [
  {
    name: "boot-bits",
    apply: (t, random) => flipBits(t, random() < 0.8 ? 0 : 512 * pick(random, [1, 6]), random() < 0.7 ? 90 : 512, random),
  },
  {
    name: "bogus-bpb",
    apply(t, random) {
      const [field, at, bytes, values] = pick(random, BPB_FIELDS);
      const value = random() < 0.8 ? pick(random, values) : int(random, 2 ** (8 * bytes));
      setU32(t, at, value, bytes);
      return `${field} = ${value}`;
    },
  },
  {
    name: "fat-bits",
    apply: (t, random) => flipBits(t, t.layout.fatOffsets[random() < 0.7 ? 0 : t.layout.fats - 1], Math.min(t.layout.fatSectors * 512, 1024), random),
  },
  {
    name: "directory-bits",
    apply(t, random) {
      const sector = pick(random, t.layout.directorySectors);
      return `sector ${sector}: ${flipBits(t, sector * 512, 512, random)}`;
    },
  },
  {
    name: "directory-garbage",
    apply(t, random) {
      const sector = pick(random, t.layout.directorySectors);
      const from = int(random, 16) * 32, to = from + 32 * (1 + int(random, 16 - from / 32));
      for (let i = from; i < to; i++) t.image[sector * 512 + i] = int(random, 256);
      touch(t, sector * 512 + from, to - from);
      return `sector ${sector} bytes ${from}..${to} random`;
    },
  },
  {
    name: "data-bits",
    apply(t, random) {
      const file = pick(random, withChain(t.layout, 1));
      const cluster = pick(random, file.chain);
      return `${file.path}: ${flipBits(t, t.layout.dataOffset + (cluster - 2) * t.layout.clusterBytes, t.layout.clusterBytes, random)}`;
    },
  },
  {
    name: "truncate",
    apply(t, random) {
      const total = t.sectors;
      const options = [int(random, 4), int(random, t.layout.dataOffset / 512 + 4), t.layout.dataOffset / 512 + int(random, 200), total - 1 - int(random, total / 2)];
      t.sectors = Math.max(0, Math.min(total - 1, pick(random, options)));
      return `disk cut to ${t.sectors} of ${total} sectors`;
    },
  },
  {
    name: "chain-loop",
    apply(t, random) {
      const entry = pick(random, withChain(t.layout, 1));
      const from = int(random, entry.chain.length), to = int(random, from + 1);
      setChainLink(t, entry.chain[from], entry.chain[to]);
      return `${entry.path}: cluster ${entry.chain[from]} → ${entry.chain[to]} (a loop)`;
    },
  },
  {
    name: "chain-link",
    apply(t, random) {
      const entry = pick(random, withChain(t.layout, 1));
      const cluster = pick(random, entry.chain);
      const max = t.layout.width === 32 ? 0x0fffffff : t.layout.width === 16 ? 0xffff : 0xfff;
      const value = pick(random, [0, 1, t.layout.clusters + 2, t.layout.clusters + 100, max - 8, max - 7, int(random, max + 1), 2, t.layout.rootCluster || 2]);
      setChainLink(t, cluster, value);
      return `${entry.path}: cluster ${cluster} → ${value}`;
    },
  },
  {
    name: "cross-link",
    apply(t, random) {
      const a = pick(random, withChain(t.layout, 1)), b = pick(random, t.layout.entries);
      setFirstCluster(t.image, t.layout, b.entry, a.firstCluster);
      touch(t, b.entry, 32);
      return `${b.path} starts at ${a.path}'s cluster ${a.firstCluster}`;
    },
  },
  {
    name: "directory-self",
    apply(t, random) {
      const dir = pick(random, directories(t.layout));
      // The directory's entry names itself... or its parent (0 on FAT12/16 is the root);
      // or an entry inside it (its "." or a child directory) names it or its parent.
      const target = random() < 0.5 ? dir.firstCluster : dir.parentCluster;
      const inner = t.layout.entries.filter((e) => e.directory && e.parentCluster === dir.firstCluster);
      const entry = inner.length && random() < 0.5 ? pick(random, inner).entry : random() < 0.3 ? t.layout.dataOffset + (dir.firstCluster - 2) * t.layout.clusterBytes : dir.entry;
      setFirstCluster(t.image, t.layout, entry, target);
      touch(t, entry, 32);
      return `directory entry at ${entry} (in or for ${dir.path}) → cluster ${target}`;
    },
  },
  {
    name: "bogus-size",
    apply(t, random) {
      const entry = pick(random, t.layout.entries);
      const size = pick(random, [0, 1, 0xffffffff, 0x7fffffff, entry.chain.length * t.layout.clusterBytes + 1, 100 * t.layout.clusterBytes, int(random, 2 ** 32)]);
      setU32(t, entry.entry + 28, size, 4);
      if (random() < 0.3) { setFirstCluster(t.image, t.layout, entry.entry, pick(random, [0, 1, t.layout.clusters + 2])); touch(t, entry.entry, 32); }
      if (random() < 0.2) { t.image[entry.entry + 11] ^= 0x10; touch(t, entry.entry + 11); }
      return `${entry.path}: size ${size}, attributes ${t.image[entry.entry + 11]}`;
    },
  },
  {
    name: "long-name",
    apply(t, random) {
      const entry = pick(random, t.layout.entries.filter((e) => e.longName.length > 0));
      const slot = pick(random, entry.longName);
      const how = int(random, 5);
      if (how === 0) t.image[slot + 13] ^= 1 + int(random, 255); // checksum
      else if (how === 1) t.image[slot] = pick(random, [0, 1, 0x41, 0x5f, 0x3f, 0x60, int(random, 256)]); // order
      else if (how === 2) t.image[slot + 11] = pick(random, [0x0f, 0x1f, 0x2f, 0x00]); // attributes
      else if (how === 3) new DataView(t.image.buffer, t.image.byteOffset).setUint16(slot + 1 + 2 * int(random, 5), pick(random, [0xd800, 0xdfff, 0xffff, 0x002f, 0x0000]), true);
      else setU32(t, slot + 26, 1 + int(random, 0xffff), 2); // its "first cluster" must be 0
      touch(t, slot, 32);
      return `${entry.path}: long-name slot at ${slot} changed (${["checksum", "order", "attributes", "a character", "cluster field"][how]})`;
    },
  },
];

/** Apply one to four random mutations; the descriptions say what was done. */
export function mutate(target: Mutable, random: Random): string[] {
  const done: string[] = [];
  const count = 1 + int(random, random() < 0.7 ? 1 : 4);
  for (let i = 0; i < count; i++) {
    const mutation = pick(random, MUTATIONS);
    done.push(`${mutation.name}: ${mutation.apply(target, random)}`);
  }
  return done;
}
