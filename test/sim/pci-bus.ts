/**
 * Simulated PCI for Node tests: configuration space behind ports 0xCF8/0xCFC
 * (mechanism #1, bridges routing to the buses behind them), memory-mapped
 * regions for BARs, and interrupts that record what a driver asked for.
 * Accesses a real chipset would not accept throw, so driver bugs show.
 */
import type { Interrupts, MessageInterrupt, Mmio, PortIo } from "../../kernel/devices/hardware.ts";

const CONFIG_ADDRESS_PORT = 0xcf8;
const CONFIG_DATA_PORT = 0xcfc;
const CONFIG_ADDRESS_ENABLE = 0x80000000;
const CONFIG_SIZE = 256;
const COMMAND = 0x04;
const STATUS = 0x06;
const CAPABILITIES_POINTER = 0x34;
const STATUS_CAPABILITIES_LIST = 0x10;
const FIRST_CAPABILITY = 0x40;

export interface SimFunctionIdentity {
  vendorId: number;
  deviceId: number;
  classCode?: number;
  subclass?: number;
  progIf?: number;
  revision?: number;
  subsystemVendorId?: number;
  subsystemId?: number;
  /** Set bit 7 of the header type: the device has more functions. */
  multiFunction?: boolean;
  /** 1 for a PCI-to-PCI bridge; default 0. */
  headerType?: number;
  /** 0 = no INTx pin, 1-4 = INTA-INTD; default 1. */
  interruptPin?: number;
  /** What firmware wrote to register 0x3C; default 11. */
  interruptLine?: number;
}

export interface SimBar {
  kind: "memory" | "io";
  /** A power of two; what sizing must find. */
  size: number;
  address: number;
  is64Bit?: boolean;
  prefetchable?: boolean;
}

/** A configuration write as the function saw it, with the command register at that moment. */
export interface SimConfigWrite {
  offset: number;
  width: number;
  value: number;
  command: number;
}

/** One function's 256 bytes of configuration space, with per-bit write masks as real registers have. */
export class SimPciFunction {
  readonly bytes = new Uint8Array(CONFIG_SIZE);
  /** The bits a driver can change; the rest are read-only. */
  readonly writable = new Uint8Array(CONFIG_SIZE);
  readonly writes: SimConfigWrite[] = [];
  /** Where the last capability's next pointer lives (0x34 while the list is empty). */
  private lastPointer = CAPABILITIES_POINTER;
  private nextCapability = FIRST_CAPABILITY;

  constructor(identity: SimFunctionIdentity) {
    this.set16(0x00, identity.vendorId);
    this.set16(0x02, identity.deviceId);
    this.bytes[0x08] = identity.revision ?? 0;
    this.bytes[0x09] = identity.progIf ?? 0;
    this.bytes[0x0a] = identity.subclass ?? 0;
    this.bytes[0x0b] = identity.classCode ?? 0;
    this.bytes[0x0e] = (identity.headerType ?? 0) | (identity.multiFunction ? 0x80 : 0);
    if ((identity.headerType ?? 0) === 0) {
      this.set16(0x2c, identity.subsystemVendorId ?? 0);
      this.set16(0x2e, identity.subsystemId ?? 0);
    }
    this.bytes[0x3c] = identity.interruptLine ?? 11;
    this.bytes[0x3d] = identity.interruptPin ?? 1;
    this.setWritable(COMMAND, 2, 0x0407); // I/O, memory, bus master, INTx disable
    this.setWritable(0x3c, 1, 0xff);
  }

  /** A PCI-to-PCI bridge forwarding buses secondary..subordinate. */
  static bridge(secondaryBus: number, subordinateBus: number, identity: Partial<SimFunctionIdentity> = {}): SimPciFunction {
    const bridge = new SimPciFunction({ vendorId: 0x8086, deviceId: 0x244e, classCode: 0x06, subclass: 0x04, ...identity, headerType: 1 });
    bridge.bytes[0x19] = secondaryBus;
    bridge.bytes[0x1a] = subordinateBus;
    bridge.setWritable(0x18, 3, 0xffffff);
    return bridge;
  }

  get command(): number {
    return this.get(COMMAND, 2);
  }

  /** Little-endian read of `width` bytes, as the device answers it. */
  get(offset: number, width: number): number {
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + this.bytes[offset + i];
    return value;
  }

  /** Set bytes directly, bypassing the write masks (what the device itself or firmware does). */
  set(offset: number, width: number, value: number): void {
    for (let i = 0; i < width; i++) this.bytes[offset + i] = Math.floor(value / 256 ** i) & 0xff;
  }

  set16(offset: number, value: number): void {
    this.set(offset, 2, value);
  }

