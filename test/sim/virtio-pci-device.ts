/**
 * A simulated modern virtio-pci device (virtio 1.2, 4.1) for Node tests:
 * configuration space with the virtio capabilities and MSI-X, and behind
 * BAR 4 the common configuration registers, the ISR byte, a device config
 * area and the notification area, laid out as QEMU lays them out. It does not
 * process virtqueues; it records what the driver wrote so tests can check it.
 */
import { type FakeInterrupts, SimByteRegisters, type SimMmio, SimPciFunction, type SimRegisters } from "./pci-bus.ts";

export const SIM_VIRTIO_NO_VECTOR = 0xffff;
const STATUS_FEATURES_OK = 8;
const ISR_QUEUE = 1;
const ISR_CONFIG = 2;
const COMMAND_INTX_DISABLE = 1 << 10;
const MSIX_CONTROL_FUNCTION_MASK = 1 << 14;
const MSIX_CONTROL_ENABLE = 1 << 15;

/** Where the structures sit in BAR 4, one page each as in QEMU. */
const SIM_COMMON_OFFSET = 0x0000;
const SIM_ISR_OFFSET = 0x1000;
const SIM_DEVICE_CONFIG_OFFSET = 0x2000;
const SIM_NOTIFY_OFFSET = 0x3000;
const STRUCTURES_BAR = 4;
const STRUCTURES_BAR_SIZE = 0x4000;
const STRUCTURE_PAGE = 0x1000;
const COMMON_LENGTH = 0x38;
const MSIX_BAR = 1;
const MSIX_BAR_SIZE = 0x1000;
const MSIX_PBA_OFFSET = 0x800;

export const CFG_COMMON = 1;
export const CFG_NOTIFY = 2;
export const CFG_ISR = 3;
export const CFG_DEVICE = 4;
const CFG_PCI = 5;

export interface SimVirtioPciOptions {
  /** The virtio device type (1 net, 2 block, ...). */
  deviceType: number;
  /** Default the modern id 0x1040 + deviceType. */
  pciDeviceId?: number;
  /** Default 0x1AF4. */
  vendorId?: number;
  /** Default deviceType, which is where a transitional device keeps its type. */
  subsystemId?: number;
  features?: bigint;
  /** One entry per queue: its largest size. Default [256, 256]. */
  queueMaxSizes?: number[];
  /** queue_notify_off per queue; default the queue's index. */
  queueNotifyOffs?: number[];
  notifyOffMultiplier?: number;
  deviceConfig?: ArrayLike<number>;
  /** Physical address of BAR 4 (64-bit), which holds the virtio structures. */
  barAddress?: number;
  /** Physical address of BAR 1 (32-bit), which holds the MSI-X table. */
  msixBarAddress?: number;
  /** MSI-X table entries; 0 for no MSI-X capability. Default 3. */
  msixVectors?: number;
  /** False: the device refuses every vector (reads back NO_VECTOR), as when it could not allocate them. */
  acceptsVectors?: boolean;
  interruptLine?: number;
  interruptPin?: number;
  /** Virtio structure types (CFG_*) to leave out of the capability list. */
  omitStructures?: number[];
  /** Status reads still return the old status this many times after a reset; Infinity for a device that never resets. */
  resetReads?: number;
}

/** One queue as the driver configured it. */
export interface SimQueueState {
  readonly maxSize: number;
  readonly notifyOff: number;
  size: number;
  enabled: boolean;
  desc: number;
  driver: number;
  device: number;
  msixVector: number;
}

export class SimVirtioPciDevice {
  readonly pci: SimPciFunction;
  readonly deviceConfig: SimByteRegisters;
  readonly msixTable: SimByteRegisters | undefined;
  readonly queues: SimQueueState[];
  /** Every notification written, as offset into the notification structure and the value (the queue index). */
  readonly notifications: { offset: number; value: number }[] = [];
  /** Every common configuration write, in order: [offset, value]. */
  readonly commonWrites: [number, number][] = [];
  readonly deviceFeatures: bigint;
  readonly notifyOffMultiplier: number;
  status = 0;
  isr = 0;
  configGeneration = 0;
  msixConfig = SIM_VIRTIO_NO_VECTOR;
  deviceFeatureSelect = 0;
  driverFeatureSelect = 0;
  queueSelect = 0;
  private readonly driverFeatureWords = [0, 0];
  private readonly msixCapability: number | undefined;
  private readonly msixVectors: number;
  private statusBeforeReset = 0;
  private resetReadsLeft = 0;

