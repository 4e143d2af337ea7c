/**
 * Received bytes on their way to the application, in a ring that grows up to
 * the largest window we advertise (as the memory budget allows; the window
 * says only what the budget could still hold). A segment that arrives early is written into
 * the ring at its place right away; the filled ranges ahead of RCV.NXT are
 * tracked (a bounded number of them), and when the gap before them fills,
 * RCV.NXT jumps past them. Duplicates and overlaps cost nothing extra.
 */
import { ByteRing } from "./byte-ring.ts";
import type { MemoryBudget } from "./memory-budget.ts";
import { seqAdd, seqDiff } from "./sequence.ts";

/** Out-of-order ranges kept at most: a peer sending scattered bytes cannot make us track more. */
const MAX_RANGES = 32;

export class ReceiveBuffer {
  private readonly ring: ByteRing;
  private readable = 0; // in-order bytes not yet read, from the ring's start
  private closed = false;
  /** Out-of-order ranges as offsets from RCV.NXT, sorted, disjoint, not touching. */
  private ranges: [number, number][] = [];

  /** @param nxt RCV.NXT: the next sequence number expected */
  constructor(private nxt: number, capacity: number, budget: MemoryBudget) {
    this.ring = new ByteRing(capacity, budget);
  }

  get nextExpected(): number {
    return this.nxt;
  }

  /** In-order bytes waiting for the application. */
  get available(): number {
    return this.readable;
  }

  /** The receive window: room beyond what is unread. */
  get window(): number {
    return Math.max(this.ring.reachable - this.readable, 0);
  }

  get hasOutOfOrder(): boolean {
    return this.ranges.length > 0;
  }

  /** Ranges held beyond a gap, as [start, end) sequence numbers: for SACK blocks. */
  outOfOrder(): [number, number][] {
    return this.ranges.map(([a, b]) => [seqAdd(this.nxt, a), seqAdd(this.nxt, b)]);
  }

  /**
   * Take a segment's payload that starts at `seq`: the part inside the window
   * is kept. Returns how many bytes became readable (RCV.NXT moved by that).
   */
  offer(seq: number, data: Uint8Array): number {
    let offset = seqDiff(seq, this.nxt);
    let bytes = data;
    if (offset < 0) {
      if (-offset >= bytes.length) return 0; // all old
      bytes = bytes.subarray(-offset);
      offset = 0;
    }
    const room = this.window;
    if (offset >= room) return 0;
    if (offset + bytes.length > room) bytes = bytes.subarray(0, room - offset);
    // Room for it, keeping what is unread and what came early.
    const held = this.readable + (this.ranges.length > 0 ? this.ranges[this.ranges.length - 1][1] : 0);
    const capacity = this.ring.reserve(this.readable + offset + bytes.length, held);
    if (this.readable + offset + bytes.length > capacity) bytes = bytes.subarray(0, Math.max(capacity - this.readable - offset, 0));
    if (bytes.length === 0) return 0;
    if (offset > 0 && !this.addRange(offset, offset + bytes.length)) return 0;
    this.ring.write(this.readable + offset, bytes);
    if (offset > 0) return 0;

    // The gap before the first range may now be closed: advance through it.
    let advance = bytes.length;
    while (this.ranges.length > 0 && this.ranges[0][0] <= advance) advance = Math.max(advance, this.ranges.shift()![1]);
    if (this.ranges.length > 0) this.ranges = this.ranges.map(([a, b]) => [a - advance, b - advance]);
    this.readable += advance;
    this.nxt = seqAdd(this.nxt, advance);
    return advance;
  }

  /** Copy up to `target.length` readable bytes into `target`; returns the count. */
  read(target: Uint8Array): number {
    const n = Math.min(target.length, this.readable);
    this.ring.copyOut(0, target, 0, n);
    this.ring.drop(n);
    this.readable -= n;
    if (this.readable === 0 && this.ranges.length === 0) this.ring.release(this.closed);
    return n;
  }

  /** The connection ended: the ring goes back to the budget once the application has read what it holds. */
  close(): void {
    this.closed = true;
    this.ranges = [];
    if (this.readable === 0) this.ring.release(true);
  }

  /** The FIN took a sequence number. */
  advancePastControl(): void {
    this.nxt = seqAdd(this.nxt, 1);
  }

  /** Merge [a, b) into the ranges; false (and nothing kept) if that would exceed MAX_RANGES. */
  private addRange(a: number, b: number): boolean {
    const merged: [number, number][] = [];
    let placed = false;
    for (const [x, y] of this.ranges) {
      if (y < a) merged.push([x, y]);
      else if (b < x) {
        if (!placed) merged.push([a, b]), (placed = true);
        merged.push([x, y]);
      } else {
        a = Math.min(a, x);
        b = Math.max(b, y);
      }
    }
    if (!placed) merged.push([a, b]);
    if (merged.length > MAX_RANGES) return false;
    this.ranges = merged;
    return true;
  }
}
