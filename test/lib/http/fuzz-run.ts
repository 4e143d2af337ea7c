/**
 * Runs fuzz cases (fuzz-cases.ts) against serveHttp over in-memory
 * connections, each fed in random pieces, and after each one a normal request
 * on a new connection; collects what went wrong. Runs in a worker thread
 * (fuzz-worker.ts): the test runner's async hooks would double its cost.
 */
import { Response } from "../../../lib/http/response.ts";
import { serveHttp, type ConnectionOptions, type FetchHandler } from "../../../lib/http/serve.ts";
import { createStats, type HttpStats } from "../../../lib/http/stats.ts";
import { caseRandom, checkAnswers, fuzzCase, FUZZ_LIMITS, latin1Bytes, parseAnswers, type FuzzCase } from "./fuzz-cases.ts";
import { MemoryStream } from "./memory-stream.ts";

/** What a run found. */
export interface FuzzReport {
  /** One line per case that failed (a run stops at the first few). */
  failures: string[];
  /** Cases run, by kind. */
  kinds: Record<string, number>;
  /** The server's counters over the run. */
  stats: HttpStats;
  /** Answers other than 200 seen on the wire (each must be counted in stats.rejected). */
  errorAnswers: number;
}

// Connections served at once: cases that wait out a timeout overlap with the others.
const CONCURRENCY = 32;
const NORMAL: FuzzCase = { kind: "normal", input: "POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", statuses: [200], bodies: ["hello"] };

/** Run cases `from` to `from + count - 1` of `seed`. */
export async function runFuzz(seed: number, from: number, count: number): Promise<FuzzReport> {
  const report: FuzzReport = { failures: [], kinds: {}, stats: createStats(), errorAnswers: 0 };
  const echo: FetchHandler = async (request) => new Response(await request.bytes());
  const options: ConnectionOptions = {
    ...FUZZ_LIMITS, stats: report.stats, lingerMs: 0,
    // The handler never fails: a 500 would be the server's fault.
    onError: (error) => void report.failures.push(`the handler failed: ${String(error)}`),
  };
  // Short timeouts for the cases that hold their side open, so they end quickly; the
  // others keep the defaults, which a busy machine cannot run out between two pieces.
  const holding: ConnectionOptions = { ...options, idleTimeoutMs: 3, headersTimeoutMs: 6, requestTimeoutMs: 12 };

  const serveCase = async (fuzz: FuzzCase, random: () => number): Promise<string> => {
    const stream = new MemoryStream();
    const served = serveHttp(stream, echo, fuzz.hold ? holding : options);
    const bytes = latin1Bytes(fuzz.input);
    // Most cases arrive at once; some in pieces with turns of the event loop between, so heads
    // and bodies are parsed in parts. Not those that hold: the short timeouts could run out
    // between two pieces of a request that is whole.
    const pieces = !fuzz.hold && random() < 0.15 ? 2 + Math.floor(random() * 6) : 1;
    let at = 0;
    for (let piece = 1; piece <= pieces; piece++) {
      const end = piece === pieces ? bytes.length : at + Math.floor(random() * (bytes.length - at + 1));
      if (end > at) stream.send(bytes.subarray(at, end));
      at = end;
      if (piece < pieces) await new Promise((resolve) => setImmediate(resolve));
    }
    if (!fuzz.hold) stream.finish();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<"hung">((resolve) => { timer = setTimeout(() => resolve("hung"), 10_000); });
    const outcome = await Promise.race([served.then(() => "done" as const), hung]);
    clearTimeout(timer);
    if (outcome === "hung") throw new Error("the server neither answered nor closed");
    if (!stream.isClosed) throw new Error("the server finished without closing the connection");
    return stream.output;
  };

  const runCase = async (index: number): Promise<void> => {
    const random = caseRandom(seed, index);
    const fuzz = fuzzCase(random, { timeouts: true });
    report.kinds[fuzz.kind] = (report.kinds[fuzz.kind] ?? 0) + 1;
    const describe = () => `case ${index} (${fuzz.kind}, seed ${seed}): ${JSON.stringify(fuzz.input.slice(0, 300))}`;
    let output: string;
    try {
      output = await serveCase(fuzz, random);
    } catch (error) {
      report.failures.push(`${describe()}: ${(error as Error).message}`);
      return;
    }
    const wrong = checkAnswers(fuzz, output);
    if (wrong !== undefined) {
      report.failures.push(`${describe()}: ${wrong}\nanswered: ${JSON.stringify(output.slice(0, 400))}`);
      return;
    }
    report.errorAnswers += parseAnswers(output).filter((answer) => answer.status !== 200).length;
    const after = checkAnswers(NORMAL, await serveCase(NORMAL, random));
    if (after !== undefined) report.failures.push(`after ${describe()}: the normal request: ${after}`);
  };

  let next = from;
  const worker = async () => {
    while (next < from + count && report.failures.length < 5) await runCase(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return report;
}
