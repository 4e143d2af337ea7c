/**
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), as QEMU's
 * microvm machine provides it: a 512-byte register window per slot and one
 * interrupt line, announced on the kernel command line. Version 1 (legacy)
 * windows are refused.
 */
import type { Interrupts, Mmio } from "../hardware.ts";
import { VirtioError } from "./device.ts";
import type { QueueAddresses, VirtioTransport } from "./transport.ts";

/** Register offsets (4.2.2). All are 32 bits wide; the config space follows. */
const MAGIC_VALUE = 0x000;
const VERSION = 0x004;
const DEVICE_ID = 0x008;
const DEVICE_FEATURES = 0x010;
const DEVICE_FEATURES_SEL = 0x014;
const DRIVER_FEATURES = 0x020;
const DRIVER_FEATURES_SEL = 0x024;
const QUEUE_SEL = 0x030;
const QUEUE_NUM_MAX = 0x034;
const QUEUE_NUM = 0x038;
const QUEUE_READY = 0x044;
const QUEUE_NOTIFY = 0x050;
const INTERRUPT_STATUS = 0x060;
const INTERRUPT_ACK = 0x064;
const STATUS = 0x070;
const QUEUE_DESC_LOW = 0x080;
const QUEUE_DESC_HIGH = 0x084;
const QUEUE_DRIVER_LOW = 0x090;
const QUEUE_DRIVER_HIGH = 0x094;
const QUEUE_DEVICE_LOW = 0x0a0;
const QUEUE_DEVICE_HIGH = 0x0a4;
const CONFIG_GENERATION = 0x0fc;
const CONFIG = 0x100;

/** "virt" in little-endian. */
const MAGIC = 0x74726976;
const LEGACY_VERSION = 1;
const MODERN_VERSION = 2;
const INTERRUPT_USED_BUFFER = 1;
const INTERRUPT_CONFIG_CHANGE = 2;
/** QEMU resets at once; a device still not reset after this many reads never will. */
const RESET_POLL_LIMIT = 1e6;
const TWO_TO_32 = 2 ** 32;
const LOW_32_BITS = 0xffffffffn;

function hex(value: number): string {
  return "0x" + value.toString(16);
}

export class VirtioMmioTransport implements VirtioTransport {
  readonly name: string;
  readonly deviceId: number;

  /**
   * The device whose registers are at `base`, interrupting on I/O APIC input
   * `line`. Throws VirtioError if there is no virtio-mmio window there or it
   * is the legacy version 1. An empty slot is valid, with deviceId 0.
   */
  constructor(private readonly mmio: Mmio, private readonly base: number, private readonly interrupts: Interrupts, private readonly line: number) {
    this.name = `virtio-mmio@${hex(base)}`;
    const magic = this.read(MAGIC_VALUE);
    if (magic !== MAGIC) throw new VirtioError(`${this.name}: no virtio-mmio registers here (magic value ${hex(magic)}, expected ${hex(MAGIC)})`);
    const version = this.read(VERSION);
    if (version === LEGACY_VERSION) throw new VirtioError(`${this.name}: legacy virtio-mmio (version 1) is not supported; QEMU needs -global virtio-mmio.force-legacy=false`);
    if (version !== MODERN_VERSION) throw new VirtioError(`${this.name}: unknown virtio-mmio version ${version}`);
    this.deviceId = this.read(DEVICE_ID);
  }

  reset(): void {
    this.write(STATUS, 0);
    for (let poll = 0; poll < RESET_POLL_LIMIT; poll++) {
      if (this.read(STATUS) === 0) return;
    }
    throw new VirtioError(`${this.name}: the device did not reset (status still ${hex(this.read(STATUS))})`);
  }

  getStatus(): number {
    return this.read(STATUS);
  }

  setStatus(status: number): void {
    this.write(STATUS, status);
  }

  deviceFeatures(): bigint {
    this.write(DEVICE_FEATURES_SEL, 0);
    const low = this.read(DEVICE_FEATURES);
    this.write(DEVICE_FEATURES_SEL, 1);
    const high = this.read(DEVICE_FEATURES);
    return (BigInt(high) << 32n) | BigInt(low);
  }

  setDriverFeatures(features: bigint): void {
    this.write(DRIVER_FEATURES_SEL, 0);
    this.write(DRIVER_FEATURES, Number(features & LOW_32_BITS));
    this.write(DRIVER_FEATURES_SEL, 1);
    this.write(DRIVER_FEATURES, Number((features >> 32n) & LOW_32_BITS));
  }

