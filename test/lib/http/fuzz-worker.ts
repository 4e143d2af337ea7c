// A worker thread's side of the fuzz test: runs its share of the cases and posts the report.
import { parentPort, workerData } from "node:worker_threads";
import { runFuzz } from "./fuzz-run.ts";

const { seed, from, count } = workerData as { seed: number; from: number; count: number };
parentPort!.postMessage(await runFuzz(seed, from, count));
