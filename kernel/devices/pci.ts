/**
 * PCI for the guest (q35): configuration access mechanism #1 over ports
 * 0xCF8/0xCFC, enumeration of the buses firmware set up, and per function
 * its identity, BARs, capability list, MSI-X table and legacy interrupt line.
 *
 * Firmware (SeaBIOS on q35) has already numbered the buses behind bridges and
 * given every BAR an address; this code reads what it set and never
 * re-assigns. Config space comes from devices we do not control, so every
 * pointer read from it is checked before it is followed.
 */
import type { MessageInterrupt, Mmio, PortIo } from "./hardware.ts";

const CONFIG_ADDRESS_PORT = 0xcf8;
const CONFIG_DATA_PORT = 0xcfc;
const CONFIG_ADDRESS_ENABLE = 0x80000000;
/** Mechanism #1 reaches the conventional 256 bytes; the extended space needs ECAM. */
const PCI_CONFIG_SPACE_SIZE = 256;

/** Configuration header offsets (PCI Local Bus 3.0, 6.1; PCI-to-PCI Bridge 1.2, 3.2). */
const VENDOR_ID = 0x00;
const DEVICE_ID = 0x02;
const COMMAND = 0x04;
const STATUS = 0x06;
const REVISION_ID = 0x08;
const HEADER_TYPE = 0x0e;
const BAR0 = 0x10;
const BRIDGE_SECONDARY_BUS = 0x19;
const SUBSYSTEM_VENDOR_ID = 0x2c;
const SUBSYSTEM_ID = 0x2e;
const CAPABILITIES_POINTER = 0x34;
const INTERRUPT_LINE = 0x3c;
const INTERRUPT_PIN = 0x3d;
/** Capabilities live after the standard header. */
const HEADER_SIZE = 0x40;

export const HEADER_TYPE_GENERAL = 0;
export const HEADER_TYPE_BRIDGE = 1;
const HEADER_TYPE_MULTI_FUNCTION = 0x80;

const COMMAND_IO_SPACE = 1 << 0;
const COMMAND_MEMORY_SPACE = 1 << 1;
const COMMAND_BUS_MASTER = 1 << 2;
const COMMAND_INTX_DISABLE = 1 << 10;
const STATUS_CAPABILITIES_LIST = 1 << 4;

export const CAPABILITY_ID_VENDOR_SPECIFIC = 0x09;
export const CAPABILITY_ID_MSIX = 0x11;

const BAR_IO = 0x1;
const BAR_MEMORY_TYPE_MASK = 0x6;
const BAR_MEMORY_TYPE_32 = 0x0;
const BAR_MEMORY_TYPE_BELOW_1M = 0x2;
const BAR_MEMORY_TYPE_64 = 0x4;
const BAR_MEMORY_PREFETCHABLE = 0x8;
const BAR_IO_ADDRESS_MASK = 0xfffffffc;
const BAR_MEMORY_ADDRESS_MASK = 0xfffffff0;

/** MSI-X capability and table layout (PCI Local Bus 3.0, 6.8.2). */
const MSIX_CONTROL = 2;
const MSIX_TABLE = 4;
const MSIX_CONTROL_TABLE_SIZE_MASK = 0x7ff;
const MSIX_CONTROL_FUNCTION_MASK = 1 << 14;
const MSIX_CONTROL_ENABLE = 1 << 15;
const MSIX_BIR_MASK = 0x7;
const MSIX_ENTRY_SIZE = 16;
const MSIX_ENTRY_ADDRESS_LOW = 0;
const MSIX_ENTRY_ADDRESS_HIGH = 4;
const MSIX_ENTRY_DATA = 8;
const MSIX_ENTRY_VECTOR_CONTROL = 12;
const MSIX_VECTOR_MASKED = 1;

/** A legacy interrupt line register of 0xFF means firmware did not connect the pin. */
const INTERRUPT_LINE_UNKNOWN = 0xff;
const FUNCTION_ABSENT_VENDOR = 0xffff;