  queueMaxSize(index: number): number {
    this.write(QUEUE_SEL, index);
    return this.read(QUEUE_NUM_MAX);
  }

  setupQueue(index: number, size: number, addresses: QueueAddresses): void {
    this.write(QUEUE_SEL, index);
    if (this.read(QUEUE_READY) !== 0) throw new VirtioError(`${this.name}: queue ${index} is already in use`);
    this.write(QUEUE_NUM, size);
    this.write64(QUEUE_DESC_LOW, QUEUE_DESC_HIGH, addresses.desc);
    this.write64(QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH, addresses.driver);
    this.write64(QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH, addresses.device);
    this.write(QUEUE_READY, 1);
  }

  notify(index: number): void {
    this.write(QUEUE_NOTIFY, index);
  }

  configRead8(offset: number): number {
    return this.mmio.read8(this.base + CONFIG + offset);
  }
  configRead16(offset: number): number {
    return this.mmio.read16(this.base + CONFIG + offset);
  }
  configRead32(offset: number): number {
    return this.mmio.read32(this.base + CONFIG + offset) >>> 0;
  }
  configWrite8(offset: number, value: number): void {
    this.mmio.write8(this.base + CONFIG + offset, value);
  }
  configWrite16(offset: number, value: number): void {
    this.mmio.write16(this.base + CONFIG + offset, value);
  }
  configWrite32(offset: number, value: number): void {
    this.mmio.write32(this.base + CONFIG + offset, value);
  }

  configGeneration(): number {
    return this.read(CONFIG_GENERATION);
  }

  listen(handlers: { queues(): void; config(): void }): void {
    this.interrupts.attachLine(this.line, "edge", () => {
      const pending = this.read(INTERRUPT_STATUS);
      if (pending === 0) return;
      // Acknowledge first: the device lowers the line, so a buffer it uses while the
      // handlers run raises a new edge instead of hiding behind this one.
      this.write(INTERRUPT_ACK, pending);
      if (pending & INTERRUPT_USED_BUFFER) handlers.queues();
      if (pending & INTERRUPT_CONFIG_CHANGE) handlers.config();
    });
  }

  private read(register: number): number {
    return this.mmio.read32(this.base + register) >>> 0;
  }

  private write(register: number, value: number): void {
    this.mmio.write32(this.base + register, value);
  }

  private write64(low: number, high: number, value: number): void {
    this.write(low, value % TWO_TO_32);
    this.write(high, Math.floor(value / TWO_TO_32));
  }
}

/** Where QEMU put one virtio-mmio window: `size` bytes of registers at `base`, interrupting on `irq`. */
export interface VirtioMmioSlot {
  base: number;
  size: number;
  irq: number;
}

const DEVICE_PARAMETER = "virtio_mmio.device=";
/** <size>[K|M|G]@0x<base>:<irq>[:<id>], as Linux's virtio_mmio module takes it; the optional platform device id is not needed here. */
const DEVICE_SYNTAX = /^(\d+)([KMG]?)@0x([0-9a-f]+):(\d+)(?::\d+)?$/i;
const SIZE_UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const MAX_IRQ = 255;

/**
 * The virtio-mmio windows announced by the `virtio_mmio.device=` words among
 * kernel command-line `words` (others are ignored), in order, with an error
 * for each such word that is malformed.
 */
export function parseVirtioMmioDevices(words: readonly string[]): { slots: VirtioMmioSlot[]; errors: VirtioError[] } {
  const slots: VirtioMmioSlot[] = [];
  const errors: VirtioError[] = [];
  for (const word of words) {
    if (!word.startsWith(DEVICE_PARAMETER)) continue;
    const malformed = (why: string) => errors.push(new VirtioError(`${word}: ${why}`));
    const match = DEVICE_SYNTAX.exec(word.slice(DEVICE_PARAMETER.length));
    if (!match) {
      malformed("expected <size>[K|M|G]@0x<base>:<irq>, like 512@0xfeb00e00:12");
      continue;
    }
    const size = Number(match[1]) * SIZE_UNITS[match[2].toUpperCase()];
    const base = parseInt(match[3], 16);
    const irq = Number(match[4]);
    if (size === 0) malformed("the window size is 0");
    else if (!Number.isSafeInteger(base + size)) malformed("the window does not fit in the physical address space");
    else if (irq > MAX_IRQ) malformed(`interrupt line ${irq} is beyond ${MAX_IRQ}`);
    else slots.push({ base, size, irq });
  }
  return { slots, errors };
}
