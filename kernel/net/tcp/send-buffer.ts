/**
 * What the application wrote and the peer has not acknowledged, in a ring
 * that grows as the memory budget allows: bytes from SND.UNA on. Segments are
 * copied straight out of it into frames, and acknowledged bytes are dropped
 * from the front.
 */
import { ByteRing } from "./byte-ring.ts";
import type { MemoryBudget } from "./memory-budget.ts";
import { seqAdd, seqDiff } from "./sequence.ts";

export class SendBuffer {
  private readonly ring: ByteRing;
  private length = 0; // bytes from the ring's start, which holds SND.UNA's byte

  /** @param una the first sequence number the buffer's bytes will carry */
  constructor(private una: number, capacity: number, budget: MemoryBudget) {
    this.ring = new ByteRing(capacity, budget);
  }

  /** SND.UNA: the oldest unacknowledged sequence number. */
  get unacknowledged(): number {
    return this.una;
  }

  /** Bytes held (sent or not). */
  get buffered(): number {
    return this.length;
  }

  get free(): number {
    return Math.max(this.ring.reachable - this.length, 0);
  }

  /** Take as much of `data` as fits; returns how many bytes were taken. */
  write(data: Uint8Array): number {
    const capacity = this.ring.reserve(this.length + Math.min(data.length, this.free), this.length);
    const n = Math.min(data.length, capacity - this.length);
    if (n <= 0) return 0;
    this.ring.write(this.length, n === data.length ? data : data.subarray(0, n));
    this.length += n;
    return n;
  }

  /** Copy `length` bytes starting at sequence `seq` into `target` at `at`. */
  copyOut(seq: number, target: Uint8Array, at: number, length: number): void {
    const offset = seqDiff(seq, this.una);
    if (offset < 0 || offset + length > this.length) throw new RangeError(`bytes ${offset}..${offset + length} are not in the send buffer (${this.length} held)`);
    this.ring.copyOut(offset, target, at, length);
  }

  /** The peer acknowledged everything before `ack`; returns how many bytes that freed (0 for an old or impossible ACK). */
  acknowledge(ack: number): number {
    const n = seqDiff(ack, this.una);
    if (n <= 0 || n > this.length) return 0;
    this.ring.drop(n);
    this.length -= n;
    this.una = seqAdd(this.una, n);
    if (this.length === 0) this.ring.release();
    return n;
  }

  /** The connection ended: what was not acknowledged will never be sent; give the ring back. */
  close(): void {
    this.length = 0;
    this.ring.release(true);
  }

  /** The SYN or FIN took a sequence number without a byte in the buffer. */
  advancePastControl(): void {
    this.una = seqAdd(this.una, 1);
  }
}
