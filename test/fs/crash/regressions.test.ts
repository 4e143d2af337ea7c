// The cases the prefix test (fat-crash.test.ts) found, each on its own small volume: every
// prefix of one operation's writes, and every subset of each group of writes between flushes
// (64 random landings of a larger one), checked as there (check-cut.ts). Each failed before
// the fix its name gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileSystem } from "../../../kernel/fs/file-system.ts";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import { seededRandom } from "../../lib/http/fuzz-cases.ts";
import { OverlayDisk } from "../../sim/overlay-disk.ts";
import { pendingSectors, powerLoss, RecordingDisk, type LossChoice } from "../../sim/recording-disk.ts";
import { makeImage, patterned, type FatWidth, type TreeEntry } from "../fuzz/images.ts";
import { checkCut, imageKey, NOW } from "./check-cut.ts";
import { ScratchImage } from "./scratch-image.ts";
import type { Expectation } from "./workload.ts";

/** Groups of up to this many sectors land in every subset; larger ones in LANDINGS random ways. */
const EVERY_SUBSET = 10;
const LANDINGS = 64;

const TREE: TreeEntry[] = [
  { path: "keep.bin", data: patterned(1500, 1) },
  { path: "old dir" },
  { path: "old dir/a file with a long name.bin", data: patterned(2000, 2) },
  { path: "new dir" },
  { path: "empty dir" },
  { path: "doomed.bin", data: patterned(3000, 3) },
];

/** Run `operation` on a fresh volume holding TREE, then check every cut of its writes. */
/** A path that must hold one of these TREE files' contents at every cut. */
interface EitherOf {
  path: string;
  oneOf: string[];
}

async function everyCut(width: FatWidth, operation: (volume: FileSystem) => Promise<void>, untouched: (string | EitherOf)[]): Promise<number> {
  const start = makeImage(width, TREE);
  const disk = new RecordingDisk(new OverlayDisk(start));
  const volume = await mountFat(disk, { now: NOW, writeBackDelayMs: 0 });
  await operation(volume);
  await volume.unmount();
  const { events } = disk;
  const data = (path: string) => TREE.find((entry) => entry.path === path)!.data;
  const expected: Expectation[] = untouched.map((path) => typeof path === "string"
    ? { path, content: data(path) ?? "directory", from: 0 }
    : { path: path.path, content: data(path.oneOf[0])!, otherwise: path.oneOf.slice(1).map((other) => data(other)!), from: 0 });
  const dir = mkdtempSync(join(tmpdir(), "toro-fat-regression-"));
  const scratch = new ScratchImage(join(dir, "image"), start);
  try {
    const problems: string[] = [];
    // The expectations are the same at every cut here: each image is checked once.
    const seen = new Set<string>();
    let checked = 0;
    for (let at = 0; at <= events.length; at++) {
      const choices: LossChoice[] = ["all"];
      if (at === events.length || events[at].kind === "flush") {
        const pending = pendingSectors(events, at);
        if (pending <= EVERY_SUBSET) for (let mask = 0; mask < 2 ** pending; mask++) choices.push({ keep: (index) => ((mask >> index) & 1) === 1 });
        else for (let i = 0; i < LANDINGS; i++) choices.push({ random: seededRandom(at * 1000 + i) });
      }
      for (const choice of choices) {
        const changes = new Map(powerLoss(events, at, choice).map(({ sector, data }) => [sector, data]));
        const key = imageKey(changes);
        if (seen.has(key)) continue;
        seen.add(key);
        const report = await checkCut(start, changes, expected, scratch);
        checked++;
        if (report.problems.length) problems.push(`cut at ${at} of ${events.length} (${choice === "all" ? "prefix" : "random landing"}): ${report.problems.join("; ")}`);
        if (problems.length >= 3) break;
      }
    }
    assert.deepEqual(problems, []);
    return checked;
  } finally {
    scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const CASES: [string, (volume: FileSystem) => Promise<void>, (string | EitherOf)[]][] = [
  ["rename over an existing file: the name holds the old file or the new one, never neither (both were lost in one write-back)",
    (volume) => volume.rename(["doomed.bin"], ["keep.bin"]), [{ path: "keep.bin", oneOf: ["keep.bin", "doomed.bin"] }, "old dir/a file with a long name.bin"]],
  ["unlink: the clusters are freed after the entry is gone (fsck.fat found entries naming free clusters)",
    (volume) => volume.unlink(["doomed.bin"]), ["keep.bin", "old dir/a file with a long name.bin"]],
  ["rmdir: the cluster is freed after the entry is gone (our mount refused the volume)",
    (volume) => volume.rmdir(["empty dir"]), ["keep.bin", "doomed.bin"]],
  ["truncate: a shrunk file's clusters are freed after its new size is written",
    async (volume) => {
      const file = await volume.open(["doomed.bin"], { write: true, create: false, exclusive: false, truncate: false });
      await file.truncate(100);
      await file.close();
    }, ["keep.bin"]],
  ["rename across directories: never two entries sharing a chain (fsck.fat found them cross-linked)",
    (volume) => volume.rename(["old dir", "a file with a long name.bin"], ["new dir", "moved here with a longer name.bin"]), ["keep.bin", "doomed.bin"]],
  ["a directory moved into another: its '..' is never wrong where an entry names it",
    (volume) => volume.rename(["old dir"], ["new dir", "old dir moved"]), ["keep.bin", "doomed.bin"]],
  ["new names spanning directory sectors: a hole or an orphaned long name is repaired, entries after a hole are seen",
    async (volume) => {
      for (let i = 0; i < 12; i++) {
        const file = await volume.open(["new dir", `a new file number ${i} with a name of several entries.txt`], { write: true, create: true, exclusive: true, truncate: false });
        await file.write(0, patterned(300, 10 + i));
        await file.close();
      }
    }, ["keep.bin", "doomed.bin", "old dir/a file with a long name.bin"]],
  ["a directory grown into a cluster in another FAT sector: a link to a free cluster ends its chain (our mount refused the volume)",
    async (volume) => {
      // 140 KiB of file first: the directory's next cluster is then more than a FAT sector away.
      const file = await volume.open(["a large file.bin"], { write: true, create: true, exclusive: true, truncate: false });
      await file.write(0, patterned(140 * 1024, 30));
      await file.close();
      await volume.sync();
      for (let i = 0; i < 8; i++) {
        const entry = await volume.open(["empty dir", `entry ${i} with a name long enough for three slots.txt`], { write: true, create: true, exclusive: true, truncate: false });
        await entry.close();
      }
    }, ["keep.bin", "doomed.bin", "old dir/a file with a long name.bin"]],
];

for (const width of [16, 32] as const) {
  for (const [name, operation, untouched] of CASES) {
    test(`FAT${width}: ${name}`, { timeout: 300_000 }, async (t) => {
      t.diagnostic(`${await everyCut(width, operation, untouched)} distinct images checked`);
    });
  }
}
