/**
 * What the HTTP benches (bench/http.ts, bench/fs.ts) share: wrk run the same
 * way (connections opened apart, a long per-request timeout) and read back,
 * a GET of their own to check a target's answers, and the host CPU a
 * server's process used.
 */
import { spawnSync } from "node:child_process";
import { get as httpGet } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, log, run, start } from "./common.ts";

/** Past wrk's own duration, before the bench gives up on it. */
const WRK_GRACE_MS = 30_000;
/**
 * wrk's per-request timeout (its default is 2 s). A request that times out
 * counts as an error and its latency is left out of the distribution, so
 * under TCG, where a slow request can take seconds, the default would hide
 * the slowest requests from p99.
 */
export const WRK_TIMEOUT_S = 10;
/**
 * Each wrk run opens its connections anew, and QEMU's user network listens
 * for a forwarded port with a backlog of 1 (`ss -ltn` shows it): the host
 * kernel drops a SYN that finds the queue full, so of 16 connections opened
 * at once about half wait for SYN retransmissions, 1, 3, 7 s later (a
 * capture showed 8 of 16 without a SYN-ACK), and the guest idles meanwhile.
 * wrk-ramp.lua opens the connections RAMP_GAP_MS apart, which the queue can
 * take, one per wrk thread, before wrk starts its clock, and sends their first
 * requests together when the last is open.
 */
const WRK_SCRIPT = join(BENCH_DIR, "services", "wrk-ramp.lua");
export const RAMP_GAP_MS = 25;
/** The unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(run("getconf", ["CLK_TCK"]).trim()) || 100;

/** What one wrk run reports. */
export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** connect, read, write, timeout */
  socketErrors: number[];
  /** wrk's "Non-2xx or 3xx responses" (status 400 and up). */
  badStatus: number;
}

/** wrk must be on the host; scripts/setup.sh installs it, and so does this for a machine that has not run it. */
export function ensureWrk(): void {
  if (spawnSync("wrk", ["--version"]).error === undefined) return;
  log("bench: installing wrk");
  run("apt-get", ["install", "-y", "-qq", "wrk"]);
}

export function wrkVersion(): string {
  return /wrk (\S+)/.exec(spawnSync("wrk", ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "?";
}

/** GET path from the target on a connection of its own; the status and body, or undefined when it does not answer within `timeoutMs`. */
export function get(port: number, path: string, timeoutMs = 2000): Promise<{ status: number; body: Buffer } | undefined> {
  return new Promise((resolve) => {
    // agent: false closes the connection after the answer, so none stays open beside wrk's.
    const request = httpGet({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on("error", () => resolve(undefined));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(undefined));
  });
}

/** A latency as wrk prints it ("812.00us", "5.02ms", "1.20s", "2.00m"), in ms. */
function latencyMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as "us" | "ms" | "s" | "m"];
}

export function parseWrk(output: string): WrkResult | undefined {
  const total = /(\d+) requests in ([\d.]+)(ms|s|m),/.exec(output);
  const perSecond = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const p50 = /^\s+50%\s+(\S+)/m.exec(output), p99 = /^\s+99%\s+(\S+)/m.exec(output);
  const max = /^\s+Latency\s+\S+\s+\S+\s+(\S+)/m.exec(output);
  if (!total || !perSecond || !p50 || !p99 || !max) return undefined;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(total[1]),
    seconds: latencyMs(total[2] + total[3]) / 1000,
    perSecond: Number(perSecond[1]),
    p50Ms: latencyMs(p50[1]),
    p99Ms: latencyMs(p99[1]),
    maxMs: latencyMs(max[1]),
    socketErrors: socket ? socket.slice(1).map(Number) : [0, 0, 0, 0],
    badStatus: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
  };
}

export function errorCount(wrk: WrkResult): number {
  return wrk.socketErrors.reduce((a, b) => a + b, 0) + wrk.badStatus;
}

/** The process's user + system CPU time in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    // Past the command's closing parenthesis: state is field 3, utime and stime are fields 14 and 15.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** wrk's command-line words for `connections` (also its threads: wrk-ramp.lua opens one per thread) over `seconds`. */
export function wrkWords(connections: number, seconds: number | string): string {
  return `-t${connections} -c${connections} -d${seconds}s --latency --timeout ${WRK_TIMEOUT_S}s`;
}

/** Runs wrk once for GET `path` on the port; its output, or what went wrong. */
export async function runWrk(port: number, path: string, seconds: number, connections: number): Promise<{ output: string; ended: string | undefined }> {
  const args = [
    ...wrkWords(connections, seconds).split(" "),
    "-s", WRK_SCRIPT, `http://127.0.0.1:${port}${path}`, "--", String(connections), String(RAMP_GAP_MS),
  ];
  const child = start("wrk", "wrk", args, { WRK_RAMP_GAP_MS: String(RAMP_GAP_MS) });
  const timer = setTimeout(() => void child.stop(), seconds * 1000 + WRK_GRACE_MS);
  const { status, signal } = await child.ended.finally(() => clearTimeout(timer));
  const ended = status === 0 ? undefined : `wrk ended with ${status ?? signal}: ${child.stderr().trim()}`;
  return { output: child.stdout(), ended };
}
