/** Virtual time for network tests: timers fire when the test runs the clock, instantly in real time. */
import type { NetHost } from "../../kernel/net/host.ts";

export class VirtualClock {
  now = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  private seed: number;

  constructor(seed = 12345) {
    this.seed = seed;
  }

  random = (): number => ((this.seed = (this.seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

  host(): NetHost {
    return {
      nowMs: () => this.now,
      setTimer: (fn, ms) => this.at(this.now + Math.max(0, ms), fn),
      clearTimer: (handle) => void this.timers.delete(handle as number),
      random: this.random,
      log: () => {},
    };
  }

  at(time: number, fn: () => void): number {
    const id = this.nextId++;
    this.timers.set(id, { at: time, fn });
    return id;
  }

  /** Run microtasks and timers until `done()` or virtual time passes `limitMs`. */
  async run(done: () => boolean, limitMs = 600_000): Promise<void> {
    for (;;) {
      for (let i = 0; i < 50; i++) await Promise.resolve();
      if (done()) return;
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > limitMs) return;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
  }
}
