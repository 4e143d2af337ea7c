// Mutated FAT12/16/32 images (fuzz-run.ts: bit flips in the boot sector, FATs, directories
// and data; truncation; looping, out-of-range and cross-linked chains; bogus BPB fields;
// directories naming themselves or their parent; bogus sizes; broken long names) mounted,
// walked, read and written: every failure an FsError, every operation ending.
// 10,000 images by default (TORO_FUZZ_IMAGES=n runs n), TORO_FUZZ_SEED=n another seed's
// images, TORO_FUZZ_ONLY=i the one image i of the seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import type { FuzzReport } from "./fuzz-run.ts";
import { FAT_WIDTHS, fuzzTree, makeImage } from "./images.ts";

const SEED = Number(process.env.TORO_FUZZ_SEED ?? 20_261_204);
const ONLY = process.env.TORO_FUZZ_ONLY === undefined ? undefined : Number(process.env.TORO_FUZZ_ONLY);
const IMAGES = ONLY === undefined ? Number(process.env.TORO_FUZZ_IMAGES ?? 10_000) : 1;
const WORKERS = ONLY === undefined ? 2 : 1;
/** A worker that finishes no case in this long is stuck in a loop that never yields. */
const STALL_MS = 60_000;

const tsx = import.meta.resolve("tsx/esm/api");
const entry = new URL("./fuzz-worker.ts", import.meta.url).href;
const BOOT = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;

function shared(bytes: Uint8Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

function runInWorker(from: number, count: number, images: Record<number, SharedArrayBuffer>): Promise<FuzzReport> {
  const progress = new Int32Array(new SharedArrayBuffer(8));
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { seed: SEED, from, count, images, progress: progress.buffer } });
    let done = -1, since = Date.now();
    const watchdog = setInterval(() => {
      const now = Atomics.load(progress, 0);
      if (now !== done) { done = now; since = Date.now(); return; }
      if (Date.now() - since < STALL_MS) return;
      clearInterval(watchdog);
      const index = Atomics.load(progress, 1);
      void worker.terminate();
      reject(new Error(`image ${index} hung (no case ended in ${STALL_MS / 1000} s; TORO_FUZZ_SEED=${SEED} TORO_FUZZ_ONLY=${index})`));
    }, 1000);
    worker.once("message", (report) => { clearInterval(watchdog); resolve(report); });
    worker.once("error", (error) => { clearInterval(watchdog); reject(error); });
    worker.once("exit", (code) => { clearInterval(watchdog); reject(new Error(`the fuzz worker exited with ${code} before reporting`)); });
  });
}

test(`${IMAGES} mutated FAT images: every failure an FsError, nothing hangs`, { timeout: 1_800_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (TORO_FUZZ_SEED=${SEED} repeats these images)`);
  const images = Object.fromEntries(FAT_WIDTHS.map((width) => [width, shared(makeImage(width, fuzzTree()))]));
  const started = Date.now();
  const from = ONLY ?? 0;
  const share = Math.ceil(IMAGES / WORKERS);
  const reports = await Promise.all(Array.from({ length: WORKERS }, (_, i) => runInWorker(from + i * share, Math.min(share, IMAGES - i * share), images)));
  const seconds = (Date.now() - started) / 1000;
  assert.deepEqual(reports.flatMap((report) => report.failures), []);

  const sum = (key: "mounted" | "refused" | "filesRead") => reports.reduce((total, report) => total + report[key], 0);
  const merge = (key: "codes" | "mutations") => {
    const all: Record<string, number> = {};
    for (const report of reports) for (const [name, n] of Object.entries(report[key])) all[name] = (all[name] ?? 0) + n;
    return Object.entries(all).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(", ");
  };
  t.diagnostic(`${IMAGES} images in ${seconds.toFixed(1)} s: ${sum("mounted")} mounted, ${sum("refused")} refused; ${sum("filesRead")} files read`);
  t.diagnostic(`errors met: ${merge("codes")}`);
  t.diagnostic(`mutations: ${merge("mutations")}`);
  assert.equal(sum("mounted") + sum("refused"), IMAGES);
  if (ONLY === undefined) {
    // The mutations break things: some images must be refused, and some must still mount and give EIO on a file.
    assert.ok(sum("refused") > 0 && sum("mounted") > 0);
  }
});