  constructor(mmio: SimMmio, private readonly interrupts: FakeInterrupts, private readonly options: SimVirtioPciOptions) {
    const barAddress = options.barAddress ?? 0xfe000000;
    const msixBarAddress = options.msixBarAddress ?? 0xfeb00000;
    this.deviceFeatures = options.features ?? 1n << 32n;
    this.notifyOffMultiplier = options.notifyOffMultiplier ?? 4;
    this.msixVectors = options.msixVectors ?? 3;
    const sizes = options.queueMaxSizes ?? [256, 256];
    this.queues = sizes.map((maxSize, index) => ({
      maxSize, size: maxSize, notifyOff: options.queueNotifyOffs?.[index] ?? index,
      enabled: false, desc: 0, driver: 0, device: 0, msixVector: SIM_VIRTIO_NO_VECTOR,
    }));
    this.deviceConfig = new SimByteRegisters(STRUCTURE_PAGE);
    this.deviceConfig.bytes.set(Array.from(options.deviceConfig ?? []));

    this.pci = new SimPciFunction({
      vendorId: options.vendorId ?? 0x1af4,
      deviceId: options.pciDeviceId ?? 0x1040 + options.deviceType,
      revision: 1,
      classCode: 0xff,
      subsystemVendorId: 0x1af4,
      subsystemId: options.subsystemId ?? options.deviceType,
      interruptLine: options.interruptLine,
      interruptPin: options.interruptPin,
    });
    this.pci.setBar(STRUCTURES_BAR, { kind: "memory", address: barAddress, size: STRUCTURES_BAR_SIZE, is64Bit: true, prefetchable: true });

    const omitted = new Set(options.omitStructures ?? []);
    const structure = (cfgType: number, offset: number, length: number, extra: number[] = []) => {
      if (omitted.has(cfgType)) return;
      const capLength = 16 + extra.length;
      this.pci.addCapability(0x09, [capLength, cfgType, STRUCTURES_BAR, 0, 0, 0, ...le32(offset), ...le32(length), ...extra]);
    };
    const notifyLength = Math.max(...this.queues.map((q) => q.notifyOff)) * this.notifyOffMultiplier + 2;
    structure(CFG_COMMON, SIM_COMMON_OFFSET, COMMON_LENGTH);
    structure(CFG_ISR, SIM_ISR_OFFSET, 1);
    structure(CFG_DEVICE, SIM_DEVICE_CONFIG_OFFSET, options.deviceConfig?.length ?? 0);
    structure(CFG_NOTIFY, SIM_NOTIFY_OFFSET, notifyLength, le32(this.notifyOffMultiplier));
    // The config-space access window (VIRTIO_PCI_CAP_PCI_CFG): drivers that map BARs ignore it.
    this.pci.addCapability(0x09, [20, CFG_PCI, 0, 0, 0, 0, ...le32(0), ...le32(0), ...le32(0)]);

    mmio.map(barAddress + SIM_COMMON_OFFSET, STRUCTURE_PAGE, { read: (o, w) => this.readCommon(o, w), write: (o, w, v) => this.writeCommon(o, w, v) });
    mmio.map(barAddress + SIM_ISR_OFFSET, STRUCTURE_PAGE, { read: (o, w) => this.readIsr(o, w), write: () => fail("the driver wrote the ISR") });
    mmio.map(barAddress + SIM_DEVICE_CONFIG_OFFSET, STRUCTURE_PAGE, this.deviceConfig);
    mmio.map(barAddress + SIM_NOTIFY_OFFSET, STRUCTURE_PAGE, this.notifyRegisters());

    if (this.msixVectors > 0) {
      this.pci.setBar(MSIX_BAR, { kind: "memory", address: msixBarAddress, size: MSIX_BAR_SIZE });
      this.msixCapability = this.pci.addCapability(0x11, [
        ...le16(this.msixVectors - 1), ...le32(MSIX_BAR), ...le32(MSIX_PBA_OFFSET | MSIX_BAR),
      ]);
      this.pci.setWritable(this.msixCapability + 2, 2, MSIX_CONTROL_ENABLE | MSIX_CONTROL_FUNCTION_MASK);
      this.msixTable = new SimByteRegisters(MSIX_BAR_SIZE);
      // Entries come out of reset masked.
      for (let i = 0; i < this.msixVectors; i++) this.msixTable.write(i * 16 + 12, 4, 1);
      mmio.map(msixBarAddress, MSIX_BAR_SIZE, this.msixTable);
    }
  }

