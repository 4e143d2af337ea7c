/**
 * virtio-blk (virtio 1.2, 5.2) as a BlockDevice. Each request is a header
 * (type, sector), the data, and a status byte the device writes; data goes
 * through DMA bounce slots, so callers' arrays never need to be DMA memory.
 * Requests beyond the slots wait their turn; those made in one event-loop
 * turn reach the device with one notification.
 */
import type { BlockDevice } from "../block-device.ts";
import type { Waiting } from "./entropy.ts";
import { DmaPool, type DmaSlot } from "../dma-pool.ts";
import type { DmaMemory, KeepAlive } from "../hardware.ts";
import { VirtioDevice } from "./device.ts";
import type { Virtqueue } from "./queue.ts";
import type { VirtioTransport } from "./transport.ts";

const F_SIZE_MAX = 1n << 1n;
const F_SEG_MAX = 1n << 2n;
const F_RO = 1n << 5n;
const F_BLK_SIZE = 1n << 6n;
const F_FLUSH = 1n << 9n;
const F_DISCARD = 1n << 13n;

const T_IN = 0;
const T_OUT = 1;
const T_FLUSH = 4;
const T_DISCARD = 11;
const STATUS_OK = 0;
const STATUS_UNSUPPORTED = 2;

/** virtio-blk addresses in 512-byte units whatever the device's block size. */
const SECTOR = 512;
const HEADER_BYTES = 16;
/** Data bounce slot size: the largest single request; bigger ones are split. */
const SLOT_BYTES = 64 * 1024;
const SLOTS = 16;
/** The exit path's synchronous wait: a device that has not answered in this long is not going to. */
const SYNC_TIMEOUT_NS = 10e9;
/** Re-check between interrupts: an unacknowledged interrupt line raises no new edge. */
const SYNC_POLL_NS = 1e6;

interface Request {
  type: number;
  sector: number;
  /** Bytes of data, read or written, in this request. */
  length: number;
  /** For writes: the bytes to send; for reads: where the data goes. */
  data: Uint8Array | undefined;
  resolve(): void;
  reject(error: Error): void;
}

interface Settle {
  resolve(): void;
  reject(error: Error): void;
}

interface InFlight {
  request: Request;
  header: DmaSlot;
  slot: DmaSlot;
}

export class VirtioBlock implements BlockDevice {
  readonly sectorSize = SECTOR;
  readonly sectors: number;
  readonly readOnly: boolean;
  readonly canDiscard: boolean;
  readonly maxInFlight: number;
  private readonly device: VirtioDevice;
  private readonly queue: Virtqueue<InFlight>;
  private readonly headers: DmaPool;
  private readonly slots: DmaPool;
  private readonly waiting: Request[] = [];
  private kickScheduled = false;

  constructor(
    readonly name: string,
    transport: VirtioTransport,
    dma: DmaMemory,
    private readonly keepAlive: KeepAlive,
    private readonly clock: Waiting,
  ) {
    this.device = new VirtioDevice(transport, dma, { features: F_SIZE_MAX | F_SEG_MAX | F_RO | F_BLK_SIZE | F_FLUSH | F_DISCARD });
    this.sectors = this.device.readConfig((c) => c.configRead32(0) + c.configRead32(4) * 2 ** 32);
    this.readOnly = this.device.has(F_RO);
    this.canDiscard = this.device.has(F_DISCARD) && !this.readOnly;
    this.queue = this.device.createQueue<InFlight>(0, 128, (done, written) => this.complete(done, written));
    // One slot per request; a request is at most three descriptors, which indirect tables hold in one ring entry.
    this.maxInFlight = Math.min(SLOTS, this.queue.freeCount);
    this.headers = new DmaPool(dma, HEADER_BYTES + 16, this.maxInFlight);
    this.slots = new DmaPool(dma, SLOT_BYTES, this.maxInFlight);
    this.device.start();
  }

  read(sector: number, count: number): Promise<Uint8Array> {
    this.checkRange(sector, count);
    const out = new Uint8Array(count * SECTOR);
    return this.split(T_IN, sector, out).then(() => out);
  }

  write(sector: number, data: Uint8Array): Promise<void> {
    if (this.readOnly) return Promise.reject(new Error(`${this.name} is read-only`));
    if (data.length % SECTOR !== 0) return Promise.reject(new RangeError(`writes are whole sectors of ${SECTOR} bytes; got ${data.length} bytes`));
    this.checkRange(sector, data.length / SECTOR);
    return this.split(T_OUT, sector, data);
  }

  flush(): Promise<void> {
    if (!this.device.has(F_FLUSH)) return Promise.resolve(); // no write cache to flush
    return this.enqueue(T_FLUSH, 0, 0, undefined);
  }

  discard(sector: number, count: number): Promise<void> {
    this.checkRange(sector, count);
    if (!this.canDiscard || count === 0) return Promise.resolve();
    const range = new Uint8Array(16);
    const view = new DataView(range.buffer);
    view.setUint32(0, sector % 2 ** 32, true);
    view.setUint32(4, Math.floor(sector / 2 ** 32), true);
    view.setUint32(8, count, true);
    return this.enqueue(T_DISCARD, 0, 16, range);
  }