const TWO_TO_32 = 2 ** 32;

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, "0");
}

/** The lowest set bit of an unsigned 32-bit value: a BAR's size from its sizing read-back. */
function lowestSetBit(value: number): number {
  return (value & -value) >>> 0;
}

/**
 * Configuration access mechanism #1: write the function and dword to 0xCF8
 * (with the enable bit), then read or write 0xCFC-0xCFF. An 8- or 16-bit
 * access goes to the data port at its byte offset within the dword.
 */
export class PciConfigAccess {
  constructor(private readonly ports: PortIo) {}

  read8(bus: number, device: number, fn: number, offset: number): number {
    this.select(bus, device, fn, offset, 1);
    return this.ports.in8(CONFIG_DATA_PORT + (offset & 3)) & 0xff;
  }
  read16(bus: number, device: number, fn: number, offset: number): number {
    this.select(bus, device, fn, offset, 2);
    return this.ports.in16(CONFIG_DATA_PORT + (offset & 3)) & 0xffff;
  }
  read32(bus: number, device: number, fn: number, offset: number): number {
    this.select(bus, device, fn, offset, 4);
    return this.ports.in32(CONFIG_DATA_PORT) >>> 0;
  }
  write8(bus: number, device: number, fn: number, offset: number, value: number): void {
    this.select(bus, device, fn, offset, 1);
    this.ports.out8(CONFIG_DATA_PORT + (offset & 3), value & 0xff);
  }
  write16(bus: number, device: number, fn: number, offset: number, value: number): void {
    this.select(bus, device, fn, offset, 2);
    this.ports.out16(CONFIG_DATA_PORT + (offset & 3), value & 0xffff);
  }
  write32(bus: number, device: number, fn: number, offset: number, value: number): void {
    this.select(bus, device, fn, offset, 4);
    this.ports.out32(CONFIG_DATA_PORT, value >>> 0);
  }

  /** Latch the dword holding `offset`. The data port is one dword wide, so an access must not cross into the next. */
  private select(bus: number, device: number, fn: number, offset: number, width: number): void {
    if (!(Number.isInteger(bus) && bus >= 0 && bus <= 255 && Number.isInteger(device) && device >= 0 && device <= 31 &&
      Number.isInteger(fn) && fn >= 0 && fn <= 7)) {
      throw new RangeError(`pci: no such function ${bus}:${device}.${fn}`);
    }
    if (!(Number.isInteger(offset) && offset >= 0 && offset < PCI_CONFIG_SPACE_SIZE && (offset & 3) + width <= 4)) {
      throw new RangeError(`pci: a ${width * 8}-bit config access at offset ${offset} is outside one dword of the 256-byte space`);
    }
    const address = CONFIG_ADDRESS_ENABLE | (bus << 16) | (device << 11) | (fn << 8) | (offset & 0xfc);
    this.ports.out32(CONFIG_ADDRESS_PORT, address >>> 0);
  }
}

/** A decoded base address register. */
export interface PciBar {
  /** 0-5; a 64-bit BAR is named by its lower register. */
  readonly index: number;
  readonly kind: "memory" | "io";
  /** Physical address (memory) or port (I/O) firmware assigned; 0 if it assigned none. */
  readonly address: number;
  /** Bytes (or ports) the BAR decodes. */
  readonly size: number;
  readonly is64Bit: boolean;
  readonly prefetchable: boolean;
}

export interface PciCapability {
  readonly id: number;
  /** Where the capability starts in configuration space. */
  readonly offset: number;
}

