/**
 * A simulated virtio-mmio version 2 device (virtio 1.2, 4.2.2) for driver
 * tests: the register window, status and feature negotiation, and the
 * device side of split virtqueues, with pluggable behaviour per queue and
 * switches to misbehave. It checks what the driver does against the spec and
 * throws SpecViolation into the offending register access, so a driver bug
 * fails the test where it happens.
 *
 * The register layout is written out here from the spec rather than taken
 * from the driver, so a wrong offset in one does not hide in both.
 */
import {
  AVAIL_ENTRY_SIZE,
  AVAIL_F_NO_INTERRUPT,
  DESC_F_INDIRECT,
  DESC_F_NEXT,
  DESC_F_WRITE,
  DESCRIPTOR_ADDRESS,
  DESCRIPTOR_FLAGS,
  DESCRIPTOR_LENGTH,
  DESCRIPTOR_NEXT,
  DESCRIPTOR_SIZE,
  RING_ENTRIES,
  RING_EVENT_SIZE,
  RING_FLAGS,
  RING_INDEX,
  USED_ENTRY_LENGTH,
  USED_ENTRY_SIZE,
  USED_F_NO_NOTIFY,
} from "../../kernel/devices/virtio/queue.ts";
import {
  DEVICE_BLOCK,
  F_EVENT_IDX,
  F_INDIRECT_DESC,
  F_VERSION_1,
  STATUS_ACKNOWLEDGE,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
} from "../../kernel/devices/virtio/transport.ts";
import { SimulatedInterrupts, SimulatedMemory, SimulatedMmio, type MmioDeviceModel } from "./memory.ts";

/** The driver did something the virtio spec forbids. */
export class SpecViolation extends Error {
  name = "SpecViolation";
}

/**
 * What a queue's device does with one chain: it gets the bytes of the
 * device-readable buffers and how many bytes the writable ones hold, and
 * returns what to write into them (at most that many; the length is the
 * used entry's `len`).
 */
export type QueueHandler = (readable: Uint8Array, writableLength: number) => Uint8Array;

const INDEX_MASK = 0xffff;
const TWO_TO_32 = 2 ** 32;

function hex(value: number): string {
  return "0x" + value.toString(16);
}

