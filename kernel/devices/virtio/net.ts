/**
 * virtio-net (virtio 1.2, 5.1) as a NetworkInterface: queue 0 receives,
 * queue 1 transmits. The receive queue is kept full of DMA slots; frames
 * that arrive together are handed up as one batch, and their slots go back
 * to the device right after. Frames sent in one event-loop turn reach the
 * device with one notification.
 */
import { DmaPool, type DmaSlot } from "../dma-pool.ts";
import type { DmaMemory, KeepAlive } from "../hardware.ts";
import type { NetworkInterface } from "../network-interface.ts";
import { VirtioDevice } from "./device.ts";
import type { Virtqueue } from "./queue.ts";
import type { VirtioTransport } from "./transport.ts";

const F_MTU = 1n << 3n;
const F_MAC = 1n << 5n;
const F_STATUS = 1n << 16n;
const STATUS_LINK_UP = 1;

/** struct virtio_net_hdr with num_buffers: always 12 bytes with VERSION_1 (5.1.6). */
const NET_HEADER = 12;
const ETHERNET_HEADER = 14;
/** Without mergeable buffers, each receive buffer holds a whole frame (5.1.6.3.1). */
const SLOT_BYTES = 2048;
const QUEUE_SIZE = 256;

export class VirtioNet implements NetworkInterface {
  readonly mac: Uint8Array;
  readonly mtu: number;
  readonly transmitQueueSize: number;
  private up: boolean;
  private readonly device: VirtioDevice;
  private readonly rx: Virtqueue<DmaSlot>;
  private readonly tx: Virtqueue<DmaSlot>;
  private readonly rxSlots: DmaPool;
  private readonly txSlots: DmaPool;
  /** Frames taken from the device and not yet handed up. */
  private readonly arrived: { slot: DmaSlot; length: number }[] = [];
  private readonly batch: Uint8Array[] = [];
  private receiveHandler: ((frames: Uint8Array[]) => void) | undefined;
  private writableHandler: (() => void) | undefined;
  private linkHandler: ((up: boolean) => void) | undefined;
  private deliveryScheduled = false;
  private kickScheduled = false;
  private blocked = false;
  private keepingAlive = false;

  constructor(readonly name: string, transport: VirtioTransport, dma: DmaMemory, private readonly keepAlive: KeepAlive) {
    this.device = new VirtioDevice(transport, dma, { features: F_MAC | F_MTU | F_STATUS });
    this.mac = this.device.has(F_MAC)
      ? this.device.readConfig((c) => Uint8Array.from({ length: 6 }, (_, i) => c.configRead8(i)))
      : Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56); // a locally administered address
    this.mtu = this.device.has(F_MTU) ? this.device.readConfig((c) => c.configRead16(10)) : 1500;
    this.up = this.readLink();
    this.rx = this.device.createQueue<DmaSlot>(0, QUEUE_SIZE, (slot, written) => this.received(slot, written));
    this.tx = this.device.createQueue<DmaSlot>(1, QUEUE_SIZE, (slot) => this.sent(slot));
    this.rxSlots = new DmaPool(dma, SLOT_BYTES, this.rx.freeCount);
    this.txSlots = new DmaPool(dma, SLOT_BYTES, this.tx.freeCount);
    this.transmitQueueSize = this.tx.freeCount;
    this.refill();
    this.device.start(() => this.linkChanged());
  }

  get linkUp(): boolean {
    return this.up;
  }

  send(frame: Uint8Array): boolean {
    return this.transmit(frame.length, (out) => out.set(frame));
  }

  transmit(length: number, fill: (frame: Uint8Array) => void): boolean {
    if (length < ETHERNET_HEADER || length > ETHERNET_HEADER + this.mtu) {
      throw new RangeError(`${this.name}: a frame is ${ETHERNET_HEADER} to ${ETHERNET_HEADER + this.mtu} bytes, not ${length}`);
    }
    const slot = this.txSlots.take();
    if (!slot) {
      this.blocked = true;
      return false;
    }
    // The header's zeros say: no checksum offload, no segmentation.
    slot.bytes.fill(0, 0, NET_HEADER + length);
    try {
      fill(slot.bytes.subarray(NET_HEADER, NET_HEADER + length));
    } catch (error) {
      this.txSlots.give(slot);
      throw error;
    }
    this.tx.submitOne(slot.phys, NET_HEADER + length, false, slot);
    this.scheduleKick();
    return true;
  }

  onReceive(handler: (frames: Uint8Array[]) => void, keepAlive = true): void {
    this.receiveHandler = handler;
    if (keepAlive !== this.keepingAlive) {
      this.keepingAlive = keepAlive;
      if (keepAlive) this.keepAlive.retain();
      else this.keepAlive.release();
    }
  }

  onWritable(handler: () => void): void {
    this.writableHandler = handler;
  }

  onLinkChange(handler: (up: boolean) => void): void {
    this.linkHandler = handler;
  }

  private readLink(): boolean {
    return this.device.has(F_STATUS) ? (this.device.readConfig((c) => c.configRead16(6)) & STATUS_LINK_UP) !== 0 : true;
  }

  private linkChanged(): void {
    const up = this.readLink();
    if (up === this.up) return;
    this.up = up;
    this.linkHandler?.(up);
  }

  /** Give every free receive slot to the device. */
  private refill(): void {
    let slot: DmaSlot | undefined;
    let added = false;
    while (this.rx.freeCount > 0 && (slot = this.rxSlots.take())) {
      this.rx.submitOne(slot.phys, SLOT_BYTES, true, slot);
      added = true;
    }
    if (added) this.scheduleKick();
  }

  private received(slot: DmaSlot, written: number): void {
    this.arrived.push({ slot, length: written });
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => this.deliver());
  }

  /** Hand up everything that arrived together, then recycle the slots. */
  private deliver(): void {
    this.deliveryScheduled = false;
    const arrived = this.arrived.splice(0);
    this.batch.length = 0;
    for (const { slot, length } of arrived) {
      if (length >= NET_HEADER + ETHERNET_HEADER && length <= SLOT_BYTES) this.batch.push(slot.bytes.subarray(NET_HEADER, length));
    }
    try {
      if (this.receiveHandler && this.batch.length > 0) this.receiveHandler(this.batch);
    } finally {
      this.batch.length = 0;
      for (const { slot } of arrived) this.rxSlots.give(slot);
      this.refill();
    }
  }

  private sent(slot: DmaSlot): void {
    this.txSlots.give(slot);
    if (this.blocked) {
      this.blocked = false;
      this.writableHandler?.();
    }
  }

  private scheduleKick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      this.rx.kick();
      this.tx.kick();
    });
  }
}
