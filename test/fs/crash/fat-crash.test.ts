// Power loss at every point of a FAT workload (workload.ts), for each width: the workload
// runs on a recording disk, then every prefix of its writes (and, before each flush, every
// subset of the writes since the previous one, or random subsets in random order for a group
// of more than 8 sectors) is checked by
// check-cut.ts: fsck.fat -n finds no cross-linked or out-of-range chain, our mount succeeds,
// every synced file reads back whole, and after it fsck.fat -n finds nothing.
// TORO_CRASH_SEED=n draws other random subsets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import { seededRandom } from "../../lib/http/fuzz-cases.ts";
import { OverlayDisk } from "../../sim/overlay-disk.ts";
import { pendingSectors, powerLoss, RecordingDisk, type LossChoice } from "../../sim/recording-disk.ts";
import { FAT_WIDTHS, makeImage } from "../fuzz/images.ts";
import { checkCut, imageKey, NOW } from "./check-cut.ts";
import { fsck } from "./fsck.ts";
import { ScratchImage } from "./scratch-image.ts";
import { expectedAt, runWorkload } from "./workload.ts";

const SEED = Number(process.env.TORO_CRASH_SEED ?? 20_261_204);
/** A group of writes between two flushes of up to this many sectors lands in every subset… */
const EVERY_SUBSET = 8;
/** …a larger one in this many random ways. */
const SUBSETS = 16;
/** fsck.fat runs in this many lanes at once. */
const LANES = 3;

interface Cut {
  at: number;
  choice: LossChoice;
  label: string;
}

for (const width of FAT_WIDTHS) {
  test(`FAT${width}: a power loss after any write leaves a volume fsck.fat accepts, that mounts, with every synced file whole`, { timeout: 600_000 }, async (t) => {
    const start = makeImage(width);
    const disk = new RecordingDisk(new OverlayDisk(start));
    const log = await runWorkload(await mountFat(disk, { now: NOW, writeBackDelayMs: 0 }), disk);
    const { events } = disk;
    const dir = mkdtempSync(join(tmpdir(), `toro-fat${width}-crash-`));
    try {
      // Unmounted cleanly, the volume needs no repair at all.
      const lanes = Array.from({ length: LANES }, (_, i) => new ScratchImage(join(dir, `lane${i}.img`), start));
      const whole = new Map(powerLoss(events, events.length).map(({ sector, data }) => [sector, data]));
      lanes[0].show(whole);
      const clean = await fsck(lanes[0].file);
      assert.deepEqual([clean.exitCode, clean.findings], [0, []], "fsck.fat after a clean unmount");

      const cuts: Cut[] = [];
      for (let at = 0; at <= events.length; at++) cuts.push({ at, choice: "all", label: `prefix ${at}` });
      const groupEnds = events.flatMap((event, index) => event.kind === "flush" ? [index] : []);
      if (events.at(-1)?.kind !== "flush") groupEnds.push(events.length);
      groupEnds.forEach((at, group) => {
        const pending = pendingSectors(events, at);
        if (pending <= EVERY_SUBSET) {
          for (let mask = 1; mask < 2 ** pending - 1; mask++) {
            cuts.push({ at, choice: { keep: (index) => ((mask >> index) & 1) === 1 }, label: `subset ${mask.toString(2)} of the writes before event ${at}` });
          }
          return;
        }
        for (let i = 0; i < SUBSETS; i++) {
          const seed = SEED + width * 100_003 + group * 101 + i;
          cuts.push({ at, choice: { random: seededRandom(seed) }, label: `random landing of the writes before event ${at} (seed ${seed})` });
        }
      });

      const failures: string[] = [];
      const repairs = new Map<string, number>();
      const seen = new Set<string>();
      let checked = 0, next = 0, repeated = 0;
      const started = Date.now();
      await Promise.all(lanes.map(async (lane) => {
        while (next < cuts.length && failures.length < 5) {
          const cut = cuts[next++];
          const changes = new Map(powerLoss(events, cut.at, cut.choice).map(({ sector, data }) => [sector, data]));
          // A flush changes no sector, and a random landing often leaves what a prefix left: check
          // each image once for each set of paths that must read back from it.
          const expected = expectedAt(log, cut.at);
          const key = `${imageKey(changes)} ${expected.map((e) => log.expectations.indexOf(e)).join(",")}`;
          if (seen.has(key)) { repeated++; continue; }
          seen.add(key);
          const report = await checkCut(start, changes, expected, lane);
          checked += report.checked;
          for (const repair of report.repairs) {
            const kind = repair.replace(/\d+/g, "N");
            repairs.set(kind, (repairs.get(kind) ?? 0) + 1);
          }
          if (report.problems.length) failures.push(`${cut.label} of ${events.length}: ${report.problems.join("\n  ")}`);
        }
      }));
      for (const lane of lanes) lane.close();
      const seconds = (Date.now() - started) / 1000;
      const writes = events.filter((event) => event.kind === "write").length;
      t.diagnostic(`${events.length} events (${writes} writes, ${events.length - writes} flushes), ${log.syncs} syncs; ${cuts.length - repeated} distinct images checked of ${cuts.length} cuts (${events.length + 1} prefixes, ${cuts.length - events.length - 1} subsets and random landings) in ${seconds.toFixed(1)} s; ${checked} durable paths read back`);
      t.diagnostic(`repairs our mount made: ${[...repairs].map(([kind, n]) => `${kind} ×${n}`).join("; ") || "none"}`);
      assert.deepEqual(failures, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