/** One function of a PCI device, as found by enumeration. */
export class PciFunction {
  readonly bus: number;
  readonly device: number;
  readonly function: number;
  readonly vendorId: number;
  readonly deviceId: number;
  readonly revision: number;
  readonly progIf: number;
  readonly subclass: number;
  readonly classCode: number;
  /** The header layout without the multi-function bit: HEADER_TYPE_GENERAL, HEADER_TYPE_BRIDGE, or 2 (CardBus). */
  readonly headerType: number;
  /** Bit 7 of the header type register: the device has functions besides 0. */
  readonly multiFunction: boolean;
  /** Subsystem ids exist in the general header only; 0 for bridges. */
  readonly subsystemVendorId: number;
  readonly subsystemId: number;
  /** e.g. "00:03.0" */
  readonly name: string;
  /** Sizing a BAR disturbs it, so each function is sized once. */
  private decodedBars: (PciBar | undefined)[] | undefined;

  constructor(private readonly access: PciConfigAccess, bus: number, device: number, fn: number) {
    this.bus = bus;
    this.device = device;
    this.function = fn;
    this.name = `${hex(bus, 2)}:${hex(device, 2)}.${fn}`;
    this.vendorId = this.read16(VENDOR_ID);
    this.deviceId = this.read16(DEVICE_ID);
    const classWord = this.read32(REVISION_ID);
    this.revision = classWord & 0xff;
    this.progIf = (classWord >>> 8) & 0xff;
    this.subclass = (classWord >>> 16) & 0xff;
    this.classCode = classWord >>> 24;
    const headerType = this.read8(HEADER_TYPE);
    this.headerType = headerType & ~HEADER_TYPE_MULTI_FUNCTION;
    this.multiFunction = (headerType & HEADER_TYPE_MULTI_FUNCTION) !== 0;
    const general = this.headerType === HEADER_TYPE_GENERAL;
    this.subsystemVendorId = general ? this.read16(SUBSYSTEM_VENDOR_ID) : 0;
    this.subsystemId = general ? this.read16(SUBSYSTEM_ID) : 0;
  }

  read8(offset: number): number {
    return this.access.read8(this.bus, this.device, this.function, offset);
  }
  read16(offset: number): number {
    return this.access.read16(this.bus, this.device, this.function, offset);
  }
  read32(offset: number): number {
    return this.access.read32(this.bus, this.device, this.function, offset);
  }
  write8(offset: number, value: number): void {
    this.access.write8(this.bus, this.device, this.function, offset, value);
  }
  write16(offset: number, value: number): void {
    this.access.write16(this.bus, this.device, this.function, offset, value);
  }
  write32(offset: number, value: number): void {
    this.access.write32(this.bus, this.device, this.function, offset, value);
  }

  /** Let the function answer memory accesses to its BARs and start DMA of its own. */
  enableMemoryAndBusMastering(): void {
    this.write16(COMMAND, this.read16(COMMAND) | COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER);
  }

  /** Set or clear the command register's INTx disable bit; a driver using the legacy line needs it clear. */
  setLegacyInterruptDisabled(disabled: boolean): void {
    const command = this.read16(COMMAND);
    this.write16(COMMAND, disabled ? command | COMMAND_INTX_DISABLE : command & ~COMMAND_INTX_DISABLE);
  }

  /**
   * The legacy interrupt line firmware routed this function's INTx pin to
   * (register 0x3C), or undefined if the function has no pin or firmware
   * left it unconnected.
   */
  legacyInterruptLine(): number | undefined {
    if (this.read8(INTERRUPT_PIN) === 0) return undefined;
    const line = this.read8(INTERRUPT_LINE);
    return line === INTERRUPT_LINE_UNKNOWN ? undefined : line;
  }

  /** BAR `index` (0-5), or undefined if it is not implemented, sizes to 0, or is the upper half of a 64-bit BAR. */
  bar(index: number): PciBar | undefined {
    return this.barTable()[index];
  }

  /** Every implemented BAR. */
  bars(): PciBar[] {
    return this.barTable().filter((bar): bar is PciBar => bar !== undefined);
  }

