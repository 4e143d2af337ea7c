// A worker thread's side of the FAT fuzz test: runs its share of the cases and posts the report.
import { parentPort, workerData } from "node:worker_threads";
import { runFuzz } from "./fuzz-run.ts";
import type { FatWidth } from "./images.ts";

const { seed, from, count, images, progress } = workerData;
const views = Object.fromEntries(Object.entries(images as Record<string, SharedArrayBuffer>).map(([width, buffer]) => [width, new Uint8Array(buffer)])) as Record<FatWidth, Uint8Array>;
parentPort!.postMessage(await runFuzz(seed, from, count, views, new Int32Array(progress)));
