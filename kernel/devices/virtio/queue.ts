/**
 * The driver side of a split virtqueue (virtio 1.2, 2.7): the descriptor
 * table, the available ring the driver fills and the used ring the device
 * fills, all in one DMA allocation. The device is not trusted: whatever it
 * writes to the used ring is checked before it touches driver state, and a
 * queue that saw a malformed entry refuses further use instead of guessing.
 *
 * No barriers: the guest is x86 (TSO), every device access is a native call,
 * and descriptors and ring entries are written before the index that
 * publishes them.
 */
import type { DmaBuffer, DmaMemory } from "../hardware.ts";
import type { QueueAddresses } from "./transport.ts";

/** Ring layout (2.7.5, 2.7.6, 2.7.8), shared with the simulated device. */
export const DESCRIPTOR_SIZE = 16;
export const DESCRIPTOR_ADDRESS = 0;
export const DESCRIPTOR_LENGTH = 8;
export const DESCRIPTOR_FLAGS = 12;
export const DESCRIPTOR_NEXT = 14;
export const DESC_F_NEXT = 1;
export const DESC_F_WRITE = 2;
export const DESC_F_INDIRECT = 4;
/** Both rings start with flags and idx, then their entries, then the other side's event index. */
export const RING_FLAGS = 0;
export const RING_INDEX = 2;
export const RING_ENTRIES = 4;
export const AVAIL_ENTRY_SIZE = 2;
/** used_event (after the available entries) and avail_event (after the used ones) are 16 bits. */
export const RING_EVENT_SIZE = 2;
/** A used ring entry: id (u32), then len (u32). */
export const USED_ENTRY_SIZE = 8;
export const USED_ENTRY_LENGTH = 4;
/** avail.flags: the driver wants no used buffer notifications. */
export const AVAIL_F_NO_INTERRUPT = 1;
/** used.flags: the device wants no available buffer notifications. */
export const USED_F_NO_NOTIFY = 1;
/** Split rings count in 16 bits; a queue holds at most 2^15 entries. */
export const MAX_QUEUE_SIZE = 32768;

const INDEX_MASK = 0xffff;
const DESCRIPTOR_TABLE_ALIGN = 16;
const USED_RING_ALIGN = 4;
/** Chains up to this long go in an indirect table unless the caller says otherwise. */
const DEFAULT_INDIRECT_TABLE_LENGTH = 8;
const TWO_TO_32 = 2 ** 32;

/** One device-visible piece of a request. */
export interface DmaRange {
  phys: number;
  length: number;
}

export interface VirtqueueOptions {
  /** VIRTIO_F_EVENT_IDX was negotiated: suppression goes through used_event/avail_event, not flags. */
  eventIdx: boolean;
  /** VIRTIO_F_INDIRECT_DESC was negotiated: multi-buffer chains take one ring slot. */
  indirect: boolean;
  /** Longest chain put in an indirect table (one table per ring slot is preallocated); longer chains use direct descriptors. Default 8. */
  indirectTableLength?: number;
  /** Names the queue in errors, e.g. "virtio-mmio@0xfeb00e00 queue 0". */
  name?: string;
}

/** The device broke the split-ring protocol; the queue is unusable from then on. */
export class VirtqueueError extends Error {
  name = "VirtqueueError";
}

