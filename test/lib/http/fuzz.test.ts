// 100,000 malformed and adversarial requests (fuzz-cases.ts) against serveHttp over
// in-memory connections (fuzz-run.ts): no case may throw, hang, get a status it should
// not or lose sync, and after each one a normal request on a new connection must be
// answered. TORO_FUZZ_SEED=n runs another seed's cases, TORO_FUZZ_CASES=n another count.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import type { FuzzReport } from "./fuzz-run.ts";

const SEED = Number(process.env.TORO_FUZZ_SEED ?? 20_261_122);
const CASES = Number(process.env.TORO_FUZZ_CASES ?? 100_000);
const WORKERS = 2;

// A worker does not inherit the main thread's TypeScript loader: it registers tsx's, then loads its entry.
const tsx = import.meta.resolve("tsx/esm/api");
const entry = new URL("./fuzz-worker.ts", import.meta.url).href;
const BOOT = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;

function runInWorker(from: number, count: number): Promise<FuzzReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: { seed: SEED, from, count } });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the fuzz worker exited with ${code} before reporting`)));
  });
}

test(`${CASES} fuzz cases against serveHttp, each followed by a normal request`, { timeout: 600_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (TORO_FUZZ_SEED=${SEED} repeats these cases)`);
  const share = Math.ceil(CASES / WORKERS);
  const reports = await Promise.all(Array.from({ length: WORKERS }, (_, i) => runInWorker(i * share, Math.min(share, CASES - i * share))));
  assert.deepEqual(reports.flatMap((report) => report.failures), []);

  const kinds: Record<string, number> = {};
  for (const report of reports) for (const [kind, n] of Object.entries(report.kinds)) kinds[kind] = (kinds[kind] ?? 0) + n;
  t.diagnostic(`cases by kind: ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(", ")}`);
  assert.equal(Object.values(kinds).reduce((sum, n) => sum + n, 0), CASES);
  const rejected: Record<number, number> = {};
  for (const report of reports) {
    t.diagnostic(`stats: ${JSON.stringify(report.stats)}`);
    // Every error answer seen was counted, by status; every connection closed.
    assert.equal(Object.values(report.stats.rejected).reduce((sum, n) => sum + n, 0), report.errorAnswers);
    assert.equal(report.stats.connections, 0);
    for (const [status, n] of Object.entries(report.stats.rejected)) rejected[Number(status)] = (rejected[Number(status)] ?? 0) + n;
  }
  assert.equal(reports.reduce((sum, report) => sum + report.stats.accepted, 0), 2 * CASES);
  for (const status of [400, 408, 413, 414, 417, 431, 501, 505]) assert.ok((rejected[status] ?? 0) > 0, `no case was answered ${status}`);
  assert.ok(reports.every((report) => report.stats.idleTimeouts > 0 && report.stats.aborted > 0));
});
