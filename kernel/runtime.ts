/**
 * The runtime API a service imports as `"toro"`:
 *
 *     import { argv, env, exit } from "toro";
 */
import { hw } from "./hw.ts";
import { exitHooks } from "./process/exit-hooks.ts";
import { bootParameters } from "./process/state.ts";

/** Exit codes 124-127 belong to the runtime (timeout, CPU fault, no exit code). */
export const MAX_EXIT_CODE = 123;

/** The service's arguments: the words after `--` on `toro run`. */
export const argv: string[] = bootParameters.argv;

/** The service's environment: each `--env KEY=VALUE` on `toro run`. */
export const env: Record<string, string> = bootParameters.env;

/**
 * End the service, and the VM, with an exit code from 0 to 123. The units'
 * exit hooks run first (the filesystem writes back what it caches).
 */
export function exit(code = 0): never {
  if (!Number.isInteger(code) || code < 0 || code > MAX_EXIT_CODE) {
    throw new RangeError(`exit code must be an integer from 0 to ${MAX_EXIT_CODE}, got ${String(code)}`);
  }
  exitHooks.runExitHooks((error) => hw.write(`toro: an exit hook failed: ${error instanceof Error ? error.message : String(error)}\n`));
  return hw.exit(code);
}

export interface MemoryUsage {
  /** RAM the kernel manages, in bytes. */
  totalBytes: number;
  /** RAM not yet handed out. */
  freeBytes: number;
  /** Bytes allocated by malloc on this core, the JavaScript heap included. */
  heapBytes: number;
}

export function memoryUsage(): MemoryUsage {
  const m = hw.memory();
  return { totalBytes: m.pagesTotal * m.pageSize, freeBytes: m.pagesFree * m.pageSize, heapBytes: m.heapBytes };
}

export interface CpuUsage {
  /** Milliseconds this core ran code (the kernel's and the service's) since the boot. */
  busyMs: number;
  /** Milliseconds it was halted with nothing to do. */
  idleMs: number;
}

/**
 * Where the core's time went since the boot, as Node's process.cpuUsage()
 * tells a process: take two readings and subtract to see what a piece of
 * work cost, or how busy the service is.
 */
export function cpuUsage(): CpuUsage {
  const idleMs = hw.idleTime() / 1e6;
  return { busyMs: hw.now() / 1e6 - idleMs, idleMs };
}

/** The boot timeline: milliseconds from the VM's first instruction to each named point. */
export function bootTimeline(): { name: string; ms: number }[] {
  return hw.marks().map(([name, ns]) => ({ name, ms: ns / 1e6 }));
}
