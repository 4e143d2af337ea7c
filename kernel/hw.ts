/**
 * The hardware interface: the only door from TypeScript to the platform.
 * The platform's JavaScript host (platform/js/host.c) installs it as the
 * global `__toro_hw`; this module takes it and removes the global, so the
 * kernel units reach the hardware through here and services do not.
 */

export interface MemoryInfo {
  pageSize: number;
  pagesTotal: number;
  pagesFree: number;
  /** Bytes handed out by the core's malloc (JavaScript heap included). */
  heapBytes: number;
}

export type UncaughtKind = "error" | "rejection";

export interface Hardware {
  /** Console bytes: a string is written as UTF-8. */
  write(data: string | ArrayBuffer): void;
  /** Monotonic nanoseconds since the first instruction of the boot. */
  now(): number;
  /** End the VM with this exit code (0-127). */
  exit(code: number): never;
  /** The kernel command line the hypervisor passed. */
  cmdline(): string;
  /** Record a named point of the boot timeline. */
  mark(name: string): void;
  /** The boot timeline: [name, ns since boot]. */
  marks(): [string, number][];
  /** The table that maps bundle lines to TypeScript lines (see source-lines.ts). */
  lineMap(): ArrayBuffer;
  memory(): MemoryInfo;
  /**
   * Hand the host the event loop: after draining microtasks it calls `turn`,
   * and sleeps until the deadline `turn` returns (see event-loop.ts for the
   * values besides deadlines); `uncaught` reports an
   * error nobody caught before the host ends the VM.
   */
  setLoop(turn: () => number, uncaught: (error: unknown, kind: UncaughtKind) => void): void;
}

function take(): Hardware {
  const g = globalThis as { __toro_hw?: Hardware };
  const hw = g.__toro_hw;
  if (!hw) throw new Error("toro: no hardware interface; this module runs only inside a Toro image");
  delete g.__toro_hw;
  return hw;
}

export const hw: Hardware = take();