  /** The 64 feature bits the driver wrote through driver_feature_select 0 and 1. */
  get driverFeatures(): bigint {
    return (BigInt(this.driverFeatureWords[1]) << 32n) | BigInt(this.driverFeatureWords[0]);
  }

  get msixEnabled(): boolean {
    return this.msixCapability !== undefined && (this.pci.get(this.msixCapability + 2, 2) & MSIX_CONTROL_ENABLE) !== 0;
  }

  get msixFunctionMasked(): boolean {
    return this.msixCapability !== undefined && (this.pci.get(this.msixCapability + 2, 2) & MSIX_CONTROL_FUNCTION_MASK) !== 0;
  }

  msixEntry(index: number): { address: number; data: number; masked: boolean } {
    const table = this.msixTable;
    if (!table) throw new Error("sim virtio: no MSI-X table");
    const at = index * 16;
    return { address: table.read(at + 4, 4) * 2 ** 32 + table.read(at, 4), data: table.read(at + 8, 4), masked: (table.read(at + 12, 4) & 1) !== 0 };
  }

  /** The INTx line is high: level-triggered, it stays so until the driver reads the ISR. */
  get legacyLineAsserted(): boolean {
    return !this.msixEnabled && this.isr !== 0;
  }

  /** The device used buffers of `queue`. */
  raiseQueueInterrupt(queue: number): void {
    this.interrupt(ISR_QUEUE, this.queues[queue].msixVector);
  }

  /** The device changes its config: new bytes, a new generation, an interrupt. */
  changeConfig(offset: number, bytes: ArrayLike<number>): void {
    this.deviceConfig.bytes.set(Array.from(bytes), offset);
    this.configGeneration = (this.configGeneration + 1) & 0xff;
    this.interrupt(ISR_CONFIG, this.msixConfig);
  }

  private interrupt(isrBit: number, vector: number): void {
    if (this.msixEnabled) {
      if (vector === SIM_VIRTIO_NO_VECTOR) return;
      const entry = this.msixEntry(vector);
      if (!entry.masked && !this.msixFunctionMasked) this.interrupts.deliverMessage(entry.address, entry.data);
      return;
    }
    this.isr |= isrBit;
    if (!(this.pci.command & COMMAND_INTX_DISABLE)) this.interrupts.raiseLine(this.pci.bytes[0x3c]);
  }

  private readIsr(offset: number, width: number): number {
    if (offset !== 0 || width !== 1) fail(`ISR read at +${offset} with width ${width}`);
    const isr = this.isr;
    this.isr = 0; // reading acknowledges
    return isr;
  }

  private notifyRegisters(): SimRegisters {
    return {
      read: () => fail("the driver read the notification area"),
      write: (offset, width, value) => {
        if (width !== 2) fail(`notification written with width ${width}`);
        this.notifications.push({ offset, value });
      },
    };
  }

  private selectedQueue(): SimQueueState | undefined {
    return this.queues[this.queueSelect];
  }

  /** A vector the device can use, or NO_VECTOR: how a device says it refused one. */
  private acceptVector(vector: number): number {
    const usable = this.options.acceptsVectors !== false && vector < this.msixVectors;
    return usable ? vector : SIM_VIRTIO_NO_VECTOR;
  }

