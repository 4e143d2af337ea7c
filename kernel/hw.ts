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
  /**
   * The assets archive embedded in the image (kernel/fs/assets/archive.ts):
   * a view of the image's memory, not a copy; empty when the image has none.
   */
  assets(): ArrayBuffer;
  memory(): MemoryInfo;
  /** Nanoseconds this core has spent halted, waiting for work, since the boot. */
  idleTime(): number;
  /**
   * Hand the host the event loop: after draining microtasks it calls `turn`,
   * and sleeps until the deadline `turn` returns (see event-loop.ts for the
   * values besides deadlines); `uncaught` reports an
   * error nobody caught before the host ends the VM.
   */
  setLoop(turn: () => number, uncaught: (error: unknown, kind: UncaughtKind) => void): void;

  /** Port I/O at exact widths. */
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;
  /** Memory-mapped registers at exact widths (physical addresses; memory is identity-mapped). */
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;

  /** Whole zeroed pages, physically contiguous, never moved. */
  dmaAlloc(bytes: number): ArrayBuffer;
  /** Detach the buffer and return its pages now. */
  dmaFree(buffer: ArrayBuffer): void;
  physAddress(buffer: ArrayBuffer): number;
  /** A full memory barrier (mfence). */
  fence(): void;
  /** The Internet checksum's ones'-complement sum of buffer[offset, offset + length), plus `initial`, folded to 16 bits. */
  checksum(buffer: ArrayBuffer, offset: number, length: number, initial: number): number;
  /** A string's UTF-8 bytes, lone surrogates replaced by U+FFFD. */
  utf8Encode(text: string): ArrayBuffer;
  /** buffer[offset, offset + length) as a string if it is well-formed UTF-8, else undefined. */
  utf8Decode(buffer: ArrayBuffer, offset: number, length: number): string | undefined;

  /** Route an I/O APIC input to this core; returns its vector. */
  routeLine(line: number, levelTriggered: boolean): number;
  /** A level-triggered line is masked when it fires; unmask it once the device is quiet. */
  unmaskLine(line: number): void;
  /** A vector for a message-signalled interrupt, and the address/data that raise it. */
  allocateMessage(): { address: number; data: number; vector: number };
  /** The device vectors that fired since the last call. */
  takeInterrupts(): number[];
  /** Halt until an interrupt arrives or the monotonic clock reaches `deadlineNs`, for the rare synchronous wait on a device. */
  idle(deadlineNs: number): void;
}

function take(): Hardware {
  const g = globalThis as { __toro_hw?: Hardware };
  const hw = g.__toro_hw;
  if (!hw) throw new Error("toro: no hardware interface; this module runs only inside a Toro image");
  delete g.__toro_hw;
  return hw;
}

export const hw: Hardware = take();
