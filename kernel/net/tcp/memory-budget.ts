/**
 * The memory all TCP buffers of a stack may hold together, as Linux's
 * tcp_mem: buffers grow by taking from it and give back when they shrink or
 * their connection ends. Whatever peers send, or however many connect, the
 * buffers stay within it; a buffer that cannot grow takes less (segments are
 * dropped and retransmitted later, windows shrink) instead of running the
 * guest out of memory.
 */
export class MemoryBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Bytes still free. */
  get available(): number {
    return this.limit - this.used;
  }

  /** Below an eighth left: buffers give back what they do not hold data in. */
  get underPressure(): boolean {
    return this.available < this.limit / 8;
  }

  /** Take `bytes` if that fits; false (and nothing taken) otherwise. */
  take(bytes: number): boolean {
    if (bytes > this.available) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