  /**
   * The capability list, in list order. Throws if the list points into the
   * header or loops, rather than guess which part of it to trust.
   */
  capabilities(): PciCapability[] {
    const found: PciCapability[] = [];
    // CardBus keeps its pointer elsewhere, and no device we drive is CardBus.
    if (this.headerType !== HEADER_TYPE_GENERAL && this.headerType !== HEADER_TYPE_BRIDGE) return found;
    if ((this.read16(STATUS) & STATUS_CAPABILITIES_LIST) === 0) return found;
    const visited = new Set<number>();
    // The two low bits of every pointer are reserved: devices may set them.
    let pointer = this.read8(CAPABILITIES_POINTER) & 0xfc;
    while (pointer !== 0) {
      if (pointer < HEADER_SIZE) {
        throw new Error(`pci ${this.name}: capability pointer 0x${hex(pointer, 2)} points into the configuration header`);
      }
      if (visited.has(pointer)) {
        throw new Error(`pci ${this.name}: capability list loops back to 0x${hex(pointer, 2)}`);
      }
      visited.add(pointer);
      found.push({ id: this.read8(pointer), offset: pointer });
      pointer = this.read8(pointer + 1) & 0xfc;
    }
    return found;
  }

  /** Where the first capability with this id starts, or undefined. */
  findCapability(id: number): number | undefined {
    for (const capability of this.capabilities()) if (capability.id === id) return capability.offset;
    return undefined;
  }

  /** The function's MSI-X capability with its table mapped through `mmio`, or undefined if it has none. */
  msix(mmio: Mmio): PciMsix | undefined {
    const offset = this.findCapability(CAPABILITY_ID_MSIX);
    return offset === undefined ? undefined : new PciMsix(this, offset, mmio);
  }

  private barTable(): (PciBar | undefined)[] {
    if (this.decodedBars) return this.decodedBars;
    const count = this.headerType === HEADER_TYPE_GENERAL ? 6 : this.headerType === HEADER_TYPE_BRIDGE ? 2 : 0;
    const bars: (PciBar | undefined)[] = [];
    const command = this.read16(COMMAND);
    // While a BAR holds all-ones it decodes a nonsense range; turn decoding off so nothing answers there.
    this.write16(COMMAND, command & ~(COMMAND_IO_SPACE | COMMAND_MEMORY_SPACE));
    try {
      for (let index = 0; index < count; ) {
        const low = this.read32(BAR0 + index * 4);
        if (low & BAR_IO) {
          bars[index] = this.decodeIoBar(index, low);
          index += 1;
        } else if ((low & BAR_MEMORY_TYPE_MASK) === BAR_MEMORY_TYPE_64) {
          // A 64-bit BAR in the last slot has no upper half: malformed, skipped.
          if (index + 1 < count) bars[index] = this.decodeMemory64Bar(index, low);
          index += 2;
        } else if ((low & BAR_MEMORY_TYPE_MASK) === BAR_MEMORY_TYPE_32 || (low & BAR_MEMORY_TYPE_MASK) === BAR_MEMORY_TYPE_BELOW_1M) {
          bars[index] = this.decodeMemory32Bar(index, low);
          index += 1;
        } else {
          index += 1; // the reserved memory type: nothing we can map
        }
      }
    } finally {
      this.write16(COMMAND, command);
    }
    this.decodedBars = bars;
    return bars;
  }

  /** Write all-ones to a BAR register and see which address bits stick, then put the register back. */
  private sizingMask(offset: number): number {
    const original = this.read32(offset);
    this.write32(offset, 0xffffffff);
    const mask = this.read32(offset);
    this.write32(offset, original);
    return mask;
  }

  private decodeIoBar(index: number, low: number): PciBar | undefined {
    const mask = (this.sizingMask(BAR0 + index * 4) & BAR_IO_ADDRESS_MASK) >>> 0;
    if (mask === 0) return undefined;
    return { index, kind: "io", address: (low & BAR_IO_ADDRESS_MASK) >>> 0, size: lowestSetBit(mask), is64Bit: false, prefetchable: false };
  }

