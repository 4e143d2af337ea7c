/**
 * Runs fuzz cases: case i of a seed breaks the pristine image of width
 * 12, 16 or 32 (by i) with the mutations its own generator picks, mounts it
 * on an overlay disk and explores it (explore.ts). Runs in a worker thread
 * (fuzz-worker.ts) that the test watches for progress: an operation that
 * never resolves fails the case by its timeout here, and a loop that never
 * yields fails it by the watchdog there.
 */
import { caseRandom } from "../../lib/http/fuzz-cases.ts";
import { OverlayDisk } from "../../sim/overlay-disk.ts";
import { explore, type Outcome } from "./explore.ts";
import { FAT_WIDTHS, type FatWidth } from "./images.ts";
import { readLayout, type Layout } from "./layout.ts";
import { mutate } from "./mutations.ts";

export interface FuzzReport {
  failures: string[];
  mounted: number;
  refused: number;
  /** FsError codes met, at mount or after, with counts. */
  codes: Record<string, number>;
  /** Mutations applied, by name. */
  mutations: Record<string, number>;
  filesRead: number;
}

/** An operation that has not ended in this long (on a loaded 2-core machine) is hung. */
export const CASE_TIMEOUT_MS = 20_000;

interface Base {
  image: Uint8Array;
  scratch: Uint8Array;
  layout: Layout;
}

function timeout(ms: number): { promise: Promise<never>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms (hung)`)), ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Cases `from`..`from + count - 1`; `progress[0]` counts the cases done (for
 * the watchdog) and `progress[1]` holds the case running.
 */
export async function runFuzz(seed: number, from: number, count: number, images: Record<FatWidth, Uint8Array>, progress: Int32Array): Promise<FuzzReport> {
  const report: FuzzReport = { failures: [], mounted: 0, refused: 0, codes: {}, mutations: {}, filesRead: 0 };
  const bases = new Map<FatWidth, Base>(FAT_WIDTHS.map((width) => [width, { image: images[width], scratch: images[width].slice(), layout: readLayout(images[width]) }]));
  for (let index = from; index < from + count; index++) {
    Atomics.store(progress, 1, index);
    const random = caseRandom(seed, index);
    const width = FAT_WIDTHS[index % FAT_WIDTHS.length];
    const base = bases.get(width)!;
    const target = { image: base.scratch, layout: base.layout, sectors: base.image.length / 512, touched: new Set<number>() };
    const done = mutate(target, random);
    const changes = new Map<number, Uint8Array>();
    for (const sector of target.touched) {
      changes.set(sector, base.scratch.slice(sector * 512, (sector + 1) * 512));
      base.scratch.set(base.image.subarray(sector * 512, (sector + 1) * 512), sector * 512);
    }
    for (const line of done) {
      const name = line.slice(0, line.indexOf(":"));
      report.mutations[name] = (report.mutations[name] ?? 0) + 1;
    }
    const device = new OverlayDisk(base.image, { sectors: target.sectors, changes });
    const limit = timeout(CASE_TIMEOUT_MS);
    try {
      const outcome: Outcome = await Promise.race([explore(device, random), limit.promise]);
      if (outcome.mounted) report.mounted++;
      else report.refused++;
      report.filesRead += outcome.filesRead;
      for (const [code, n] of Object.entries(outcome.codes)) report.codes[code] = (report.codes[code] ?? 0) + n;
    } catch (error) {
      report.failures.push(`image ${index} (FAT${width}; TORO_FUZZ_SEED=${seed} TORO_FUZZ_ONLY=${index}): ${done.join("; ")}: ${(error as Error).message}`);
      if (report.failures.length >= 10) break;
    } finally {
      limit.cancel();
    }
    Atomics.store(progress, 0, index - from + 1);
  }
  return report;
}