  setWritable(offset: number, width: number, mask: number): void {
    for (let i = 0; i < width; i++) this.writable[offset + i] = Math.floor(mask / 256 ** i) & 0xff;
  }

  /** A driver's configuration write: only writable bits change. */
  write(offset: number, width: number, value: number): void {
    this.writes.push({ offset, width, value, command: this.command });
    for (let i = 0; i < width; i++) {
      const byte = Math.floor(value / 256 ** i) & 0xff;
      const mask = this.writable[offset + i];
      this.bytes[offset + i] = (this.bytes[offset + i] & ~mask) | (byte & mask);
    }
  }

  /** Give BAR `index` an address and a size; sizing finds the size through the writable address bits. */
  setBar(index: number, bar: SimBar): void {
    const offset = 0x10 + index * 4;
    const flagBits = bar.kind === "io" ? 0x1 : (bar.is64Bit ? 0x4 : 0) | (bar.prefetchable ? 0x8 : 0);
    const flagMask = bar.kind === "io" ? 0x3 : 0xf;
    const lowAddress = bar.address % 2 ** 32;
    this.set(offset, 4, (lowAddress - (lowAddress % (flagMask + 1))) + flagBits);
    // The writable bits are the address bits at and above the size: ~(size - 1).
    const sizeLow = bar.size % 2 ** 32;
    const lowMask = sizeLow === 0 ? 0 : (0x100000000 - sizeLow) & ~flagMask;
    this.setWritable(offset, 4, lowMask >>> 0);
    if (bar.is64Bit) {
      const high = Math.floor(bar.address / 2 ** 32);
      this.set(offset + 4, 4, high);
      const sizeHigh = Math.floor(bar.size / 2 ** 32);
      this.setWritable(offset + 4, 4, sizeHigh === 0 ? 0xffffffff : (0x100000000 - sizeHigh) >>> 0);
    }
  }

  /**
   * Append a capability: `body` is everything after the id and next-pointer
   * bytes. Returns its offset.
   */
  addCapability(id: number, body: ArrayLike<number>): number {
    const offset = this.nextCapability;
    if (offset + 2 + body.length > CONFIG_SIZE) throw new Error("sim pci: no room for another capability");
    this.bytes[offset] = id;
    this.bytes[offset + 1] = 0;
    this.bytes.set(Array.from(body), offset + 2);
    this.bytes[this.lastPointer] = offset;
    this.lastPointer = offset + 1;
    this.nextCapability = (offset + 2 + body.length + 3) & ~3;
    this.bytes[STATUS] |= STATUS_CAPABILITIES_LIST;
    return offset;
  }
}

/**
 * Configuration space behind the mechanism #1 ports. Bus 0 is always
 * reachable; another bus only through a reachable bridge whose
 * secondary..subordinate range covers it, as on real hardware.
 */
export class SimPciConfigSpace implements PortIo {
  private address = 0;
  private readonly functions = new Map<string, SimPciFunction>();

  /** Put `pci` at bus:device.function and return it. */
  add(bus: number, device: number, fn: number, pci: SimPciFunction): SimPciFunction {
    this.functions.set(`${bus}:${device}.${fn}`, pci);
    return pci;
  }

  in8(port: number): number {
    return this.readData(port, 1);
  }
  in16(port: number): number {
    return this.readData(port, 2);
  }
  in32(port: number): number {
    if (port === CONFIG_ADDRESS_PORT) return this.address;
    return this.readData(port, 4);
  }
  out8(port: number, value: number): void {
    this.writeData(port, 1, value);
  }
  out16(port: number, value: number): void {
    this.writeData(port, 2, value);
  }
  out32(port: number, value: number): void {
    if (port !== CONFIG_ADDRESS_PORT) return this.writeData(port, 4, value);
    // Bits 1:0 are reserved; a driver that sets them means a dword it did not select.
    if (value & 3) throw new Error(`sim pci: 0x${(value >>> 0).toString(16)} written to 0xCF8 has its low bits set`);
    this.address = value >>> 0;
  }

  private readData(port: number, width: number): number {
    const target = this.target(port, width);
    if (!target) return 2 ** (width * 8) - 1; // nobody answers: all ones
    return target.pci.get(target.offset, width);
  }

  private writeData(port: number, width: number, value: number): void {
    const target = this.target(port, width);
    if (target) target.pci.write(target.offset, width, value);
  }

  private target(port: number, width: number): { pci: SimPciFunction; offset: number } | undefined {
    const byte = port - CONFIG_DATA_PORT;
    if (!(byte >= 0 && byte + width <= 4)) {
      throw new Error(`sim pci: a ${width * 8}-bit access to port 0x${port.toString(16)} is not a config data access`);
    }
    if (!(this.address & CONFIG_ADDRESS_ENABLE)) return undefined;
    const bus = (this.address >>> 16) & 0xff;
    const device = (this.address >>> 11) & 0x1f;
    const fn = (this.address >>> 8) & 0x7;
    const pci = this.reachable(bus) ? this.functions.get(`${bus}:${device}.${fn}`) : undefined;
    return pci && { pci, offset: (this.address & 0xfc) + byte };
  }

