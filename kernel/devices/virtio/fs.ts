/**
 * virtio-fs (virtio 1.2, 5.11, device type 26) as a FuseDevice: a transport
 * for FUSE messages to a file system the host exports under a tag. The
 * config names the tag and the number of request queues; queue 0 is the
 * high-priority queue (requests with no reply: FORGET), queue 1 the first
 * request queue, the one this driver uses. A request's bytes are
 * device-readable and its reply's device-writable, both in one DMA slot, so
 * callers' arrays never need to be DMA memory. Requests beyond the slots
 * wait their turn; those made in one event-loop turn share one notification.
 */
import { utf8Decode } from "../../process/text-encoding.ts";
import { DmaPool, type DmaSlot } from "../dma-pool.ts";
import type { FuseDevice } from "../fuse-device.ts";
import type { DmaMemory, KeepAlive } from "../hardware.ts";
import { VirtioDevice, VirtioError } from "./device.ts";
import type { Virtqueue } from "./queue.ts";
import type { VirtioTransport } from "./transport.ts";

/** Config (5.11.4): tag, 36 bytes of UTF-8 padded with NULs; num_request_queues, le32. */
const TAG_BYTES = 36;
const NUM_REQUEST_QUEUES = 36;
const HIPRIO_QUEUE = 0;
const REQUEST_QUEUE = 1;
/** A slot holds a request and its reply: 64 KiB of file data and the headers around it. */
const SLOT_BYTES = 68 * 1024;
const SLOTS = 8;
/** FORGETs are small; a batch of them fills at most this. */
const HIPRIO_SLOT_BYTES = 4096;
const HIPRIO_SLOTS = 4;

interface Pending {
  parts: readonly Uint8Array[];
  requestLength: number;
  replyLength: number;
  resolve(reply: Uint8Array): void;
}

interface InFlight {
  pending: Pending;
  slot: DmaSlot;
}

/** One virtqueue with its DMA slots and the requests waiting for one. */
class Channel {
  readonly pool: DmaPool;
  readonly queue: Virtqueue<InFlight>;
  private readonly waiting: Pending[] = [];
  private kickScheduled = false;

  constructor(device: VirtioDevice, dma: DmaMemory, index: number, slotBytes: number, slots: number, private readonly keepAlive: KeepAlive) {
    this.queue = device.createQueue<InFlight>(index, 128, (done, written) => this.complete(done, written));
    // A request is two descriptors (one with an indirect table); keep within what the ring holds.
    this.pool = new DmaPool(dma, slotBytes, Math.max(1, Math.min(slots, Math.floor(this.queue.freeCount / 2))));
  }

  send(pending: Pending): void {
    this.keepAlive.retain();
    this.waiting.push(pending);
    this.submitWaiting();
  }

  private submitWaiting(): void {
    while (this.waiting.length > 0 && this.pool.available > 0) {
      const pending = this.waiting[0];
      const slot = this.pool.take()!;
      let at = 0;
      for (const part of pending.parts) {
        slot.bytes.set(part, at);
        at += part.length;
      }
      const request = { phys: slot.phys, length: pending.requestLength };
      const reply = { phys: slot.phys + pending.requestLength, length: pending.replyLength };
      if (!this.queue.submit([request], pending.replyLength > 0 ? [reply] : [], { pending, slot })) {
        this.pool.give(slot);
        break;
      }
      this.waiting.shift();
      this.scheduleKick();
    }
  }

  private scheduleKick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      this.queue.kick();
    });
  }

  private complete({ pending, slot }: InFlight, written: number): void {
    const reply = slot.bytes.slice(pending.requestLength, pending.requestLength + written);
    this.pool.give(slot);
    this.keepAlive.release();
    pending.resolve(reply);
    this.submitWaiting();
  }
}

export class VirtioFs implements FuseDevice {
  readonly tag: string;
  readonly maxMessageBytes = SLOT_BYTES;
  /** The request queues the device has; this driver uses the first. */
  readonly requestQueues: number;
  private readonly device: VirtioDevice;
  private readonly hiprio: Channel;
  private readonly requests: Channel;

  constructor(readonly name: string, transport: VirtioTransport, dma: DmaMemory, keepAlive: KeepAlive) {
    this.device = new VirtioDevice(transport, dma, { features: 0n });
    const { tag, requestQueues } = this.device.readConfig((config) => {
      const bytes = new Uint8Array(TAG_BYTES);
      for (let i = 0; i < TAG_BYTES; i++) bytes[i] = config.configRead8(i);
      return { tag: bytes, requestQueues: config.configRead32(NUM_REQUEST_QUEUES) };
    });
    const end = tag.indexOf(0);
    this.tag = utf8Decode(tag.subarray(0, end < 0 ? TAG_BYTES : end));
    if (this.tag === "") throw new VirtioError(`${transport.name}: the virtio-fs device has an empty tag`);
    if (requestQueues < 1) throw new VirtioError(`${transport.name}: the virtio-fs device has no request queue (num_request_queues ${requestQueues})`);
    this.requestQueues = requestQueues;
    this.hiprio = new Channel(this.device, dma, HIPRIO_QUEUE, HIPRIO_SLOT_BYTES, HIPRIO_SLOTS, keepAlive);
    this.requests = new Channel(this.device, dma, REQUEST_QUEUE, SLOT_BYTES, SLOTS, keepAlive);
    this.device.start();
  }

  request(parts: readonly Uint8Array[], replyLength: number): Promise<Uint8Array> {
    return new Promise((resolve) => {
      // A request too big for a slot throws here, which rejects the promise.
      const requestLength = this.measure(parts, replyLength, SLOT_BYTES);
      this.requests.send({ parts, requestLength, replyLength, resolve });
    });
  }

  post(parts: readonly Uint8Array[]): void {
    const requestLength = this.measure(parts, 0, HIPRIO_SLOT_BYTES);
    this.hiprio.send({ parts, requestLength, replyLength: 0, resolve: () => {} });
  }

  /** The request's length; throws RangeError when it and its reply do not fit a slot. */
  private measure(parts: readonly Uint8Array[], replyLength: number, slotBytes: number): number {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length === 0 || length + replyLength > slotBytes) {
      throw new RangeError(`${this.name}: a request of ${length} bytes with a reply of up to ${replyLength} does not fit the ${slotBytes}-byte slots`);
    }
    return length;
  }
}