/** vring_need_event (virtio 1.2, 2.7.10), the device's copy. */
function passedEvent(event: number, next: number, old: number): boolean {
  return ((next - event - 1) & INDEX_MASK) < ((next - old) & INDEX_MASK);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Ways a queue can break the split-ring protocol, for tests of the driver's defences. */
export interface QueueMisbehaviour {
  /** Add this to the used index on the next publish (once). */
  usedIndexJump?: number;
  /** Put this descriptor id in every used entry instead of the chain's head. */
  usedId?: number;
  /** Report this many more bytes written than were. */
  writtenExtra?: number;
}

/** The device side of one split virtqueue. */
export class SimulatedDeviceQueue {
  /** Set by the transport before enable(). */
  size = 0;
  desc = 0;
  driver = 0;
  device = 0;
  ready = false;
  /** Available buffer notifications received. */
  notifications = 0;
  /** Used buffer notifications the device decided to send (interrupts not suppressed by the driver). */
  usedNotifications = 0;
  /** Handle buffers as soon as the driver notifies; false leaves them for process(). */
  processOnNotify = true;
  readonly misbehave: QueueMisbehaviour = {};
  private eventIdx = false;
  private indirect = false;
  private lastAvail = 0;
  private nextUsed = 0;
  private signalledUsed = 0;
  private notificationsSuppressed = false;

  constructor(
    private readonly memory: SimulatedMemory,
    readonly maxSize: number,
    private readonly handler: QueueHandler,
    private readonly signalUsed: () => void,
  ) {}

  /** The used index the device published last. */
  get usedIndex(): number {
    return this.nextUsed;
  }

  /** Start using the rings the driver configured, with the negotiated ring features. */
  enable(features: bigint): void {
    const { size } = this;
    if (!(size >= 1 && size <= this.maxSize && (size & (size - 1)) === 0)) throw new SpecViolation(`queue size ${size} is not a power of two up to ${this.maxSize}`);
    if (this.desc % 16 || this.driver % 2 || this.device % 4) throw new SpecViolation(`misaligned rings: desc ${hex(this.desc)}, driver ${hex(this.driver)}, device ${hex(this.device)}`);
    this.memory.bytes(this.desc, size * DESCRIPTOR_SIZE);
    this.memory.bytes(this.driver, RING_ENTRIES + size * AVAIL_ENTRY_SIZE + RING_EVENT_SIZE);
    this.memory.bytes(this.device, RING_ENTRIES + size * USED_ENTRY_SIZE + RING_EVENT_SIZE);
    this.eventIdx = (features & F_EVENT_IDX) !== 0n;
    this.indirect = (features & F_INDIRECT_DESC) !== 0n;
    this.lastAvail = this.nextUsed = this.signalledUsed = 0;
    this.notificationsSuppressed = false;
    this.ready = true;
  }

  /** Forget the rings (device reset). */
  reset(): void {
    this.ready = false;
    this.size = this.desc = this.driver = this.device = 0;
  }

  /** The driver notified the queue. */
  notified(started: boolean): void {
    if (!this.ready) throw new SpecViolation("notified a queue that is not ready");
    this.notifications++;
    if (started && this.processOnNotify) this.process();
  }

  /** Handle up to `limit` available chains; returns how many. */
  process(limit = Infinity): number {
    if (!this.ready) throw new Error("process() on a queue that is not ready");
    const availIndex = this.read16(this.driver + RING_INDEX);
    const pending = (availIndex - this.lastAvail) & INDEX_MASK;
    if (pending > this.size) throw new SpecViolation(`the available index moved ${pending} entries ahead of the device, more than the queue size ${this.size}`);
    let handled = 0;
    while (handled < pending && handled < limit) {
      const head = this.read16(this.driver + RING_ENTRIES + (this.lastAvail & (this.size - 1)) * AVAIL_ENTRY_SIZE);
      this.lastAvail = (this.lastAvail + 1) & INDEX_MASK;
      this.complete(head);
      handled++;
    }
    if (handled > 0) {
      this.nextUsed = (this.nextUsed + (this.misbehave.usedIndexJump ?? 0)) & INDEX_MASK;
      this.misbehave.usedIndexJump = undefined;
      this.write16(this.device + RING_INDEX, this.nextUsed);
      this.signalIfWanted();
    }
    if (this.eventIdx && !this.notificationsSuppressed) this.write16(this.availEventAddress(), this.lastAvail);
    return handled;
  }

  /** Ask the driver for no notifications (true) or for one per batch again (false). */
  suppressNotifications(suppress: boolean): void {
    this.notificationsSuppressed = suppress;
    if (this.eventIdx) this.write16(this.availEventAddress(), suppress ? (this.lastAvail - 1) & INDEX_MASK : this.lastAvail);
    else this.write16(this.device + RING_FLAGS, suppress ? USED_F_NO_NOTIFY : 0);
  }

  /** With EVENT_IDX: be notified only once the available index passes `availIndex`. */
  requestNotificationAfter(availIndex: number): void {
    if (!this.eventIdx) throw new Error("requestNotificationAfter needs VIRTIO_F_EVENT_IDX");
    this.notificationsSuppressed = true;
    this.write16(this.availEventAddress(), availIndex & INDEX_MASK);
  }

  private complete(head: number): void {
    const { readable, writable } = this.walkChain(head);
    const writableLength = writable.reduce((sum, part) => sum + part.length, 0);
    const reply = this.handler(readable, writableLength);
    if (reply.length > writableLength) throw new Error(`the device model replied ${reply.length} bytes to a chain with ${writableLength} writable`);
    let at = 0;
    for (const part of writable) {
      if (at >= reply.length) break;
      part.set(reply.subarray(at, at + part.length));
      at += part.length;
    }
    const entry = this.device + RING_ENTRIES + (this.nextUsed & (this.size - 1)) * USED_ENTRY_SIZE;
    const view = this.memory.view(entry, USED_ENTRY_SIZE);
    view.setUint32(0, this.misbehave.usedId ?? head, true);
    view.setUint32(USED_ENTRY_LENGTH, reply.length + (this.misbehave.writtenExtra ?? 0), true);
    this.nextUsed = (this.nextUsed + 1) & INDEX_MASK;
  }

  /** The buffers of the chain at `head`, following an indirect table if there is one. */
  private walkChain(head: number): { readable: Uint8Array; writable: Uint8Array[] } {
    const readable: Uint8Array[] = [];
    const writable: Uint8Array[] = [];
    let table = this.desc;
    let tableSize = this.size;
    let inIndirect = false;
    let index = head;
    let walked = 0;
    for (;;) {
      if (index >= tableSize) throw new SpecViolation(`the chain from descriptor ${head} reaches descriptor ${index}, outside its table of ${tableSize}`);
      if (++walked > tableSize) throw new SpecViolation(`the chain from descriptor ${head} loops`);
      const view = this.memory.view(table + index * DESCRIPTOR_SIZE, DESCRIPTOR_SIZE);
      const address = view.getUint32(DESCRIPTOR_ADDRESS, true) + view.getUint32(DESCRIPTOR_ADDRESS + 4, true) * TWO_TO_32;
      const length = view.getUint32(DESCRIPTOR_LENGTH, true);
      const flags = view.getUint16(DESCRIPTOR_FLAGS, true);
      if (flags & DESC_F_INDIRECT) {
        if (!this.indirect) throw new SpecViolation("an indirect descriptor without VIRTIO_F_INDIRECT_DESC");
        if (inIndirect) throw new SpecViolation("an indirect descriptor inside an indirect table");
        if (flags & DESC_F_NEXT) throw new SpecViolation("an indirect descriptor with NEXT set");
        if (length === 0 || length % DESCRIPTOR_SIZE) throw new SpecViolation(`an indirect table of ${length} bytes`);
        if (length / DESCRIPTOR_SIZE > this.size) throw new SpecViolation(`an indirect table of ${length / DESCRIPTOR_SIZE} descriptors, longer than the queue size ${this.size}`);
        table = address;
        tableSize = length / DESCRIPTOR_SIZE;
        inIndirect = true;
        index = 0;
        walked = 0;
        continue;
      }
      if (length === 0) throw new SpecViolation(`a zero-length buffer in the chain from descriptor ${head}`);
      const bytes = this.memory.bytes(address, length);
      if (flags & DESC_F_WRITE) writable.push(bytes);
      else if (writable.length > 0) throw new SpecViolation(`a device-readable buffer after a writable one in the chain from descriptor ${head}`);
      else readable.push(bytes);
      if (!(flags & DESC_F_NEXT)) break;
      index = view.getUint16(DESCRIPTOR_NEXT, true);
    }
    return { readable: concat(readable), writable };
  }

  private signalIfWanted(): void {
    const old = this.signalledUsed;
    this.signalledUsed = this.nextUsed;
    const wanted = this.eventIdx
      ? passedEvent(this.read16(this.driver + RING_ENTRIES + this.size * AVAIL_ENTRY_SIZE), this.nextUsed, old)
      : (this.read16(this.driver + RING_FLAGS) & AVAIL_F_NO_INTERRUPT) === 0;
    if (!wanted) return;
    this.usedNotifications++;
    this.signalUsed();
  }

  private availEventAddress(): number {
    return this.device + RING_ENTRIES + this.size * USED_ENTRY_SIZE;
  }

  private read16(phys: number): number {
    return this.memory.view(phys, 2).getUint16(0, true);
  }

  private write16(phys: number, value: number): void {
    this.memory.view(phys, 2).setUint16(0, value, true);
  }
}

/** virtio-mmio registers (virtio 1.2, 4.2.2). */
const REG_MAGIC_VALUE = 0x000;
const REG_VERSION = 0x004;
const REG_DEVICE_ID = 0x008;
const REG_VENDOR_ID = 0x00c;
const REG_DEVICE_FEATURES = 0x010;
const REG_DEVICE_FEATURES_SEL = 0x014;
const REG_DRIVER_FEATURES = 0x020;
const REG_DRIVER_FEATURES_SEL = 0x024;
const REG_QUEUE_SEL = 0x030;
const REG_QUEUE_NUM_MAX = 0x034;
const REG_QUEUE_NUM = 0x038;
const REG_QUEUE_READY = 0x044;
const REG_QUEUE_NOTIFY = 0x050;
const REG_INTERRUPT_STATUS = 0x060;
const REG_INTERRUPT_ACK = 0x064;
const REG_STATUS = 0x070;
const REG_QUEUE_DESC_LOW = 0x080;
const REG_QUEUE_DESC_HIGH = 0x084;
const REG_QUEUE_DRIVER_LOW = 0x090;
const REG_QUEUE_DRIVER_HIGH = 0x094;
const REG_QUEUE_DEVICE_LOW = 0x0a0;
const REG_QUEUE_DEVICE_HIGH = 0x0a4;
const REG_CONFIG_GENERATION = 0x0fc;
const REG_CONFIG = 0x100;
const MAGIC = 0x74726976;
const QEMU_VENDOR_ID = 0x554d4551;
export const INTERRUPT_USED_BUFFER = 1;
export const INTERRUPT_CONFIG_CHANGE = 2;
/** QEMU's window per virtio-mmio slot. */
export const VIRTIO_MMIO_WINDOW_SIZE = 0x200;

/** Ways the register window can misbehave. */
export interface MmioMisbehaviour {
  /** Report this Version instead of 2 (1 is legacy). */
  version?: number;
  /** Never set FEATURES_OK, as a device refusing the driver's features does. */
  refuseFeaturesOk?: boolean;
  /** Ignore the reset (writing 0 to Status). */
  ignoreReset?: boolean;
  /** Change the config generation on every read of it. */
  unstableConfigGeneration?: boolean;
}

export interface SimulatedVirtioMmioOptions {
  deviceId: number;
  /** The feature bits offered. */
  features: bigint;
  /** One per queue index; a maxSize of 0 is a queue that does not exist. */
  queues: { maxSize: number; handler: QueueHandler }[];
  config?: Uint8Array;
}

export class SimulatedVirtioMmioDevice implements MmioDeviceModel {
  readonly queues: SimulatedDeviceQueue[];
  readonly misbehave: MmioMisbehaviour = {};
  readonly config: Uint8Array;
  /** Every value the driver wrote to Status, in order. */
  readonly statusWrites: number[] = [];
  status = 0;
  driverFeatures = 0n;
  interruptStatus = 0;
  configGeneration = 0;
  /** Rising edges on the interrupt line. */
  edges = 0;
  private readonly offered: bigint;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private queueSel = 0;

  constructor(memory: SimulatedMemory, private readonly interrupts: SimulatedInterrupts, readonly line: number, readonly options: SimulatedVirtioMmioOptions) {
    this.offered = options.features;
    this.config = options.config ?? new Uint8Array(0);
    this.queues = options.queues.map(
      ({ maxSize, handler }) => new SimulatedDeviceQueue(memory, maxSize, handler, () => this.raiseInterrupt(INTERRUPT_USED_BUFFER)),
    );
  }

  /** Change the config space as the device would: a new generation and a config change interrupt. */
  changeConfig(offset: number, bytes: Uint8Array): void {
    this.config.set(bytes, offset);
    this.configGeneration++;
    if (this.status & STATUS_DRIVER_OK) this.raiseInterrupt(INTERRUPT_CONFIG_CHANGE);
  }

  read(offset: number, width: 1 | 2 | 4): number {
    if (offset >= REG_CONFIG) return this.readConfig(offset - REG_CONFIG, width);
    if (width !== 4 || offset % 4) throw new SpecViolation(`a ${width}-byte register read at ${hex(offset)}; registers take aligned 32-bit accesses`);
    switch (offset) {
      case REG_MAGIC_VALUE:
        return MAGIC;
      case REG_VERSION:
        return this.misbehave.version ?? 2;
      case REG_DEVICE_ID:
        return this.options.deviceId;
      case REG_VENDOR_ID:
        return QEMU_VENDOR_ID;
      case REG_DEVICE_FEATURES:
        return this.deviceFeaturesSel > 1 ? 0 : Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case REG_QUEUE_NUM_MAX:
        return this.queues[this.queueSel]?.maxSize ?? 0;
      case REG_QUEUE_READY:
        return this.queues[this.queueSel]?.ready ? 1 : 0;
      case REG_INTERRUPT_STATUS:
        return this.interruptStatus;
      case REG_STATUS:
        return this.status;
      case REG_CONFIG_GENERATION:
        if (this.misbehave.unstableConfigGeneration) this.configGeneration++;
        return this.configGeneration;
    }
    throw new SpecViolation(`read of write-only or unknown register ${hex(offset)}`);
  }

  write(offset: number, width: 1 | 2 | 4, value: number): void {
    if (offset >= REG_CONFIG) return this.writeConfig(offset - REG_CONFIG, width, value);
    if (width !== 4 || offset % 4) throw new SpecViolation(`a ${width}-byte register write at ${hex(offset)}; registers take aligned 32-bit accesses`);
    value >>>= 0;
    switch (offset) {
      case REG_DEVICE_FEATURES_SEL:
        this.deviceFeaturesSel = value;
        return;
      case REG_DRIVER_FEATURES_SEL:
        this.driverFeaturesSel = value;
        return;
      case REG_DRIVER_FEATURES:
        return this.writeDriverFeatures(value);
      case REG_QUEUE_SEL:
        this.queueSel = value;
        return;
      case REG_QUEUE_NUM:
        this.selectedQueueForSetup().size = value;
        return;
      case REG_QUEUE_DESC_LOW:
      case REG_QUEUE_DESC_HIGH:
      case REG_QUEUE_DRIVER_LOW:
      case REG_QUEUE_DRIVER_HIGH:
      case REG_QUEUE_DEVICE_LOW:
      case REG_QUEUE_DEVICE_HIGH:
        return this.writeQueueAddress(offset, value);
      case REG_QUEUE_READY:
        return this.writeQueueReady(value);
      case REG_QUEUE_NOTIFY: {
        const queue = this.queues[value];
        if (!queue) throw new SpecViolation(`notified queue ${value}, which does not exist`);
        return queue.notified((this.status & STATUS_DRIVER_OK) !== 0);
      }
      case REG_INTERRUPT_ACK:
        this.interruptStatus &= ~value;
        return;
      case REG_STATUS:
        return this.writeStatus(value);
    }
    throw new SpecViolation(`write of read-only or unknown register ${hex(offset)}`);
  }

  private writeDriverFeatures(value: number): void {
    if (this.status & STATUS_FEATURES_OK) throw new SpecViolation("driver features written after FEATURES_OK");
    if (this.driverFeaturesSel > 1) return;
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(value) << shift);
  }

  private writeStatus(value: number): void {
    this.statusWrites.push(value);
    if (value === 0) {
      if (!this.misbehave.ignoreReset) this.reset();
      return;
    }
    if ((value & this.status) !== this.status) throw new SpecViolation(`status ${hex(value)} clears bits of ${hex(this.status)} without a reset`);
    const requires = (bit: number, before: number, names: string) => {
      if (value & bit && !(value & before)) throw new SpecViolation(`status ${hex(value)}: ${names}`);
    };
    requires(STATUS_DRIVER, STATUS_ACKNOWLEDGE, "DRIVER without ACKNOWLEDGE");
    requires(STATUS_FEATURES_OK, STATUS_DRIVER, "FEATURES_OK without DRIVER");
    requires(STATUS_DRIVER_OK, STATUS_FEATURES_OK, "DRIVER_OK without FEATURES_OK");
    if (value & STATUS_FEATURES_OK && !(this.status & STATUS_FEATURES_OK)) {
      const unoffered = this.driverFeatures & ~this.offered;
      if (unoffered) throw new SpecViolation(`the driver accepted features the device did not offer: ${hex(Number(unoffered >> 32n))}:${hex(Number(unoffered & 0xffffffffn))}`);
      // A version 2 device drives only the modern interface.
      if (this.misbehave.refuseFeaturesOk || !(this.driverFeatures & F_VERSION_1)) value &= ~STATUS_FEATURES_OK;
    }
    this.status = value;
  }

  private reset(): void {
    this.status = 0;
    this.driverFeatures = 0n;
    this.interruptStatus = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = this.queueSel = 0;
    for (const queue of this.queues) queue.reset();
  }

  private selectedQueueForSetup(): SimulatedDeviceQueue {
    const queue = this.queues[this.queueSel];
    if (!queue || queue.maxSize === 0) throw new SpecViolation(`set up queue ${this.queueSel}, which does not exist`);
    if (queue.ready) throw new SpecViolation(`changed queue ${this.queueSel} while it is ready`);
    if (this.status & STATUS_FAILED) throw new SpecViolation(`set up queue ${this.queueSel} of a failed device`);
    return queue;
  }

  private writeQueueAddress(offset: number, value: number): void {
    const queue = this.selectedQueueForSetup();
    const field = offset < REG_QUEUE_DRIVER_LOW ? "desc" : offset < REG_QUEUE_DEVICE_LOW ? "driver" : "device";
    const high = offset % 8 === 4;
    const old = queue[field];
    queue[field] = high ? value * TWO_TO_32 + (old % TWO_TO_32) : Math.floor(old / TWO_TO_32) * TWO_TO_32 + value;
  }

  private writeQueueReady(value: number): void {
    const queue = this.queues[this.queueSel];
    if (!queue) throw new SpecViolation(`QueueReady written for queue ${this.queueSel}, which does not exist`);
    if (value === 0) queue.ready = false;
    else {
      if (!(this.status & STATUS_FEATURES_OK)) throw new SpecViolation("a queue enabled before FEATURES_OK");
      this.selectedQueueForSetup().enable(this.driverFeatures);
    }
  }

  private readConfig(offset: number, width: number): number {
    if (offset + width > this.config.length) throw new SpecViolation(`config read of ${width} bytes at ${offset}, beyond the ${this.config.length}-byte config space`);
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + this.config[offset + i];
    return value;
  }

  private writeConfig(offset: number, width: number, value: number): void {
    if (offset + width > this.config.length) throw new SpecViolation(`config write of ${width} bytes at ${offset}, beyond the ${this.config.length}-byte config space`);
    for (let i = 0; i < width; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  /** Set a bit of InterruptStatus; the line rises (an edge the driver sees) only if no bit was set. */
  private raiseInterrupt(bit: number): void {
    const wasLow = this.interruptStatus === 0;
    this.interruptStatus |= bit;
    if (!wasLow) return;
    this.edges++;
    this.interrupts.raise(this.line);
  }
}

/** A machine with one simulated virtio-mmio device where QEMU's microvm puts the first slot. */
export function simulatedVirtioMmioMachine(options: SimulatedVirtioMmioOptions) {
  const memory = new SimulatedMemory();
  const mmio = new SimulatedMmio();
  const interrupts = new SimulatedInterrupts();
  const base = 0xfeb00000;
  const line = 5;
  const device = new SimulatedVirtioMmioDevice(memory, interrupts, line, options);
  mmio.map(base, VIRTIO_MMIO_WINDOW_SIZE, device);
  return { memory, mmio, interrupts, device, base, line };
}

/** A device that returns what it reads, as far as the writable buffers hold it. */
export const echoHandler: QueueHandler = (readable, writableLength) => readable.slice(0, writableLength);

/** An entropy source (virtio-rng): fills every writable byte from a fixed-seed xorshift generator. */
export function entropyHandler(): QueueHandler {
  let state = 0x2545f491;
  return (_readable, writableLength) => {
    const bytes = new Uint8Array(writableLength);
    for (let i = 0; i < writableLength; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[i] = state & 0xff;
    }
    return bytes;
  };
}

/** virtio-blk (virtio 1.2, 5.2.6): request types and status bytes. */
export const BLOCK_SECTOR_SIZE = 512;
export const BLOCK_T_IN = 0;
export const BLOCK_T_OUT = 1;
export const BLOCK_T_FLUSH = 4;
export const BLOCK_S_OK = 0;
export const BLOCK_S_IOERR = 1;
export const BLOCK_S_UNSUPP = 2;
const BLOCK_HEADER_SIZE = 16;

/** The virtio-blk config space for `disk`: its capacity in sectors, the only field this model has. */
export function blockConfig(disk: Uint8Array): Uint8Array {
  const config = new Uint8Array(8);
  new DataView(config.buffer).setBigUint64(0, BigInt(disk.length / BLOCK_SECTOR_SIZE), true);
  return config;
}

/**
 * A virtio-blk request queue over `disk`: a 16-byte header (type, reserved,
 * sector) and, for writes, the data are readable; the data to read, then
 * the status byte, are writable. Reads, writes and flushes; other types are
 * answered UNSUPP.
 */
export function blockHandler(disk: Uint8Array): QueueHandler {
  return (readable, writableLength) => {
    if (readable.length < BLOCK_HEADER_SIZE || writableLength < 1) throw new SpecViolation(`a block request with ${readable.length} readable and ${writableLength} writable bytes`);
    const header = new DataView(readable.buffer, readable.byteOffset, BLOCK_HEADER_SIZE);
    const type = header.getUint32(0, true);
    const offset = Number(header.getBigUint64(8, true)) * BLOCK_SECTOR_SIZE;
    const reply = new Uint8Array(writableLength);
    const status = (code: number) => {
      reply[writableLength - 1] = code;
      return reply;
    };
    const dataLength = type === BLOCK_T_OUT ? readable.length - BLOCK_HEADER_SIZE : writableLength - 1;
    switch (type) {
      case BLOCK_T_IN:
        if (offset + dataLength > disk.length) return status(BLOCK_S_IOERR);
        reply.set(disk.subarray(offset, offset + dataLength));
        return status(BLOCK_S_OK);
      case BLOCK_T_OUT:
        if (offset + dataLength > disk.length) return status(BLOCK_S_IOERR);
        disk.set(readable.subarray(BLOCK_HEADER_SIZE), offset);
        return status(BLOCK_S_OK);
      case BLOCK_T_FLUSH:
        return status(BLOCK_S_OK);
    }
    return status(BLOCK_S_UNSUPP);
  };
}

/** A block device's options for a simulated machine over `disk`, with one request queue. */
export function blockDevice(disk: Uint8Array, features = F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC): SimulatedVirtioMmioOptions {
  return { deviceId: DEVICE_BLOCK, features, queues: [{ maxSize: 128, handler: blockHandler(disk) }], config: blockConfig(disk) };
}