  private reachable(bus: number, visiting = new Set<number>()): boolean {
    if (bus === 0) return true;
    for (const [where, pci] of this.functions) {
      if ((pci.bytes[0x0e] & 0x7f) !== 1) continue;
      const bridgeBus = Number(where.split(":")[0]);
      if (visiting.has(bridgeBus)) continue;
      if (pci.bytes[0x19] <= bus && bus <= pci.bytes[0x1a] && pci.bytes[0x19] !== 0) {
        visiting.add(bridgeBus);
        if (this.reachable(bridgeBus, visiting)) return true;
      }
    }
    return false;
  }
}

/** A device's registers in one memory-mapped region: offsets are from the region's start. */
export interface SimRegisters {
  read(offset: number, width: number): number;
  write(offset: number, width: number, value: number): void;
}

/** Plain little-endian bytes (an MSI-X table, a device config area). */
export class SimByteRegisters implements SimRegisters {
  readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  read(offset: number, width: number): number {
    return width === 1 ? this.view.getUint8(offset) : width === 2 ? this.view.getUint16(offset, true) : this.view.getUint32(offset, true);
  }

  write(offset: number, width: number, value: number): void {
    if (width === 1) this.view.setUint8(offset, value);
    else if (width === 2) this.view.setUint16(offset, value, true);
    else this.view.setUint32(offset, value >>> 0, true);
  }
}

/** Physical address space for device registers: a set of mapped regions; anything else throws. */
export class SimMmio implements Mmio {
  private readonly regions: { base: number; size: number; registers: SimRegisters }[] = [];

  map(base: number, size: number, registers: SimRegisters): void {
    for (const region of this.regions) {
      if (base < region.base + region.size && region.base < base + size) {
        throw new Error(`sim mmio: 0x${base.toString(16)}+0x${size.toString(16)} overlaps a mapped region`);
      }
    }
    this.regions.push({ base, size, registers });
  }

  read8(address: number): number {
    const region = this.access(address, 1, "read");
    return region.registers.read(address - region.base, 1);
  }
  read16(address: number): number {
    const region = this.access(address, 2, "read");
    return region.registers.read(address - region.base, 2);
  }
  read32(address: number): number {
    const region = this.access(address, 4, "read");
    return region.registers.read(address - region.base, 4);
  }
  write8(address: number, value: number): void {
    const region = this.access(address, 1, "write");
    region.registers.write(address - region.base, 1, value);
  }
  write16(address: number, value: number): void {
    const region = this.access(address, 2, "write");
    region.registers.write(address - region.base, 2, value);
  }
  write32(address: number, value: number): void {
    const region = this.access(address, 4, "write");
    region.registers.write(address - region.base, 4, value);
  }

  private access(address: number, width: number, what: string) {
    if (address % width !== 0) throw new Error(`sim mmio: unaligned ${width * 8}-bit ${what} at 0x${address.toString(16)}`);
    const region = this.regions.find((r) => address >= r.base && address + width <= r.base + r.size);
    if (!region) throw new Error(`sim mmio: ${width * 8}-bit ${what} at 0x${address.toString(16)} hits no device`);
    return region;
  }
}

/** What a driver asked of the interrupt controller, and a way to deliver interrupts to it. */
export class FakeInterrupts implements Interrupts {
  readonly lines: { line: number; trigger: "edge" | "level"; handler: () => void }[] = [];
  readonly messages: { address: number; data: number; handler: () => void }[] = [];

  attachLine(line: number, trigger: "edge" | "level", handler: () => void): void {
    this.lines.push({ line, trigger, handler });
  }

  allocateMessage(handler: () => void): MessageInterrupt {
    // The local APIC's message window, a fresh vector each time.
    const message = { address: 0xfee00000, data: 0x40 + this.messages.length };
    this.messages.push({ ...message, handler });
    return message;
  }

  /** A message write reached the APIC: run the handler it was allocated for. */
  deliverMessage(address: number, data: number): void {
    const message = this.messages.find((m) => m.address === address && m.data === data);
    if (!message) throw new Error(`fake interrupts: message 0x${address.toString(16)}/0x${data.toString(16)} was never allocated`);
    message.handler();
  }

  /** Line `line` is asserted: run whatever is attached to it. */
  raiseLine(line: number): void {
    for (const attached of this.lines) if (attached.line === line) attached.handler();
  }
}
