/**
 * A simulated machine for driver tests in Node: physical memory that hands
 * out DMA buffers at fake addresses and lets device models reach them by
 * address, a register bus that routes MMIO to device models, and interrupt
 * lines the test delivers when the event loop would.
 */
import type { DmaBuffer, DmaMemory, Interrupts, MessageInterrupt, Mmio } from "../../kernel/devices/hardware.ts";

const PAGE_SIZE = 4096;
/** Where the first buffer goes; an unmapped page follows each buffer so overruns are caught. */
export const SIMULATED_MEMORY_START = 0x10000000;

function hex(value: number): string {
  return "0x" + value.toString(16);
}

export class SimulatedMemory implements DmaMemory {
  /** Live buffers in address order (addresses only grow). */
  private readonly buffers: DmaBuffer[] = [];
  private nextPhys: number;

  /** Memory whose first buffer is at physical `start` (page-aligned). */
  constructor(start = SIMULATED_MEMORY_START) {
    if (start % PAGE_SIZE) throw new RangeError(`simulated memory must start on a page boundary, not ${hex(start)}`);
    this.nextPhys = start;
  }

  /** Buffers allocated and not freed. */
  get liveBuffers(): number {
    return this.buffers.length;
  }

  alloc(size: number): DmaBuffer {
    if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`cannot allocate ${size} bytes of DMA memory`);
    const bytes = new Uint8Array(size);
    const buffer: DmaBuffer = { bytes, view: new DataView(bytes.buffer), phys: this.nextPhys, size };
    this.nextPhys += (Math.ceil(size / PAGE_SIZE) + 1) * PAGE_SIZE;
    this.buffers.push(buffer);
    return buffer;
  }

  free(buffer: DmaBuffer): void {
    const index = this.buffers.indexOf(buffer);
    if (index < 0) throw new Error(`DMA buffer at ${hex(buffer.phys)} freed twice or never allocated`);
    this.buffers.splice(index, 1);
  }

  /** Counts the barriers, so tests can check the queue orders its index writes and reads. */
  fences = 0;
  fence(): void {
    this.fences++;
  }

  /** The live bytes at physical `phys`..`phys + length`; throws if any of them is not in one live buffer. */
  bytes(phys: number, length: number): Uint8Array {
    for (const buffer of this.buffers) {
      if (phys >= buffer.phys && phys + length <= buffer.phys + buffer.size) {
        return buffer.bytes.subarray(phys - buffer.phys, phys - buffer.phys + length);
      }
    }
    throw new RangeError(`unmapped physical memory: ${length} bytes at ${hex(phys)}`);
  }

  /** A little-endian view of the same range, for device models reading rings. */
  view(phys: number, length: number): DataView {
    const bytes = this.bytes(phys, length);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** What a device model implements to sit on the simulated register bus; offsets are from its base. */
export interface MmioDeviceModel {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): void;
}

interface MmioWindow {
  base: number;
  size: number;
  model: MmioDeviceModel;
}

export class SimulatedMmio implements Mmio {
  private readonly windows: MmioWindow[] = [];

  /** Route accesses to `base`..`base + size` to `model`. */
  map(base: number, size: number, model: MmioDeviceModel): void {
    for (const window of this.windows) {
      if (base < window.base + window.size && window.base < base + size) throw new Error(`MMIO window at ${hex(base)} overlaps the one at ${hex(window.base)}`);
    }
    this.windows.push({ base, size, model });
  }

  read8(address: number): number {
    const window = this.find(address, 1);
    return window.model.read(address - window.base, 1);
  }
  read16(address: number): number {
    const window = this.find(address, 2);
    return window.model.read(address - window.base, 2);
  }
  read32(address: number): number {
    const window = this.find(address, 4);
    return window.model.read(address - window.base, 4);
  }
  write8(address: number, value: number): void {
    const window = this.find(address, 1);
    window.model.write(address - window.base, 1, value);
  }
  write16(address: number, value: number): void {
    const window = this.find(address, 2);
    window.model.write(address - window.base, 2, value);
  }
  write32(address: number, value: number): void {
    const window = this.find(address, 4);
    window.model.write(address - window.base, 4, value);
  }

  private find(address: number, width: number): MmioWindow {
    for (const window of this.windows) {
      if (address >= window.base && address + width <= window.base + window.size) return window;
    }
    throw new RangeError(`no device at MMIO address ${hex(address)} (${width}-byte access)`);
  }
}

interface Attachment {
  trigger: "edge" | "level";
  handler: () => void;
}

/** A handler that keeps re-raising its own line this many times in one delivery is stuck. */
const DELIVERY_LIMIT = 1000;

export class SimulatedInterrupts implements Interrupts {
  /** Attached lines, by line number. */
  readonly lines = new Map<number, Attachment>();
  /** Allocated message interrupts, by their data word. */
  readonly messages = new Map<number, () => void>();
  private readonly pending = new Set<number>();
  private nextMessageData = 0x30;

  attachLine(line: number, trigger: "edge" | "level", handler: () => void): void {
    if (this.lines.has(line)) throw new Error(`interrupt line ${line} is attached twice`);
    this.lines.set(line, { trigger, handler });
  }

  allocateMessage(handler: () => void): MessageInterrupt {
    const data = this.nextMessageData++;
    this.messages.set(data, handler);
    return { address: 0xfee00000, data };
  }

  /** A device signals `line`: its handler runs at the next deliver(), as the event loop would run it later. */
  raise(line: number): void {
    this.pending.add(line);
  }

  /** Whether `line` was raised and not delivered yet. */
  isPending(line: number): boolean {
    return this.pending.has(line);
  }

  /** Run the handlers of raised lines, including lines raised meanwhile; returns how many ran. */
  deliver(): number {
    let ran = 0;
    while (this.pending.size > 0) {
      if (ran >= DELIVERY_LIMIT) throw new Error(`interrupts kept coming: ${ran} deliveries without rest`);
      const [line] = this.pending;
      this.pending.delete(line);
      this.fire(line);
      ran++;
    }
    return ran;
  }

  /** Run `line`'s handler now. */
  fire(line: number): void {
    const attachment = this.lines.get(line);
    if (!attachment) throw new Error(`interrupt line ${line} fired with no handler attached`);
    attachment.handler();
  }
}
