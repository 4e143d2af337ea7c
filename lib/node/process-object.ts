/**
 * Node's `process`, made from what a host gives (the VM's console, clock,
 * arguments, environment and exit): separate from the binding to Toro's
 * runtime (process.ts) so that Node can test it with a host of its own.
 */
import { EventEmitter } from "./events.ts";

/** What the process object reads from the machine it runs on. */
export interface ProcessHost {
  /** The service's arguments (the words after `--` on `toro run`). */
  argv: string[];
  env: Record<string, string>;
  exit(code: number): never;
  /** Milliseconds since the boot, fractional. */
  now(): number;
  /** Text to the console, as it is: no newline added. */
  write(text: string): void;
  memory(): { totalBytes: number; freeBytes: number; heapBytes: number };
  /** Milliseconds the core ran code since the boot. */
  busyMs(): number;
}

/** What `process.stdout` and `process.stderr` have: text or bytes written as they are. */
export interface WriteStream {
  readonly fd: number;
  readonly isTTY: false;
  write(chunk: string | Uint8Array, encoding?: string | (() => void), callback?: () => void): boolean;
}

/** The Node version whose API Toro's node: modules follow; packages test `process.version` for features. */
export const NODE_VERSION = "20.0.0";

const NS_PER_MS = 1e6;

/** `process.hrtime()`: [seconds, nanoseconds] since an arbitrary moment, or since `previous`. */
function hrtimeFrom(now: () => number) {
  const bigint = () => BigInt(Math.round(now() * NS_PER_MS));
  const hrtime = (previous?: [number, number]): [number, number] => {
    let ns = bigint();
    if (previous) ns -= BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]);
    return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  };
  return Object.assign(hrtime, { bigint });
}

function writeStream(fd: number, write: (text: string) => void): WriteStream {
  const decoder = new TextDecoder();
  return {
    fd,
    isTTY: false,
    write(chunk, encoding, callback) {
      write(typeof chunk === "string" ? chunk : decoder.decode(chunk));
      const done = typeof encoding === "function" ? encoding : callback;
      if (done) queueMicrotask(done);
      return true;
    },
  };
}

/** A Node-like process over `host`: an EventEmitter whose events ('exit', 'uncaughtException'…) Toro never emits itself. */
export function createProcess(host: ProcessHost) {
  const execPath = "/toro";
  const startedMs = host.now();
  const warnings = (warning: string | Error, type?: string | { type?: string; code?: string }, code?: string) => {
    const options = typeof type === "object" ? type : { type, code };
    const error = typeof warning === "string" ? Object.assign(new Error(warning), { name: options.type ?? "Warning" }) : warning;
    if (options.code) Object.assign(error, { code: options.code });
    host.write(`${options.code ? `[${options.code}] ` : ""}${error.name}: ${error.message}\n`);
    process.emit("warning", error);
  };
  const memoryUsage = () => {
    const memory = host.memory();
    const used = memory.totalBytes - memory.freeBytes;
    return { rss: used, heapTotal: used, heapUsed: memory.heapBytes, external: 0, arrayBuffers: 0 };
  };
  const process = Object.assign(new EventEmitter(), {
    title: "toro",
    argv0: "toro",
    execPath,
    argv: [execPath, "/service", ...host.argv],
    execArgv: [] as string[],
    env: host.env,
    /** Linux, as Workers' nodejs_compat says: packages only tell win32 and darwin apart from the POSIX rest. */
    platform: "linux" as const,
    arch: "x64" as const,
    pid: 1,
    ppid: 0,
    version: `v${NODE_VERSION}`,
    versions: { node: NODE_VERSION } as Record<string, string>,
    release: { name: "node" },
    stdout: writeStream(1, host.write),
    stderr: writeStream(2, host.write),
    cwd: () => "/",
    exit: (code = 0): never => host.exit(code),
    /** A microtask: Toro has no tick queue ahead of promise jobs (as on Workers). */
    nextTick: (callback: (...args: any[]) => void, ...args: unknown[]): void => {
      if (typeof callback !== "function") throw new TypeError('The "callback" argument must be of type function');
      queueMicrotask(() => callback(...args));
    },
    hrtime: hrtimeFrom(host.now),
    uptime: () => (host.now() - startedMs) / 1000,
    memoryUsage: Object.assign(memoryUsage, { rss: () => memoryUsage().rss }),
    /** Microseconds; all of the core's busy time is `user`, as the guest has no system calls. */
    cpuUsage: (previous?: { user: number; system: number }) => {
      const user = Math.round(host.busyMs() * 1000);
      return previous ? { user: user - previous.user, system: 0 } : { user, system: 0 };
    },
    emitWarning: warnings,
  });
  return process;
}

export type Process = ReturnType<typeof createProcess>;