  private decodeMemory32Bar(index: number, low: number): PciBar | undefined {
    const mask = (this.sizingMask(BAR0 + index * 4) & BAR_MEMORY_ADDRESS_MASK) >>> 0;
    if (mask === 0) return undefined;
    return {
      index, kind: "memory", address: (low & BAR_MEMORY_ADDRESS_MASK) >>> 0, size: lowestSetBit(mask),
      is64Bit: false, prefetchable: (low & BAR_MEMORY_PREFETCHABLE) !== 0,
    };
  }

  private decodeMemory64Bar(index: number, low: number): PciBar | undefined {
    const high = this.read32(BAR0 + (index + 1) * 4);
    const maskLow = (this.sizingMask(BAR0 + index * 4) & BAR_MEMORY_ADDRESS_MASK) >>> 0;
    const maskHigh = this.sizingMask(BAR0 + (index + 1) * 4);
    if (maskLow === 0 && maskHigh === 0) return undefined;
    const size = maskLow !== 0 ? lowestSetBit(maskLow) : lowestSetBit(maskHigh) * TWO_TO_32;
    const address = high * TWO_TO_32 + ((low & BAR_MEMORY_ADDRESS_MASK) >>> 0);
    // Addresses are plain numbers; a BAR beyond 2^53 cannot be named, so it is left alone.
    if (address + size > Number.MAX_SAFE_INTEGER) return undefined;
    return { index, kind: "memory", address, size, is64Bit: true, prefetchable: (low & BAR_MEMORY_PREFETCHABLE) !== 0 };
  }
}

/**
 * A function's MSI-X capability and its vector table, which lives in one of
 * its memory BARs. The BAR must be decoding (enableMemoryAndBusMastering).
 */
export class PciMsix {
  /** Number of entries in the table. */
  readonly tableSize: number;
  /** Physical address of entry 0. */
  readonly tableAddress: number;

  constructor(private readonly pci: PciFunction, private readonly capability: number, private readonly mmio: Mmio) {
    this.tableSize = (pci.read16(capability + MSIX_CONTROL) & MSIX_CONTROL_TABLE_SIZE_MASK) + 1;
    const table = pci.read32(capability + MSIX_TABLE);
    const barIndex = table & MSIX_BIR_MASK;
    const offset = (table & ~MSIX_BIR_MASK) >>> 0;
    const bar = pci.bar(barIndex);
    const where = `pci ${pci.name}: MSI-X table in BAR ${barIndex}`;
    if (!bar || bar.kind !== "memory") throw new Error(`${where}, which is not a memory BAR`);
    if (bar.address === 0) throw new Error(`${where}, which firmware gave no address`);
    if (offset + this.tableSize * MSIX_ENTRY_SIZE > bar.size) {
      throw new Error(`${where} at +0x${offset.toString(16)} with ${this.tableSize} entries runs past the BAR's 0x${bar.size.toString(16)} bytes`);
    }
    this.tableAddress = bar.address + offset;
  }

  get enabled(): boolean {
    return (this.control() & MSIX_CONTROL_ENABLE) !== 0;
  }

  /**
   * Turn MSI-X on (which also silences INTx) with every entry masked, so no
   * message goes out before `program` fills its entry.
   */
  enable(): void {
    if ((this.pci.read16(COMMAND) & COMMAND_MEMORY_SPACE) === 0) {
      throw new Error(`pci ${this.pci.name}: MSI-X needs memory decoding on to reach its table`);
    }
    // Firmware may have left entries unmasked with stale messages: hold the whole function masked while masking them.
    this.setControl(this.control() | MSIX_CONTROL_ENABLE | MSIX_CONTROL_FUNCTION_MASK);
    for (let index = 0; index < this.tableSize; index++) this.maskEntry(index);
    this.setControl((this.control() | MSIX_CONTROL_ENABLE) & ~MSIX_CONTROL_FUNCTION_MASK);
  }

