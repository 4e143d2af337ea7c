/**
 * Fixed-size DMA slots carved from one allocation, for buffers a driver
 * hands to its device over and over (receive buffers, request headers).
 * Taking and giving back a slot allocates nothing.
 */
import type { DmaBuffer, DmaMemory } from "./hardware.ts";

export interface DmaSlot {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly phys: number;
}

export class DmaPool {
  private readonly region: DmaBuffer;
  private readonly slots: DmaSlot[] = [];
  private readonly free: number[] = [];
  private readonly inUse: Uint8Array;

  constructor(private readonly dma: DmaMemory, readonly slotSize: number, readonly count: number) {
    if (!(slotSize > 0 && count > 0)) throw new RangeError("a DMA pool needs a positive slot size and count");
    this.region = dma.alloc(slotSize * count);
    this.inUse = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      this.slots.push({ index: i, bytes: this.region.bytes.subarray(i * slotSize, (i + 1) * slotSize), phys: this.region.phys + i * slotSize });
      this.free.push(count - 1 - i);
    }
  }

  get available(): number {
    return this.free.length;
  }

  /** A free slot, or undefined when all are in use. */
  take(): DmaSlot | undefined {
    const i = this.free.pop();
    if (i === undefined) return undefined;
    this.inUse[i] = 1;
    return this.slots[i];
  }

  give(slot: DmaSlot): void {
    if (this.slots[slot.index] !== slot) throw new Error("this slot belongs to another pool");
    if (!this.inUse[slot.index]) throw new Error(`DMA slot ${slot.index} given back twice`);
    this.inUse[slot.index] = 0;
    this.free.push(slot.index);
  }

  /** Free the whole region; every slot must be back. */
  destroy(): void {
    if (this.free.length !== this.count) throw new Error(`${this.count - this.free.length} DMA slots are still in use`);
    this.dma.free(this.region);
  }
}