  private readCommon(offset: number, width: number): number {
    const queue = this.selectedQueue();
    const field = (expected: number, value: number) => {
      if (width !== expected) fail(`common config +0x${offset.toString(16)} read with width ${width}, not ${expected}`);
      return value;
    };
    switch (offset) {
      case 0x00: return field(4, this.deviceFeatureSelect);
      case 0x04: return field(4, this.deviceFeatureSelect > 1 ? 0 : Number((this.deviceFeatures >> BigInt(32 * this.deviceFeatureSelect)) & 0xffffffffn));
      case 0x08: return field(4, this.driverFeatureSelect);
      case 0x0c: return field(4, this.driverFeatureWords[this.driverFeatureSelect] ?? 0);
      case 0x10: return field(2, this.msixConfig);
      case 0x12: return field(2, this.queues.length);
      case 0x14: return field(1, this.readStatus());
      case 0x15: return field(1, this.configGeneration);
      case 0x16: return field(2, this.queueSelect);
      case 0x18: return field(2, queue?.size ?? 0);
      case 0x1a: return field(2, queue?.msixVector ?? SIM_VIRTIO_NO_VECTOR);
      case 0x1c: return field(2, queue?.enabled ? 1 : 0);
      case 0x1e: return field(2, queue?.notifyOff ?? 0);
      case 0x20: case 0x24: return field(4, half(queue?.desc ?? 0, offset - 0x20));
      case 0x28: case 0x2c: return field(4, half(queue?.driver ?? 0, offset - 0x28));
      case 0x30: case 0x34: return field(4, half(queue?.device ?? 0, offset - 0x30));
    }
    return fail(`common config read at +0x${offset.toString(16)}`);
  }

  private writeCommon(offset: number, width: number, value: number): void {
    this.commonWrites.push([offset, value]);
    const queue = this.selectedQueue();
    const field = (expected: number) => {
      if (width !== expected) fail(`common config +0x${offset.toString(16)} written with width ${width}, not ${expected}`);
    };
    switch (offset) {
      case 0x00: field(4); this.deviceFeatureSelect = value; return;
      case 0x08: field(4); this.driverFeatureSelect = value; return;
      case 0x0c:
        field(4);
        if (this.driverFeatureSelect < 2) this.driverFeatureWords[this.driverFeatureSelect] = value >>> 0;
        return;
      case 0x10: field(2); this.msixConfig = this.acceptVector(value); return;
      case 0x14: field(1); this.writeStatus(value); return;
      case 0x16: field(2); this.queueSelect = value; return;
      case 0x18: field(2); if (queue) queue.size = value; return;
      case 0x1a: field(2); if (queue) queue.msixVector = this.acceptVector(value); return;
      case 0x1c: field(2); if (queue) queue.enabled = value === 1; return;
      case 0x20: case 0x24: field(4); if (queue) queue.desc = withHalf(queue.desc, offset - 0x20, value); return;
      case 0x28: case 0x2c: field(4); if (queue) queue.driver = withHalf(queue.driver, offset - 0x28, value); return;
      case 0x30: case 0x34: field(4); if (queue) queue.device = withHalf(queue.device, offset - 0x30, value); return;
    }
    fail(`common config write at +0x${offset.toString(16)} (read-only or unknown)`);
  }

  private readStatus(): number {
    if (this.resetReadsLeft > 0) {
      this.resetReadsLeft--;
      return this.statusBeforeReset;
    }
    return this.status;
  }

  private writeStatus(value: number): void {
    if (value === 0) return this.reset();
    // A device that cannot do what the driver chose leaves FEATURES_OK clear (3.1.1).
    if (value & STATUS_FEATURES_OK && (this.driverFeatures & ~this.deviceFeatures) !== 0n) value &= ~STATUS_FEATURES_OK;
    this.status = value;
  }

  private reset(): void {
    this.statusBeforeReset = this.status;
    this.resetReadsLeft = this.options.resetReads ?? 0;
    this.status = 0;
    this.isr = 0;
    this.msixConfig = SIM_VIRTIO_NO_VECTOR;
    this.driverFeatureWords[0] = this.driverFeatureWords[1] = 0;
    for (const queue of this.queues) {
      Object.assign(queue, { size: queue.maxSize, enabled: false, desc: 0, driver: 0, device: 0, msixVector: SIM_VIRTIO_NO_VECTOR });
    }
  }
}

function fail(what: string): never {
  throw new Error(`sim virtio-pci: ${what}`);
}

function le16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** The low (0) or high (4) 32 bits of a 64-bit register held as a number. */
function half(value: number, which: number): number {
  return which === 0 ? value % 2 ** 32 : Math.floor(value / 2 ** 32);
}

function withHalf(value: number, which: number, part: number): number {
  return which === 0 ? half(value, 4) * 2 ** 32 + (part >>> 0) : (part >>> 0) * 2 ** 32 + half(value, 0);
}
