/**
 * The virtio-pci transport, modern interface (virtio 1.2, 4.1): the device's
 * registers are structures in its memory BARs, found through vendor-specific
 * PCI capabilities. Legacy (virtio 0.9) register layouts are not supported;
 * a transitional device is driven through its modern capabilities.
 */
import type { Interrupts, Mmio } from "../hardware.ts";
import { CAPABILITY_ID_VENDOR_SPECIFIC, type PciFunction } from "../pci.ts";
import type { QueueAddresses, VirtioTransport } from "./transport.ts";

const VIRTIO_PCI_VENDOR_ID = 0x1af4;
/** Modern devices: PCI device id = 0x1040 + virtio device type. */
const MODERN_DEVICE_ID_FIRST = 0x1040;
const MODERN_DEVICE_ID_LAST = 0x107f;
/** Transitional devices: the type is in the subsystem id. */
const TRANSITIONAL_DEVICE_ID_FIRST = 0x1000;
const TRANSITIONAL_DEVICE_ID_LAST = 0x103f;

/** virtio_pci_cap.cfg_type values (4.1.4). */
const CFG_COMMON = 1;
const CFG_NOTIFY = 2;
const CFG_ISR = 3;
const CFG_DEVICE = 4;
const CFG_TYPE_NAMES: Record<number, string> = {
  [CFG_COMMON]: "common configuration",
  [CFG_NOTIFY]: "notification",
  [CFG_ISR]: "ISR status",
  [CFG_DEVICE]: "device configuration",
};

/** struct virtio_pci_cap and virtio_pci_notify_cap field offsets. */
const CAP_LENGTH_FIELD = 2;
const CAP_CFG_TYPE = 3;
const CAP_BAR = 4;
const CAP_OFFSET = 8;
const CAP_LENGTH = 12;
const CAP_NOTIFY_OFF_MULTIPLIER = 16;
const CAP_MIN_SIZE = 16;
const NOTIFY_CAP_MIN_SIZE = 20;
const LAST_BAR = 5;

/** struct virtio_pci_common_cfg (4.1.4.3). */
const COMMON_DEVICE_FEATURE_SELECT = 0x00;
const COMMON_DEVICE_FEATURE = 0x04;
const COMMON_DRIVER_FEATURE_SELECT = 0x08;
const COMMON_DRIVER_FEATURE = 0x0c;
const COMMON_MSIX_CONFIG = 0x10;
const COMMON_NUM_QUEUES = 0x12;
const COMMON_DEVICE_STATUS = 0x14;
const COMMON_CONFIG_GENERATION = 0x15;
const COMMON_QUEUE_SELECT = 0x16;
const COMMON_QUEUE_SIZE = 0x18;
const COMMON_QUEUE_MSIX_VECTOR = 0x1a;
const COMMON_QUEUE_ENABLE = 0x1c;
const COMMON_QUEUE_NOTIFY_OFF = 0x1e;
const COMMON_QUEUE_DESC = 0x20;
const COMMON_QUEUE_DRIVER = 0x28;
const COMMON_QUEUE_DEVICE = 0x30;
/** The virtio 1.0 structure ends after queue_device; 1.2 fields beyond it are not used. */
const COMMON_MIN_LENGTH = 0x38;

/** A vector register reads this when the device has no (or refused the) vector. */
export const VIRTIO_MSI_NO_VECTOR = 0xffff;
const CONFIG_VECTOR = 0;
const QUEUE_VECTOR = 1;

const ISR_QUEUE = 1;
const ISR_CONFIG = 2;

/** Reset completes at once on QEMU; real hardware may take a while, but not forever. */
const RESET_POLL_LIMIT = 1e6;
const TWO_TO_32 = 2 ** 32;
const LOW_32_BITS = 0xffffffffn;

interface Region {
  address: number;
  length: number;
}

function hex(value: number): string {
  return "0x" + value.toString(16);
}

/**
 * The virtio device type of a PCI function, or undefined if it is not a
 * virtio device. A transitional device is only usable if it also has the
 * modern capabilities, which the transport's constructor checks.
 */
export function virtioPciDeviceType(pci: PciFunction): number | undefined {
  if (pci.vendorId !== VIRTIO_PCI_VENDOR_ID) return undefined;
  if (pci.deviceId >= MODERN_DEVICE_ID_FIRST && pci.deviceId <= MODERN_DEVICE_ID_LAST) return pci.deviceId - MODERN_DEVICE_ID_FIRST;
  if (pci.deviceId >= TRANSITIONAL_DEVICE_ID_FIRST && pci.deviceId <= TRANSITIONAL_DEVICE_ID_LAST) return pci.subsystemId;
  return undefined;
}

