/**
 * The small hardware signatures drivers are written against. In the image
 * they are backed by the platform (kernel/devices/platform.ts); in Node tests
 * by simulated devices (test/sim/). Addresses are physical: the platform
 * identity-maps memory and device registers.
 */

/** Exact-width access to memory-mapped device registers. */
export interface Mmio {
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  write8(address: number, value: number): void;
  write16(address: number, value: number): void;
  write32(address: number, value: number): void;
}

/** Exact-width x86 port I/O. */
export interface PortIo {
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;
}

/** Memory a device can reach: physically contiguous, page-aligned, zeroed when allocated, never moved. */
export interface DmaBuffer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Physical address of bytes[0]. */
  readonly phys: number;
  readonly size: number;
}

export interface DmaMemory {
  alloc(size: number): DmaBuffer;
  /** Give the memory back; the buffer must not be used (nor be in a device's hands) after. */
  free(buffer: DmaBuffer): void;
  /**
   * Order this core's earlier writes to shared memory before its later reads
   * (a full barrier: x86 lets a load pass an earlier store). Needed where the
   * driver publishes an index and then reads the device's (virtio's mb()).
   */
  fence(): void;
}

/** A message-signalled interrupt: what to write in an MSI-X table entry. */
export interface MessageInterrupt {
  address: number;
  data: number;
}

export interface Interrupts {
  /**
   * Route a legacy interrupt line (an I/O APIC input) to `handler`, which the
   * event loop calls after the interrupt arrives. A level-triggered line stays
   * masked until the handler returns, so the handler must quiet the device.
   */
  attachLine(line: number, trigger: "edge" | "level", handler: () => void): void;
  /** A message-signalled interrupt (MSI-X) delivered to `handler` on this core. */
  allocateMessage(handler: () => void): MessageInterrupt;
}

/**
 * What keeps the service alive while a driver waits on its device: without
 * it the event loop, seeing no timers, would end the service mid-request.
 */
export interface KeepAlive {
  retain(): void;
  release(): void;
}
