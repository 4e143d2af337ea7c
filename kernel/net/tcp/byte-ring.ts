/**
 * The storage under a TCP send or receive buffer: a ring of bytes that
 * starts empty and doubles as data needs room, up to a most, drawing on a
 * MemoryBudget. A hundred idle connections then cost a few KiB each, not
 * the 256 KiB their windows allow.
 */
import type { MemoryBudget } from "./memory-budget.ts";

const FIRST_CAPACITY = 2048;
const EMPTY = new Uint8Array(0);

export class ByteRing {
  private bytes = EMPTY;
  private start = 0;

  constructor(readonly maxCapacity: number, private readonly budget: MemoryBudget) {}

  get capacity(): number {
    return this.bytes.length;
  }

  /** The most this ring could hold now: its capacity, plus what the budget would let it grow by. */
  get reachable(): number {
    return Math.min(this.maxCapacity, this.capacity + this.budget.available);
  }

  /**
   * Make room for `needed` bytes from the start, keeping the first `live`;
   * returns the capacity reached, which is less than `needed` when the most
   * or the budget stop it.
   */
  reserve(needed: number, live: number): number {
    if (needed <= this.capacity) return this.capacity;
    let size = Math.max(this.capacity * 2, FIRST_CAPACITY);
    while (size < needed) size *= 2;
    size = Math.min(size, this.maxCapacity);
    if (size <= this.capacity) return this.capacity;
    if (!this.budget.take(size - this.capacity)) {
      size = Math.min(needed, this.capacity + this.budget.available);
      if (size <= this.capacity || !this.budget.take(size - this.capacity)) return this.capacity;
    }
    const grown = new Uint8Array(size);
    this.copyOut(0, grown, 0, live);
    this.bytes = grown;
    this.start = 0;
    return size;
  }

  /** Write `data` at `offset` bytes from the start (within the capacity). */
  write(offset: number, data: Uint8Array): void {
    const bytes = this.bytes;
    const at = (this.start + offset) % bytes.length;
    const first = bytes.length - at;
    // Most writes do not wrap: one copy, without the two views a split takes.
    if (data.length <= first) return bytes.set(data, at);
    bytes.set(data.subarray(0, first), at);
    bytes.set(data.subarray(first), 0);
  }

  /** Copy `length` bytes from `offset` bytes after the start into `target` at `at`. */
  copyOut(offset: number, target: Uint8Array, at: number, length: number): void {
    if (length === 0) return;
    const bytes = this.bytes;
    const from = (this.start + offset) % bytes.length;
    const first = bytes.length - from;
    if (length <= first) return target.set(bytes.subarray(from, from + length), at);
    target.set(bytes.subarray(from), at);
    target.set(bytes.subarray(0, length - first), at + first);
  }

  /** The first `count` bytes are done with. */
  drop(count: number): void {
    if (this.bytes.length > 0) this.start = (this.start + count) % this.bytes.length;
  }

  /** Give the storage back while nothing is held in it, if the budget runs short (or always, at the end). */
  release(always = false): void {
    if (this.bytes.length === 0 || (!always && !this.budget.underPressure)) return;
    this.budget.give(this.bytes.length);
    this.bytes = EMPTY;
    this.start = 0;
  }
}
