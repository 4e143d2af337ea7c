/**
 * Bringing up a virtio device over any transport (virtio 1.2, 3.1.1):
 * reset, feature negotiation, queues, DRIVER_OK, and the interrupt wiring
 * that runs each queue's completion handler. Drivers for a device type
 * (block, net, entropy) sit on top and never see the transport's registers.
 */
import type { DmaMemory } from "../hardware.ts";
import { MAX_QUEUE_SIZE, Virtqueue } from "./queue.ts";
import {
  F_ACCESS_PLATFORM,
  F_EVENT_IDX,
  F_INDIRECT_DESC,
  F_VERSION_1,
  STATUS_ACKNOWLEDGE,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
  type VirtioTransport,
} from "./transport.ts";

/** A device that cannot be driven: refused, misconfigured or gone wrong. The message names the transport. */
export class VirtioError extends Error {
  name = "VirtioError";
}

/** Reading a multi-field config structure restarts when the device changed it meanwhile; a device that never stops changing it is broken. */
const CONFIG_READ_ATTEMPTS = 64;

/** What a driver may read from the device-specific config space. */
export type ConfigReader = Pick<VirtioTransport, "configRead8" | "configRead16" | "configRead32">;

export interface VirtioDeviceOptions {
  /** Device-type feature bits the driver can use (virtio 1.2, 5); the core adds its own. */
  features: bigint;
  /** Use VIRTIO_F_EVENT_IDX if offered (default true). */
  eventIdx?: boolean;
  /** Use VIRTIO_F_INDIRECT_DESC if offered (default true). */
  indirect?: boolean;
}

export class VirtioDevice {
  /** The features both sides agreed on. */
  readonly features: bigint;
  private readonly queues: Virtqueue<unknown>[] = [];
  /** One per queue: take its used buffers if the driver wants interrupts for it. */
  private readonly queueServices: (() => void)[] = [];
  private started = false;

  /**
   * Reset the device and negotiate features, up to FEATURES_OK: the driver
   * then reads its config and creates its queues, and calls start(). Throws
   * VirtioError for an empty slot, and (after setting FAILED) for a device
   * that does not reset, is legacy-only, or refuses the features.
   */
  constructor(readonly transport: VirtioTransport, private readonly dma: DmaMemory, options: VirtioDeviceOptions) {
    if (transport.deviceId === 0) throw new VirtioError(`${transport.name}: no device in this slot (device ID 0)`);
    try {
      transport.reset();
    } catch (error) {
      this.markFailed();
      throw error;
    }
    transport.setStatus(STATUS_ACKNOWLEDGE);
    transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);

    const offered = transport.deviceFeatures();
    if ((offered & F_VERSION_1) === 0n) this.fail("the device is legacy-only (no VIRTIO_F_VERSION_1), which is not supported");
    let wanted = options.features | F_VERSION_1;
    if (options.eventIdx ?? true) wanted |= F_EVENT_IDX;
    if (options.indirect ?? true) wanted |= F_INDIRECT_DESC;
    // Toro sets up no IOMMU, so the platform's DMA view is physical memory: accepting ACCESS_PLATFORM
    // changes nothing, while a device that requires it would refuse FEATURES_OK without it.
    wanted |= F_ACCESS_PLATFORM;
    this.features = offered & wanted;
    transport.setDriverFeatures(this.features);

    transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
    if ((transport.getStatus() & STATUS_FEATURES_OK) === 0) {
      this.fail(`the device refused the features 0x${this.features.toString(16)} (FEATURES_OK did not stick)`);
    }
  }

  /** Whether `feature` (one bit) was negotiated. */
  has(feature: bigint): boolean {
    return (this.features & feature) !== 0n;
  }

  /**
   * Read the device-specific config with `read`, again until the config
   * generation is the same before and after, so fields wider than one access
   * or spread over several are consistent.
   */
  readConfig<R>(read: (config: ConfigReader) => R): R {
    for (let attempt = 0; attempt < CONFIG_READ_ATTEMPTS; attempt++) {
      const before = this.transport.configGeneration();
      const value = read(this.transport);
      if (this.transport.configGeneration() === before) return value;
    }
    throw new VirtioError(`${this.transport.name}: the config generation changed during each of ${CONFIG_READ_ATTEMPTS} reads`);
  }

  /**
   * Set up queue `index` with up to `requestedSize` entries (the device may
   * allow fewer; the size is a power of two). `onUsed` runs for each used
   * chain when the queue's interrupt comes, unless the driver disabled
   * interrupts on the queue to poll it with takeUsed itself.
   */
  createQueue<T>(index: number, requestedSize: number, onUsed: (token: T, written: number) => void): Virtqueue<T> {
    if (this.started) this.fail(`queue ${index} was created after DRIVER_OK`);
    if (this.queues.some((queue) => queue.index === index)) this.fail(`queue ${index} was created twice`);
    const maxSize = this.transport.queueMaxSize(index);
    if (maxSize === 0) this.fail(`queue ${index} does not exist (its maximum size is 0)`);
    const size = largestPowerOfTwoUpTo(Math.min(maxSize, requestedSize, MAX_QUEUE_SIZE));
    if (size === 0) this.fail(`queue ${index}: requested size ${requestedSize} is less than 1`);
    const transport = this.transport;
    const queue = new Virtqueue<T>(index, size, this.dma, () => transport.notify(index), {
      eventIdx: this.has(F_EVENT_IDX),
      indirect: this.has(F_INDIRECT_DESC),
      name: `${transport.name} queue ${index}`,
    });
    this.queues.push(queue as Virtqueue<unknown>);
    try {
      transport.setupQueue(index, size, queue.addresses);
    } catch (error) {
      if (!(error instanceof VirtioError)) this.fail(`queue ${index} could not be set up: ${(error as Error).message}`);
      this.markFailed();
      throw error;
    }
    this.queueServices.push(() => {
      if (queue.interruptsEnabled) queue.takeUsed(onUsed);
    });
    return queue;
  }

  /**
   * Start interrupt delivery (`onConfigChange` for config changes) and set
   * DRIVER_OK: from now on the device uses the queues.
   */
  start(onConfigChange: () => void = () => {}): void {
    if (this.started) this.fail("start() was called twice");
    this.started = true;
    const services = this.queueServices;
    this.transport.listen({
      queues() {
        for (let i = 0; i < services.length; i++) services[i]();
      },
      config: onConfigChange,
    });
    this.transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  }

  /** Reset the device, which stops it using the queues, then give their memory back. */
  close(): void {
    this.transport.reset();
    for (const queue of this.queues) queue.release();
    this.queues.length = 0;
    this.queueServices.length = 0;
  }

  /**
   * Give up on the device: set FAILED and throw. Queue memory stays
   * allocated, since a device that was not reset may still write to it.
   */
  private fail(what: string): never {
    this.markFailed();
    throw new VirtioError(`${this.transport.name}: ${what}`);
  }

  private markFailed(): void {
    this.transport.setStatus(this.transport.getStatus() | STATUS_FAILED);
  }
}

function largestPowerOfTwoUpTo(value: number): number {
  if (!(value >= 1)) return 0;
  let power = 1;
  while (power * 2 <= value) power *= 2;
  return power;
}
