/**
 * The driver signatures (hardware.ts) backed by the real platform. Device
 * interrupts reach the event loop from the first attached handler on.
 */
import { hw } from "../hw.ts";
import { loop } from "../process/state.ts";
import type { DmaBuffer, DmaMemory, Interrupts, Mmio, PortIo } from "./hardware.ts";

export const mmio: Mmio = {
  read8: hw.read8,
  read16: hw.read16,
  read32: hw.read32,
  write8: hw.write8,
  write16: hw.write16,
  write32: hw.write32,
};

export const ports: PortIo = {
  in8: hw.in8,
  in16: hw.in16,
  in32: hw.in32,
  out8: hw.out8,
  out16: hw.out16,
  out32: hw.out32,
};

export const dma: DmaMemory = {
  alloc(size: number): DmaBuffer {
    const buffer = hw.dmaAlloc(size);
    return { bytes: new Uint8Array(buffer), view: new DataView(buffer), phys: hw.physAddress(buffer), size: buffer.byteLength };
  },
  free(buffer: DmaBuffer): void {
    hw.dmaFree(buffer.bytes.buffer as ArrayBuffer);
  },
  fence: hw.fence,
};

/** Interrupt vector → what the event loop runs for it (every driver on a shared line). */
const handlers = new Map<number, () => void>();
const lineHandlers = new Map<number, (() => void)[]>();

let polling = false;
/** From the first attached interrupt on, every turn of the loop takes the ones that fired. */
function startPolling(): void {
  if (polling) return;
  polling = true;
  loop.addPoller(() => {
    for (const vector of hw.takeInterrupts()) {
      const handler = handlers.get(vector);
      if (handler) loop.post(handler);
    }
  });
}

export const interrupts: Interrupts = {
  attachLine(line, trigger, handler) {
    startPolling();
    const shared = lineHandlers.get(line);
    if (shared) {
      // A shared line: each driver checks whether its own device interrupted.
      shared.push(handler);
      return;
    }
    const drivers = [handler];
    lineHandlers.set(line, drivers);
    const level = trigger === "level";
    const vector = hw.routeLine(line, level);
    handlers.set(vector, () => {
      try {
        for (const run of drivers) run();
      } finally {
        if (level) hw.unmaskLine(line);
      }
    });
  },
  allocateMessage(handler) {
    startPolling();
    const { address, data, vector } = hw.allocateMessage();
    handlers.set(vector, handler);
    return { address, data };
  },
};

/** Wait, halted, until an interrupt or `deadlineNs` (monotonic): for a synchronous device wait. */
export function idleUntil(deadlineNs: number): void {
  hw.idle(deadlineNs);
}

export function nowNs(): number {
  return hw.now();
}
