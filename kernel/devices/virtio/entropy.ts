/**
 * virtio-rng (virtio 1.2, 5.4): one queue of device-writable buffers the
 * device fills with entropy. Read synchronously, because what consumes it,
 * crypto.getRandomValues, is synchronous: seeding happens once, and reseeds
 * are rare.
 */
import type { EntropySource } from "../../crypto/web-crypto.ts";
import type { DmaMemory } from "../hardware.ts";
import { DmaPool } from "../dma-pool.ts";
import { VirtioDevice, VirtioError } from "./device.ts";
import type { Virtqueue } from "./queue.ts";
import type { VirtioTransport } from "./transport.ts";

const CHUNK = 64;
/** A device that has not answered in this long is not going to. */
const TIMEOUT_NS = 2e9;
/** Re-check between interrupts: an unacknowledged interrupt line raises no new edge. */
const POLL_NS = 5e6;

export interface Waiting {
  /** Halt until an interrupt or the deadline (monotonic ns). */
  idleUntil(deadlineNs: number): void;
  now(): number;
}

export class VirtioEntropy implements EntropySource {
  readonly name: string;
  private readonly device: VirtioDevice;
  private readonly queue: Virtqueue<number>;
  private readonly pool: DmaPool;
  private filled = 0;

  constructor(transport: VirtioTransport, dma: DmaMemory, private readonly waiting: Waiting) {
    this.name = transport.name;
    this.device = new VirtioDevice(transport, dma, { features: 0n });
    this.queue = this.device.createQueue<number>(0, 4, (_slot, written) => {
      this.filled = written;
    });
    this.pool = new DmaPool(dma, CHUNK, 1);
    this.device.start();
  }

  read(count: number): Uint8Array {
    const out = new Uint8Array(count);
    const slot = this.pool.take()!;
    const deadline = this.waiting.now() + TIMEOUT_NS;
    const tooLate = () => {
      if (this.waiting.now() > deadline) throw new VirtioError(`${this.name}: the entropy device gave too little in ${TIMEOUT_NS / 1e9} s`);
    };
    try {
      for (let have = 0; have < count;) {
        tooLate();
        const want = Math.min(CHUNK, count - have);
        this.filled = -1;
        this.queue.submit([], [{ phys: slot.phys, length: want }], slot.index);
        this.queue.kick();
        while (this.filled < 0) {
          this.queue.takeUsed((_slot, written) => (this.filled = written));
          if (this.filled >= 0) break;
          tooLate();
          this.waiting.idleUntil(Math.min(deadline, this.waiting.now() + POLL_NS));
        }
        const got = Math.min(this.filled, want);
        out.set(slot.bytes.subarray(0, got), have);
        have += got;
      }
    } finally {
      this.pool.give(slot);
    }
    return out;
  }
}