  /** Turn MSI-X off; the function goes back to INTx. */
  disable(): void {
    this.setControl(this.control() & ~(MSIX_CONTROL_ENABLE | MSIX_CONTROL_FUNCTION_MASK));
  }

  /** Mask (or unmask) every vector at once; a masked function keeps its messages pending. */
  setFunctionMasked(masked: boolean): void {
    const control = this.control();
    this.setControl(masked ? control | MSIX_CONTROL_FUNCTION_MASK : control & ~MSIX_CONTROL_FUNCTION_MASK);
  }

  /** Point entry `index` at `message` and unmask it. The entry is masked while it changes, as the spec requires. */
  program(index: number, message: MessageInterrupt): void {
    const entry = this.entryAddress(index);
    this.maskEntry(index);
    this.mmio.write32(entry + MSIX_ENTRY_ADDRESS_LOW, message.address % TWO_TO_32);
    this.mmio.write32(entry + MSIX_ENTRY_ADDRESS_HIGH, Math.floor(message.address / TWO_TO_32));
    this.mmio.write32(entry + MSIX_ENTRY_DATA, message.data >>> 0);
    this.unmaskEntry(index);
  }

  maskEntry(index: number): void {
    const control = this.entryAddress(index) + MSIX_ENTRY_VECTOR_CONTROL;
    this.mmio.write32(control, this.mmio.read32(control) | MSIX_VECTOR_MASKED);
  }

  unmaskEntry(index: number): void {
    const control = this.entryAddress(index) + MSIX_ENTRY_VECTOR_CONTROL;
    this.mmio.write32(control, this.mmio.read32(control) & ~MSIX_VECTOR_MASKED);
  }

  private entryAddress(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.tableSize)) {
      throw new RangeError(`pci ${this.pci.name}: no MSI-X entry ${index} (the table has ${this.tableSize})`);
    }
    return this.tableAddress + index * MSIX_ENTRY_SIZE;
  }

  private control(): number {
    return this.pci.read16(this.capability + MSIX_CONTROL);
  }

  private setControl(value: number): void {
    this.pci.write16(this.capability + MSIX_CONTROL, value);
  }
}

/**
 * Every function on bus 0 and on the buses behind its PCI-to-PCI bridges,
 * depth first in bus/device/function order. Functions 1-7 are looked at only
 * when function 0 says the device is multi-function: single-function devices
 * may answer for every function number.
 */
export function enumeratePci(access: PciConfigAccess): PciFunction[] {
  const found: PciFunction[] = [];
  // A bridge misconfigured to point back at a bus already scanned must not send us round again.
  const scannedBuses = new Set<number>();
  const present = (bus: number, device: number, fn: number) => {
    const vendor = access.read16(bus, device, fn, VENDOR_ID);
    return vendor !== FUNCTION_ABSENT_VENDOR && vendor !== 0;
  };
  const scanBus = (bus: number) => {
    if (scannedBuses.has(bus)) return;
    scannedBuses.add(bus);
    for (let device = 0; device < 32; device++) {
      if (!present(bus, device, 0)) continue;
      const multiFunction = (access.read8(bus, device, 0, HEADER_TYPE) & HEADER_TYPE_MULTI_FUNCTION) !== 0;
      for (let fn = 0; fn < (multiFunction ? 8 : 1); fn++) {
        if (fn > 0 && !present(bus, device, fn)) continue;
        const pci = new PciFunction(access, bus, device, fn);
        found.push(pci);
        if (pci.headerType === HEADER_TYPE_BRIDGE) {
          const secondary = pci.read8(BRIDGE_SECONDARY_BUS);
          // Secondary bus 0 means firmware left the bridge unconfigured: nothing behind it is reachable.
          if (secondary !== 0) scanBus(secondary);
        }
      }
    }
  };
  scanBus(0);
  return found;
}
