/**
 * The driver signatures (hardware.ts) backed by the real platform. Importing
 * this module hooks device interrupts into the event loop, so images whose
 * service uses no device do not carry it.
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
};

/** Interrupt vector → what the event loop runs for it. */
const handlers = new Map<number, () => void>();

export const interrupts: Interrupts = {
  attachLine(line, trigger, handler) {
    const level = trigger === "level";
    const vector = hw.routeLine(line, level);
    handlers.set(vector, level ? () => {
      try {
        handler();
      } finally {
        hw.unmaskLine(line);
      }
    } : handler);
  },
  allocateMessage(handler) {
    const { address, data, vector } = hw.allocateMessage();
    handlers.set(vector, handler);
    return { address, data };
  },
};

loop.addPoller(() => {
  for (const vector of hw.takeInterrupts()) {
    const handler = handlers.get(vector);
    if (handler) loop.post(handler);
  }
});