export class VirtioPciTransport implements VirtioTransport {
  readonly name: string;
  readonly deviceId: number;
  private readonly common: Region;
  private readonly notifyArea: Region;
  private readonly notifyOffMultiplier: number;
  private readonly isr: Region;
  /** Devices without device-specific configuration have no such structure. */
  private readonly deviceConfig: Region | undefined;
  /** Where to write each set-up queue's notifications. */
  private readonly notifyAddresses = new Map<number, number>();
  private listening = false;

  /**
   * Drive `pci` through its modern virtio capabilities. Turns on memory
   * decoding and bus mastering; throws if the function is not a virtio
   * device or lacks a capability the transport needs.
   */
  constructor(private readonly pci: PciFunction, private readonly mmio: Mmio, private readonly interrupts: Interrupts) {
    const type = virtioPciDeviceType(pci);
    if (type === undefined) {
      const ids = `${pci.vendorId.toString(16).padStart(4, "0")}:${pci.deviceId.toString(16).padStart(4, "0")}`;
      throw new Error(`pci ${pci.name} (${ids}) is not a virtio device`);
    }
    this.name = `virtio-pci ${pci.name}`;
    this.deviceId = type;
    pci.enableMemoryAndBusMastering();

    const structures = this.findStructures();
    const transitional = pci.deviceId <= TRANSITIONAL_DEVICE_ID_LAST;
    const required = (cfgType: number, minLength: number) => {
      const found = structures.get(cfgType);
      if (!found) {
        const why = transitional ? " (a transitional device without the modern interface; legacy virtio is not supported)" : "";
        throw new Error(`${this.name}: no ${CFG_TYPE_NAMES[cfgType]} capability (cfg_type ${cfgType}) in a memory BAR${why}`);
      }
      if (found.region.length < minLength) {
        const name = CFG_TYPE_NAMES[cfgType];
        throw new Error(`${this.name}: the ${name} structure is ${found.region.length} bytes, less than ${minLength}`);
      }
      return found;
    };
    this.common = required(CFG_COMMON, COMMON_MIN_LENGTH).region;
    const notify = required(CFG_NOTIFY, 2);
    this.notifyArea = notify.region;
    this.notifyOffMultiplier = notify.notifyOffMultiplier;
    this.isr = required(CFG_ISR, 1).region;
    this.deviceConfig = structures.get(CFG_DEVICE)?.region;
  }

  reset(): void {
    this.write8(COMMON_DEVICE_STATUS, 0);
    for (let poll = 0; poll < RESET_POLL_LIMIT; poll++) {
      if (this.read8(COMMON_DEVICE_STATUS) === 0) {
        this.notifyAddresses.clear();
        return;
      }
    }
    throw new Error(`${this.name}: the device status did not read back 0 after a reset`);
  }

  getStatus(): number {
    return this.read8(COMMON_DEVICE_STATUS);
  }

  setStatus(status: number): void {
    this.write8(COMMON_DEVICE_STATUS, status);
  }

