/**
 * What the application wrote and the peer has not acknowledged, in a ring:
 * bytes from SND.UNA on. Segments are copied straight out of it into frames,
 * and acknowledged bytes are dropped from the front.
 */
import { seqAdd, seqDiff } from "./sequence.ts";

export class SendBuffer {
  private readonly ring: Uint8Array;
  private start = 0; // ring index of SND.UNA's byte
  private length = 0;

  /** @param una the first sequence number the buffer's bytes will carry */
  constructor(private una: number, capacity: number) {
    this.ring = new Uint8Array(capacity);
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
    return this.ring.length - this.length;
  }

  /** Take as much of `data` as fits; returns how many bytes were taken. */
  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.free);
    const end = (this.start + this.length) % this.ring.length;
    const first = Math.min(n, this.ring.length - end);
    this.ring.set(data.subarray(0, first), end);
    this.ring.set(data.subarray(first, n), 0);
    this.length += n;
    return n;
  }

  /** Copy `length` bytes starting at sequence `seq` into `target` at `at`. */
  copyOut(seq: number, target: Uint8Array, at: number, length: number): void {
    const offset = seqDiff(seq, this.una);
    if (offset < 0 || offset + length > this.length) throw new RangeError(`bytes ${offset}..${offset + length} are not in the send buffer (${this.length} held)`);
    const from = (this.start + offset) % this.ring.length;
    const first = Math.min(length, this.ring.length - from);
    target.set(this.ring.subarray(from, from + first), at);
    target.set(this.ring.subarray(0, length - first), at + first);
  }

  /** The peer acknowledged everything before `ack`; returns how many bytes that freed (0 for an old or impossible ACK). */
  acknowledge(ack: number): number {
    const n = seqDiff(ack, this.una);
    if (n <= 0 || n > this.length) return 0;
    this.start = (this.start + n) % this.ring.length;
    this.length -= n;
    this.una = seqAdd(this.una, n);
    return n;
  }

  /** The SYN or FIN took a sequence number without a byte in the buffer. */
  advancePastControl(): void {
    this.una = seqAdd(this.una, 1);
  }
}