/** The vring_need_event test (2.7.10): did moving an index from `old` to `next` pass `event`? */
function passedEvent(event: number, next: number, old: number): boolean {
  return ((next - event - 1) & INDEX_MASK) < ((next - old) & INDEX_MASK);
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

export class Virtqueue<T> {
  readonly addresses: QueueAddresses;
  private readonly name: string;
  private readonly memory: DmaBuffer;
  private readonly view: DataView;
  private readonly availOffset: number;
  private readonly usedOffset: number;
  private readonly mask: number;
  private readonly eventIdx: boolean;

  /** Free descriptors form a list through freeNext; a direct chain is linked in that same order. */
  private readonly freeNext: Uint16Array;
  private freeHead = 0;
  private free: number;
  /** Per chain head: descriptors taken from the table (0 = not in flight), last descriptor, writable bytes, token. */
  private readonly chainDescriptors: Uint16Array;
  private readonly chainTail: Uint16Array;
  private readonly chainWritable: Float64Array;
  private readonly tokens: (T | undefined)[];
  private chainsInFlight = 0;

  /** Indirect table i belongs to the chain whose head is descriptor i, so tables need no allocator of their own. */
  private readonly indirectOffset: number;
  private readonly indirectTableLength: number;

  private availIndex = 0;
  private kickedAvailIndex = 0;
  private lastUsedIndex = 0;
  private interruptsOn = true;
  private usedEventShadow = 0;
  private taking = false;
  private brokenBecause: string | undefined;

  /**
   * A queue of `size` entries (a power of two up to 32768) in memory from
   * `dma`. `notify` tells the device there are new buffers (transport.notify);
   * `options` says which ring features were negotiated.
   */
  constructor(
    readonly index: number,
    readonly size: number,
    private readonly dma: DmaMemory,
    private readonly notify: () => void,
    options: VirtqueueOptions,
  ) {
    this.name = options.name ?? `virtqueue ${index}`;
    if (!(Number.isInteger(size) && size >= 1 && size <= MAX_QUEUE_SIZE && (size & (size - 1)) === 0)) {
      throw new RangeError(`${this.name}: size ${size} is not a power of two from 1 to ${MAX_QUEUE_SIZE}`);
    }
    this.mask = size - 1;
    this.indirectTableLength = options.indirect ? Math.min(options.indirectTableLength ?? DEFAULT_INDIRECT_TABLE_LENGTH, size) : 0;

    this.availOffset = size * DESCRIPTOR_SIZE;
    this.usedOffset = alignUp(this.availOffset + RING_ENTRIES + size * AVAIL_ENTRY_SIZE + RING_EVENT_SIZE, USED_RING_ALIGN);
    this.indirectOffset = alignUp(this.usedOffset + RING_ENTRIES + size * USED_ENTRY_SIZE + RING_EVENT_SIZE, DESCRIPTOR_TABLE_ALIGN);
    const indirectBytes = this.indirectTableLength > 1 ? size * this.indirectTableLength * DESCRIPTOR_SIZE : 0;
    this.memory = dma.alloc(this.indirectOffset + indirectBytes);
    this.view = this.memory.view;
    this.addresses = {
      desc: this.memory.phys,
      driver: this.memory.phys + this.availOffset,
      device: this.memory.phys + this.usedOffset,
    };

    this.freeNext = new Uint16Array(size);
    for (let i = 0; i < size; i++) this.freeNext[i] = (i + 1) & this.mask;
    this.free = size;
    this.chainDescriptors = new Uint16Array(size);
    this.chainTail = new Uint16Array(size);
    this.chainWritable = new Float64Array(size);
    this.tokens = new Array<T | undefined>(size).fill(undefined);
    this.eventIdx = options.eventIdx;
  }

  /** Descriptors not given to the device: a chain needs one with an indirect table, else one per buffer. */
  get freeCount(): number {
    return this.free;
  }

  /** Chains the device has not returned yet. */
  get inFlight(): number {
    return this.chainsInFlight;
  }

  /** Whether the device is asked to interrupt for used buffers (see disableInterrupts). */
  get interruptsEnabled(): boolean {
    return this.interruptsOn;
  }

  /**
   * Make a chain of the device-readable `outBuffers` then the device-writable
   * `inBuffers` available, with `token` to identify it in takeUsed. Returns
   * false when there are not enough free descriptors. The device only looks
   * once kick() notifies it (or when it polls).
   */
  submit(outBuffers: readonly DmaRange[], inBuffers: readonly DmaRange[], token: T): boolean {
    this.checkUsable();
    const count = outBuffers.length + inBuffers.length;
    if (count === 0) throw new RangeError(`${this.name}: a chain needs at least one buffer`);
    const indirect = count > 1 && count <= this.indirectTableLength;
    if (!indirect && count > this.size) throw new RangeError(`${this.name}: a chain of ${count} buffers cannot fit a queue of ${this.size}`);
    const needed = indirect ? 1 : count;
    if (needed > this.free) return false;

    const head = this.freeHead;
    // A direct chain takes free descriptors in free-list order; an indirect one fills head's own table.
    const table = indirect ? this.indirectOffset + head * this.indirectTableLength * DESCRIPTOR_SIZE : 0;
    let descriptor = indirect ? 0 : head;
    let tail = head;
    let writable = 0;
    for (let i = 0; i < count; i++) {
      const isIn = i >= outBuffers.length;
      const buffer = isIn ? inBuffers[i - outBuffers.length] : outBuffers[i];
      if (isIn) writable += buffer.length;
      const next = indirect ? i + 1 : this.freeNext[descriptor];
      const last = i + 1 === count;
      this.writeDescriptor(table + descriptor * DESCRIPTOR_SIZE, buffer.phys, buffer.length, (last ? 0 : DESC_F_NEXT) | (isIn ? DESC_F_WRITE : 0), last ? 0 : next);
      tail = descriptor;
      descriptor = next;
    }
    if (indirect) {
      this.writeDescriptor(head * DESCRIPTOR_SIZE, this.memory.phys + table, count * DESCRIPTOR_SIZE, DESC_F_INDIRECT, 0);
      tail = head;
      this.freeHead = this.freeNext[head];
    } else {
      this.freeHead = descriptor;
    }
    this.makeAvailable(head, needed, tail, writable, token);
    return true;
  }

  /**
   * submit() for a chain of one buffer, device-readable or (`writable`)
   * device-writable: a network card's frames, one each way, thousands a
   * second, without the arrays and range objects of the general form.
   */
  submitOne(phys: number, length: number, writable: boolean, token: T): boolean {
    this.checkUsable();
    if (this.free === 0) return false;
    const head = this.freeHead;
    this.writeDescriptor(head * DESCRIPTOR_SIZE, phys, length, writable ? DESC_F_WRITE : 0, 0);
    this.freeHead = this.freeNext[head];
    this.makeAvailable(head, 1, head, writable ? length : 0, token);
    return true;
  }

  /** Note the chain at `head` as in flight and put it on the available ring. */
  private makeAvailable(head: number, descriptors: number, tail: number, writable: number, token: T): void {
    this.free -= descriptors;
    this.chainDescriptors[head] = descriptors;
    this.chainTail[head] = tail;
    this.chainWritable[head] = writable;
    this.tokens[head] = token;
    this.chainsInFlight++;

    this.view.setUint16(this.availOffset + RING_ENTRIES + (this.availIndex & this.mask) * AVAIL_ENTRY_SIZE, head, true);
    this.availIndex = (this.availIndex + 1) & INDEX_MASK;
    this.view.setUint16(this.availOffset + RING_INDEX, this.availIndex, true);
    // The event index test compares 16-bit distances, so never let 2^16 - 1 submissions go unkicked.
    if (((this.availIndex - this.kickedAvailIndex) & INDEX_MASK) === INDEX_MASK) this.kick();
  }

  /**
   * Notify the device of everything submitted since the last kick, unless it
   * asked not to be (used.flags, or avail_event with EVENT_IDX). Returns
   * whether a notification was sent.
   */
  kick(): boolean {
    this.checkUsable();
    const old = this.kickedAvailIndex;
    if (old === this.availIndex) return false;
    this.kickedAvailIndex = this.availIndex;
    this.dma.fence(); // avail.idx must be visible before we read what the device asked for
    const wanted = this.eventIdx
      ? passedEvent(this.view.getUint16(this.usedOffset + RING_ENTRIES + this.size * USED_ENTRY_SIZE, true), this.availIndex, old)
      : (this.view.getUint16(this.usedOffset + RING_FLAGS, true) & USED_F_NO_NOTIFY) === 0;
    if (wanted) this.notify();
    return wanted;
  }

  /**
   * Hand every used chain to `onUsed` (its token and the bytes the device
   * wrote), freeing its descriptors first, so onUsed may submit again.
   * Returns how many were taken. Throws VirtqueueError if the device wrote
   * something impossible. A call from inside onUsed returns 0: the outer
   * call goes on taking until the ring is empty.
   */
  takeUsed(onUsed: (token: T, written: number) => void): number {
    this.checkUsable();
    if (this.taking) return 0;
    this.taking = true;
    let taken = 0;
    try {
      for (;;) {
        const usedIndex = this.publishedUsedIndex();
        if (usedIndex === this.lastUsedIndex) {
          // With EVENT_IDX an interrupt comes only when the used index passes used_event: move it
          // here, then look once more for an entry the device added before it saw the new value.
          if (!this.eventIdx || !this.interruptsOn || this.usedEventShadow === usedIndex) break;
          this.setUsedEvent(usedIndex);
          this.dma.fence(); // used_event must be visible before we look at used.idx again
          continue;
        }
        while (this.lastUsedIndex !== usedIndex) {
          this.takeOne(onUsed);
          taken++;
        }
      }
    } finally {
      this.taking = false;
    }
    return taken;
  }

  /** Ask the device not to interrupt for used buffers, e.g. while polling; it may still do so once. */
  disableInterrupts(): void {
    this.checkUsable();
    if (!this.interruptsOn) return;
    this.interruptsOn = false;
    // used_event one behind the consumer: the device passes it only after 2^16 more entries.
    if (this.eventIdx) this.setUsedEvent((this.lastUsedIndex - 1) & INDEX_MASK);
    else this.view.setUint16(this.availOffset + RING_FLAGS, AVAIL_F_NO_INTERRUPT, true);
  }

  /**
   * Ask for interrupts again. Returns true if used buffers are already
   * waiting, which may not interrupt: the caller should takeUsed again.
   */
  enableInterrupts(): boolean {
    this.checkUsable();
    this.interruptsOn = true;
    if (this.eventIdx) this.setUsedEvent(this.lastUsedIndex);
    else this.view.setUint16(this.availOffset + RING_FLAGS, 0, true);
    this.dma.fence(); // the request for interrupts must be visible before we look at used.idx
    return this.publishedUsedIndex() !== this.lastUsedIndex;
  }

  /** Give the rings back to `dma`. Only after the device was reset: until then it may still use them. */
  release(): void {
    this.brokenBecause ??= "it was released";
    this.dma.free(this.memory);
  }

  private writeDescriptor(offset: number, phys: number, length: number, flags: number, next: number): void {
    if (!(Number.isSafeInteger(phys) && phys >= 0)) throw new RangeError(`${this.name}: buffer address ${phys} is not a physical address`);
    if (!(Number.isInteger(length) && length > 0 && length < TWO_TO_32)) throw new RangeError(`${this.name}: buffer length ${length} is not from 1 to 2^32 - 1`);
    this.view.setUint32(offset + DESCRIPTOR_ADDRESS, phys % TWO_TO_32, true);
    this.view.setUint32(offset + DESCRIPTOR_ADDRESS + 4, Math.floor(phys / TWO_TO_32), true);
    this.view.setUint32(offset + DESCRIPTOR_LENGTH, length, true);
    this.view.setUint16(offset + DESCRIPTOR_FLAGS, flags, true);
    this.view.setUint16(offset + DESCRIPTOR_NEXT, next, true);
  }

  /** used.idx, refused if it claims more entries than there are chains in flight. */
  private publishedUsedIndex(): number {
    const usedIndex = this.view.getUint16(this.usedOffset + RING_INDEX, true);
    const pending = (usedIndex - this.lastUsedIndex) & INDEX_MASK;
    if (pending > this.chainsInFlight) {
      this.breakQueue(`moved the used index from ${this.lastUsedIndex} to ${usedIndex} (${pending} entries) with only ${this.chainsInFlight} chains in flight`);
    }
    return usedIndex;
  }

  private takeOne(onUsed: (token: T, written: number) => void): void {
    const entry = this.usedOffset + RING_ENTRIES + (this.lastUsedIndex & this.mask) * USED_ENTRY_SIZE;
    const head = this.view.getUint32(entry, true);
    const written = this.view.getUint32(entry + USED_ENTRY_LENGTH, true);
    if (head >= this.size) {
      this.breakQueue(`put descriptor ${head} in used entry ${this.lastUsedIndex}, outside the table of ${this.size}`);
    }
    if (this.chainDescriptors[head] === 0) {
      this.breakQueue(`put descriptor ${head} in used entry ${this.lastUsedIndex}, and it does not head a chain in flight`);
    }
    if (written > this.chainWritable[head]) {
      this.breakQueue(`reported ${written} bytes written in used entry ${this.lastUsedIndex} to chain ${head}, which has ${this.chainWritable[head]} writable`);
    }
    const token = this.tokens[head] as T;
    this.tokens[head] = undefined;
    this.freeNext[this.chainTail[head]] = this.freeHead;
    this.freeHead = head;
    this.free += this.chainDescriptors[head];
    this.chainDescriptors[head] = 0;
    this.chainsInFlight--;
    this.lastUsedIndex = (this.lastUsedIndex + 1) & INDEX_MASK;
    onUsed(token, written);
  }

  private setUsedEvent(value: number): void {
    this.usedEventShadow = value;
    this.view.setUint16(this.availOffset + RING_ENTRIES + this.size * AVAIL_ENTRY_SIZE, value, true);
  }

  private breakQueue(why: string): never {
    this.brokenBecause = `the device ${why}`;
    throw new VirtqueueError(`${this.name}: ${this.brokenBecause}`);
  }

  private checkUsable(): void {
    if (this.brokenBecause !== undefined) throw new VirtqueueError(`${this.name} is unusable: ${this.brokenBecause}`);
  }
}