  deviceFeatures(): bigint {
    this.write32(COMMON_DEVICE_FEATURE_SELECT, 0);
    const low = this.read32(COMMON_DEVICE_FEATURE);
    this.write32(COMMON_DEVICE_FEATURE_SELECT, 1);
    const high = this.read32(COMMON_DEVICE_FEATURE);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  setDriverFeatures(features: bigint): void {
    this.write32(COMMON_DRIVER_FEATURE_SELECT, 0);
    this.write32(COMMON_DRIVER_FEATURE, Number(features & LOW_32_BITS));
    this.write32(COMMON_DRIVER_FEATURE_SELECT, 1);
    this.write32(COMMON_DRIVER_FEATURE, Number((features >> 32n) & LOW_32_BITS));
  }

  queueMaxSize(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.read16(COMMON_NUM_QUEUES))) return 0;
    this.write16(COMMON_QUEUE_SELECT, index);
    return this.read16(COMMON_QUEUE_SIZE);
  }

  setupQueue(index: number, size: number, addresses: QueueAddresses): void {
    const maxSize = this.queueMaxSize(index); // also selects the queue
    if (maxSize === 0) throw new RangeError(`${this.name}: the device has no queue ${index}`);
    if (!(Number.isInteger(size) && size >= 1 && size <= maxSize)) {
      throw new RangeError(`${this.name}: queue ${index} size ${size} is not within 1..${maxSize}`);
    }
    if (this.read16(COMMON_QUEUE_ENABLE) !== 0) {
      throw new Error(`${this.name}: queue ${index} is already enabled; reset the device first`);
    }
    const notifyOffset = this.read16(COMMON_QUEUE_NOTIFY_OFF) * this.notifyOffMultiplier;
    if (notifyOffset + 2 > this.notifyArea.length) {
      throw new Error(`${this.name}: queue ${index} notifies at +${hex(notifyOffset)}, past the ${this.notifyArea.length}-byte notification structure`);
    }
    this.write16(COMMON_QUEUE_SIZE, size);
    this.write64(COMMON_QUEUE_DESC, addresses.desc);
    this.write64(COMMON_QUEUE_DRIVER, addresses.driver);
    this.write64(COMMON_QUEUE_DEVICE, addresses.device);
    this.notifyAddresses.set(index, this.notifyArea.address + notifyOffset);
    // A queue's MSI-X vector must be set before queue_enable (4.1.5.1.3), and
    // vectors are chosen in listen(): queues set up before it are enabled there.
    if (this.listening) this.enableQueue(index);
  }

  private enableQueue(index: number): void {
    this.write16(COMMON_QUEUE_SELECT, index);
    this.write16(COMMON_QUEUE_ENABLE, 1);
  }

  notify(index: number): void {
    const address = this.notifyAddresses.get(index);
    if (address === undefined) throw new Error(`${this.name}: queue ${index} is not set up`);
    // Without VIRTIO_F_NOTIFICATION_DATA the notification is the queue index (4.1.5.2).
    this.mmio.write16(address, index);
  }

  configRead8(offset: number): number {
    return this.mmio.read8(this.configAddress(offset, 1));
  }
  configRead16(offset: number): number {
    return this.mmio.read16(this.configAddress(offset, 2));
  }
  configRead32(offset: number): number {
    return this.mmio.read32(this.configAddress(offset, 4)) >>> 0;
  }
  configWrite8(offset: number, value: number): void {
    this.mmio.write8(this.configAddress(offset, 1), value);
  }
  configWrite16(offset: number, value: number): void {
    this.mmio.write16(this.configAddress(offset, 2), value);
  }
  configWrite32(offset: number, value: number): void {
    this.mmio.write32(this.configAddress(offset, 4), value);
  }

  configGeneration(): number {
    return this.read8(COMMON_CONFIG_GENERATION);
  }

  /**
   * With MSI-X: one vector for configuration changes and one shared by all
   * set-up queues. Otherwise, or if the device refuses the vectors, the
   * legacy INTx line with the ISR status register. Then the queues are enabled.
   */
  listen(handlers: { queues(): void; config(): void }): void {
    if (this.listening) throw new Error(`${this.name}: listen was already called`);
    this.listening = true;
    if (!this.listenWithMsix(handlers)) this.listenWithLegacyLine(handlers);
    for (const index of this.notifyAddresses.keys()) this.enableQueue(index);
  }

  /** False, with MSI-X left off, if the device has too few MSI-X entries or refuses the vectors. */
  private listenWithMsix(handlers: { queues(): void; config(): void }): boolean {
    const msix = this.pci.msix(this.mmio);
    if (!msix || msix.tableSize < 2) return false;
    // Every entry stays masked until programmed below, so assigning vectors first cannot send a message anywhere.
    msix.enable();
    if (!this.assignVectors(CONFIG_VECTOR, QUEUE_VECTOR)) {
      this.assignVectors(VIRTIO_MSI_NO_VECTOR, VIRTIO_MSI_NO_VECTOR);
      msix.disable();
      return false;
    }
    msix.program(CONFIG_VECTOR, this.interrupts.allocateMessage(() => handlers.config()));
    msix.program(QUEUE_VECTOR, this.interrupts.allocateMessage(() => handlers.queues()));
    return true;
  }

  /** Write the vectors and read them back: a device that cannot use a vector reads back VIRTIO_MSI_NO_VECTOR. */
  private assignVectors(configVector: number, queueVector: number): boolean {
    this.write16(COMMON_MSIX_CONFIG, configVector);
    let accepted = this.read16(COMMON_MSIX_CONFIG) === configVector;
    for (const index of this.notifyAddresses.keys()) {
      this.write16(COMMON_QUEUE_SELECT, index);
      this.write16(COMMON_QUEUE_MSIX_VECTOR, queueVector);
      if (this.read16(COMMON_QUEUE_MSIX_VECTOR) !== queueVector) accepted = false;
    }
    return accepted;
  }

  private listenWithLegacyLine(handlers: { queues(): void; config(): void }): void {
    const line = this.pci.legacyInterruptLine();
    if (line === undefined) throw new Error(`${this.name}: no usable MSI-X vectors and no legacy interrupt line`);
    this.pci.setLegacyInterruptDisabled(false);
    const isrAddress = this.isr.address;
    this.interrupts.attachLine(line, "level", () => {
      // Reading the ISR acknowledges it and lowers the line; the line may be shared, so 0 means not ours.
      const status = this.mmio.read8(isrAddress);
      if (status & ISR_QUEUE) handlers.queues();
      if (status & ISR_CONFIG) handlers.config();
    });
  }

  /** The first usable structure of each type (4.1.4: the driver uses the first it can, and skips the rest). */
  private findStructures(): Map<number, { region: Region; notifyOffMultiplier: number }> {
    const structures = new Map<number, { region: Region; notifyOffMultiplier: number }>();
    for (const capability of this.pci.capabilities()) {
      if (capability.id !== CAPABILITY_ID_VENDOR_SPECIFIC) continue;
      const at = capability.offset;
      const cfgType = this.pci.read8(at + CAP_CFG_TYPE);
      if (!CFG_TYPE_NAMES[cfgType] || structures.has(cfgType)) continue;
      const capSize = this.pci.read8(at + CAP_LENGTH_FIELD);
      if (capSize < (cfgType === CFG_NOTIFY ? NOTIFY_CAP_MIN_SIZE : CAP_MIN_SIZE) || at + capSize > 0x100) continue;
      const barIndex = this.pci.read8(at + CAP_BAR);
      if (barIndex > LAST_BAR) continue; // reserved values must be ignored (4.1.4.1)
      const bar = this.pci.bar(barIndex);
      // The structures may sit in I/O BARs too; we reach devices through Mmio only, so those are skipped.
      if (!bar || bar.kind !== "memory") continue;
      const offset = this.pci.read32(at + CAP_OFFSET);
      const length = this.pci.read32(at + CAP_LENGTH);
      const what = `the ${CFG_TYPE_NAMES[cfgType]} structure (BAR ${barIndex} +${hex(offset)}, ${length} bytes)`;
      if (bar.address === 0) throw new Error(`${this.name}: ${what} is in a BAR firmware gave no address`);
      if (offset + length > bar.size) throw new Error(`${this.name}: ${what} runs past the BAR's ${hex(bar.size)} bytes`);
      const notifyOffMultiplier = cfgType === CFG_NOTIFY ? this.pci.read32(at + CAP_NOTIFY_OFF_MULTIPLIER) : 0;
      structures.set(cfgType, { region: { address: bar.address + offset, length }, notifyOffMultiplier });
    }
    return structures;
  }

  private configAddress(offset: number, width: number): number {
    const config = this.deviceConfig;
    if (!config) throw new Error(`${this.name}: the device has no device configuration structure`);
    if (!(Number.isInteger(offset) && offset >= 0 && offset + width <= config.length)) {
      throw new RangeError(`${this.name}: device configuration access at ${offset} (${width} bytes) is outside its ${config.length} bytes`);
    }
    return config.address + offset;
  }

  private read8(offset: number): number {
    return this.mmio.read8(this.common.address + offset);
  }
  private read16(offset: number): number {
    return this.mmio.read16(this.common.address + offset);
  }
  private read32(offset: number): number {
    return this.mmio.read32(this.common.address + offset) >>> 0;
  }
  private write8(offset: number, value: number): void {
    this.mmio.write8(this.common.address + offset, value);
  }
  private write16(offset: number, value: number): void {
    this.mmio.write16(this.common.address + offset, value);
  }
  private write32(offset: number, value: number): void {
    this.mmio.write32(this.common.address + offset, value);
  }
  /** A 64-bit field as two 32-bit halves, low first (4.1.3.1 allows it). */
  private write64(offset: number, value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${this.name}: ${value} is not a physical address`);
    this.write32(offset, value % TWO_TO_32);
    this.write32(offset + 4, Math.floor(value / TWO_TO_32));
  }
}
