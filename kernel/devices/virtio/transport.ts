/**
 * What the virtio core needs from a transport (virtio 1.x, "modern" only):
 * virtio-mmio on microvm, virtio-pci on q35. One code path above this.
 */

/** Device status bits (virtio 1.2, 2.1). */
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

/** Feature bits the core knows (virtio 1.2, 6). */
export const F_INDIRECT_DESC = 1n << 28n;
export const F_EVENT_IDX = 1n << 29n;
export const F_VERSION_1 = 1n << 32n;
export const F_ACCESS_PLATFORM = 1n << 33n;

/** Device types (virtio 1.2, 5). */
export const DEVICE_NET = 1;
export const DEVICE_BLOCK = 2;
export const DEVICE_ENTROPY = 4;
export const DEVICE_FILE_SYSTEM = 26;

export interface QueueAddresses {
  /** Physical addresses of the three areas of a split virtqueue. */
  desc: number;
  driver: number; // the available ring
  device: number; // the used ring
}

export interface VirtioTransport {
  /** e.g. "virtio-mmio@0xfeb00e00" or "virtio-pci 00:03.0", for log lines. */
  readonly name: string;
  /** The virtio device type (DEVICE_*), 0 for an empty slot. */
  readonly deviceId: number;

  /** Write 0 to the status and wait until the device reads back 0. */
  reset(): void;
  getStatus(): number;
  setStatus(status: number): void;

  /** All 64 bits the device offers. */
  deviceFeatures(): bigint;
  setDriverFeatures(features: bigint): void;

  /** The largest size the device supports for queue `index`, 0 if there is no such queue. */
  queueMaxSize(index: number): number;
  /**
   * Give the device queue `index` with `size` entries at these addresses, and
   * enable it, at the latest when listen() has set up its interrupt.
   */
  setupQueue(index: number, size: number, addresses: QueueAddresses): void;
  /** Tell the device queue `index` has new available buffers. */
  notify(index: number): void;

  configRead8(offset: number): number;
  configRead16(offset: number): number;
  configRead32(offset: number): number;
  configWrite8(offset: number, value: number): void;
  configWrite16(offset: number, value: number): void;
  configWrite32(offset: number, value: number): void;
  /** Changes whenever the device changes its config space; read before and after a multi-field read. */
  configGeneration(): number;

  /**
   * Start delivering interrupts: `queues` when any queue may have used
   * buffers, `config` when the configuration changed. Called once, after the
   * queues are set up and before DRIVER_OK.
   */
  listen(handlers: { queues(): void; config(): void }): void;
}