  writeSync(sector: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error(`${this.name} is read-only`);
    if (data.length % SECTOR !== 0) throw new RangeError(`writes are whole sectors of ${SECTOR} bytes; got ${data.length} bytes`);
    this.checkRange(sector, data.length / SECTOR);
    this.waitSync((settle) => this.splitInto(T_OUT, sector, data, settle));
  }

  flushSync(): void {
    if (this.device.has(F_FLUSH)) this.waitSync((settle) => this.push(T_FLUSH, 0, 0, undefined, settle));
  }

  /**
   * Queue the requests `queue` makes and poll the device until every request
   * in flight is done: the notification and the completions that the event
   * loop would have handled happen here. Throws the first failure.
   */
  private waitSync(queue: (settle: Settle) => void): void {
    let failure: Error | undefined;
    queue({ resolve: () => {}, reject: (error) => (failure ??= error) });
    const deadline = this.clock.now() + SYNC_TIMEOUT_NS;
    const busy = () => this.headers.available < this.maxInFlight || this.waiting.length > 0;
    while (busy()) {
      this.queue.kick();
      this.queue.takeUsed((done, written) => this.complete(done, written));
      if (!busy()) break;
      if (this.clock.now() > deadline) throw new Error(`${this.name}: the disk did not answer in ${SYNC_TIMEOUT_NS / 1e9} s`);
      this.clock.idleUntil(Math.min(deadline, this.clock.now() + SYNC_POLL_NS));
    }
    if (failure) throw failure;
  }

  private checkRange(sector: number, count: number): void {
    if (!Number.isInteger(sector) || !Number.isInteger(count) || sector < 0 || count < 0 || sector + count > this.sectors) {
      throw new RangeError(`${this.name}: sectors ${sector}..${sector + count} are outside the disk (${this.sectors} sectors)`);
    }
  }

  /** One request per bounce slot's worth; resolves when all parts are done. */
  private split(type: number, sector: number, data: Uint8Array): Promise<void> {
    const parts: Promise<void>[] = [];
    this.splitInto(type, sector, data, undefined, parts);
    return Promise.all(parts).then(() => undefined);
  }

  /** Queue `data` in slot-sized parts: settled through `settle`, or as promises pushed to `parts`. */
  private splitInto(type: number, sector: number, data: Uint8Array, settle: Settle | undefined, parts: Promise<void>[] = []): void {
    for (let offset = 0; offset < data.length; offset += SLOT_BYTES) {
      const part = data.subarray(offset, Math.min(offset + SLOT_BYTES, data.length));
      const at = sector + offset / SECTOR;
      if (settle) this.push(type, at, part.length, part, settle);
      else parts.push(this.enqueue(type, at, part.length, part));
    }
  }

  private enqueue(type: number, sector: number, length: number, data: Uint8Array | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => this.push(type, sector, length, data, { resolve, reject }));
  }

  private push(type: number, sector: number, length: number, data: Uint8Array | undefined, { resolve, reject }: Settle): void {
    this.keepAlive.retain();
    this.waiting.push({ type, sector, length, data, resolve, reject });
    this.submitWaiting();
  }

  private submitWaiting(): void {
    while (this.waiting.length > 0 && this.headers.available > 0 && this.slots.available > 0) {
      const request = this.waiting.shift()!;
      const header = this.headers.take()!, slot = this.slots.take()!;
      const view = new DataView(header.bytes.buffer, header.bytes.byteOffset, HEADER_BYTES + 1);
      view.setUint32(0, request.type, true);
      view.setUint32(4, 0, true);
      view.setUint32(8, request.sector % 2 ** 32, true);
      view.setUint32(12, Math.floor(request.sector / 2 ** 32), true);
      header.bytes[HEADER_BYTES] = 0xff; // the device overwrites it; 0xff would say it did not
      const status = { phys: header.phys + HEADER_BYTES, length: 1 };
      const body = { phys: slot.phys, length: request.length };
      const headerRange = { phys: header.phys, length: HEADER_BYTES };
      const inFlight = { request, header, slot };
      let accepted: boolean;
      if (request.type === T_IN) accepted = this.queue.submit([headerRange], [body, status], inFlight);
      else {
        if (request.data && request.length > 0) slot.bytes.set(request.data.subarray(0, request.length));
        accepted = this.queue.submit(request.length > 0 ? [headerRange, body] : [headerRange], [status], inFlight);
      }
      if (!accepted) {
        this.headers.give(header);
        this.slots.give(slot);
        this.waiting.unshift(request);
        break;
      }
      this.scheduleKick();
    }
  }

  /** Requests made in the same turn share one notification. */
  private scheduleKick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    queueMicrotask(() => {
      this.kickScheduled = false;
      this.queue.kick();
    });
  }

  private complete({ request, header, slot }: InFlight, _written: number): void {
    const status = header.bytes[HEADER_BYTES];
    if (status === STATUS_OK && request.type === T_IN && request.data) request.data.set(slot.bytes.subarray(0, request.length));
    this.headers.give(header);
    this.slots.give(slot);
    this.keepAlive.release();
    if (status === STATUS_OK) request.resolve();
    else {
      const what = request.type === T_IN ? "read" : request.type === T_OUT ? "write" : request.type === T_FLUSH ? "flush" : "discard";
      const why = status === STATUS_UNSUPPORTED ? "not supported by the device" : "an I/O error";
      request.reject(new Error(`${this.name}: ${what} at sector ${request.sector} failed: ${why}`));
    }
    this.submitWaiting();
  }
}
