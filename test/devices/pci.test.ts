import { test } from "node:test";
import assert from "node:assert/strict";
import { CAPABILITY_ID_MSIX, PciConfigAccess, PciFunction, enumeratePci } from "../../kernel/devices/pci.ts";
import { FakeInterrupts, SimByteRegisters, SimMmio, SimPciConfigSpace, SimPciFunction, type SimFunctionIdentity } from "../sim/pci-bus.ts";

/** A q35-like machine: host bridge, a multi-function device, a single-function device, and two bridges deep. */
function machine() {
  const space = new SimPciConfigSpace();
  space.add(0, 0, 0, new SimPciFunction({ vendorId: 0x8086, deviceId: 0x29c0, classCode: 0x06, subclass: 0x00 }));
  space.add(0, 3, 0, new SimPciFunction({ vendorId: 0x1af4, deviceId: 0x1041, classCode: 0x02, revision: 1, subsystemVendorId: 0x1af4, subsystemId: 0x1100 }));
  // A single-function device that answers for function 1 too: the multi-function bit says not to look.
  space.add(0, 3, 1, new SimPciFunction({ vendorId: 0x1af4, deviceId: 0x1041 }));
  space.add(0, 0x1c, 0, SimPciFunction.bridge(1, 2, { multiFunction: true }));
  space.add(0, 0x1c, 2, new SimPciFunction({ vendorId: 0x8086, deviceId: 0x2922, classCode: 0x01, subclass: 0x06, progIf: 0x01, revision: 2 }));
  space.add(0, 0x1c, 5, new SimPciFunction({ vendorId: 0x8086, deviceId: 0x2930, classCode: 0x0c, subclass: 0x05 }));
  space.add(1, 0, 0, new SimPciFunction({ vendorId: 0x1b36, deviceId: 0x000d }));
  space.add(1, 4, 0, SimPciFunction.bridge(2, 2));
  space.add(2, 7, 0, new SimPciFunction({ vendorId: 0x1af4, deviceId: 0x1042 }));
  // Nothing routes to bus 9, so this function must stay hidden.
  space.add(9, 0, 0, new SimPciFunction({ vendorId: 0xdead, deviceId: 0xbeef }));
  return { space, access: new PciConfigAccess(space) };
}

/** One general function at 00:05.0 with the given setup, and its PciFunction. */
function single(setup: (sim: SimPciFunction) => void, identity: SimFunctionIdentity = { vendorId: 0x1234, deviceId: 0x5678 }) {
  const space = new SimPciConfigSpace();
  const sim = space.add(0, 5, 0, new SimPciFunction(identity));
  setup(sim);
  const pci = new PciFunction(new PciConfigAccess(space), 0, 5, 0);
  return { sim, pci };
}

test("enumeration finds bus 0, functions of multi-function devices, and the buses behind bridges", () => {
  const { access } = machine();
  const found = enumeratePci(access);
  assert.deepEqual(found.map((f) => `${f.name} ${f.vendorId.toString(16)}:${f.deviceId.toString(16)}`), [
    "00:00.0 8086:29c0",
    "00:03.0 1af4:1041",
    "00:1c.0 8086:244e",
    "01:00.0 1b36:d",
    "01:04.0 8086:244e",
    "02:07.0 1af4:1042",
    "00:1c.2 8086:2922",
    "00:1c.5 8086:2930",
  ]);
  const bridge = found[2];
  assert.equal(bridge.headerType, 1);
  assert.equal(bridge.multiFunction, true);
  assert.deepEqual([bridge.classCode, bridge.subclass], [0x06, 0x04]);
});

test("a function's identity: class, subclass, prog-if, revision, subsystem ids", () => {
  const { access } = machine();
  const sata = new PciFunction(access, 0, 0x1c, 2);
  assert.deepEqual([sata.classCode, sata.subclass, sata.progIf, sata.revision], [0x01, 0x06, 0x01, 2]);
  const net = new PciFunction(access, 0, 3, 0);
  assert.deepEqual([net.bus, net.device, net.function, net.headerType, net.multiFunction], [0, 3, 0, 0, false]);
  assert.deepEqual([net.subsystemVendorId, net.subsystemId, net.revision], [0x1af4, 0x1100, 1]);
});

test("a bridge that points back at a scanned bus does not make enumeration loop", () => {
  const space = new SimPciConfigSpace();
  space.add(0, 1, 0, SimPciFunction.bridge(1, 1));
  space.add(1, 0, 0, SimPciFunction.bridge(0x01, 0x01)); // its own bus again
  space.add(1, 1, 0, SimPciFunction.bridge(0, 0)); // unconfigured: secondary bus 0
  space.add(1, 2, 0, new SimPciFunction({ vendorId: 0x1af4, deviceId: 0x1044 }));
  const found = enumeratePci(new PciConfigAccess(space));
  assert.deepEqual(found.map((f) => f.name), ["00:01.0", "01:00.0", "01:01.0", "01:02.0"]);
});

test("8-, 16- and 32-bit config reads and writes land at their byte offset within the dword", () => {
  const { sim, pci } = single((f) => {
    f.set(0x40, 4, 0x44332211);
    f.setWritable(0x40, 4, 0xffffffff);
  });
  assert.equal(pci.read8(0x00), 0x34);
  assert.equal(pci.read8(0x01), 0x12);
  assert.equal(pci.read8(0x03), 0x56);
  assert.equal(pci.read16(0x02), 0x5678);
  assert.equal(pci.read8(0x41), 0x22);
  assert.equal(pci.read8(0x43), 0x44);
  assert.equal(pci.read16(0x41), 0x3322);
  assert.equal(pci.read32(0x40), 0x44332211);
  pci.write8(0x43, 0xaa);
  pci.write16(0x41, 0xbbcc);
  assert.equal(pci.read32(0x40), 0xaabbcc11);
  pci.write32(0x40, 0xfedcba98);
  assert.equal(pci.read32(0x40), 0xfedcba98); // unsigned, not negative
  pci.write8(0x3c, 10);
  assert.equal(sim.bytes[0x3c], 10);
  // Read-only bits stay as the device has them.
  pci.write16(0x00, 0);
  assert.equal(pci.vendorId, 0x1234);
  assert.equal(pci.read16(0x00), 0x1234);
});

test("config accesses that cross a dword or leave the 256 bytes are refused", () => {
  const { pci } = single(() => {});
  assert.throws(() => pci.read16(0x3f), RangeError);
  assert.throws(() => pci.read32(0x02), RangeError);
  assert.throws(() => pci.write16(0xff, 0), RangeError);
  assert.throws(() => pci.read8(0x100), RangeError);
  assert.throws(() => pci.read8(-1), RangeError);
  assert.throws(() => new PciConfigAccess(new SimPciConfigSpace()).read8(0, 32, 0, 0), RangeError);
});

test("absent functions read as all ones; the enable bit of 0xCF8 is set on every access", () => {
  const space = new SimPciConfigSpace();
  const access = new PciConfigAccess(space);
  assert.equal(access.read16(0, 9, 0, 0), 0xffff);
  assert.equal(access.read32(3, 9, 7, 0x10), 0xffffffff);
  assert.equal(space.in32(0xcf8), (0x80000000 | (3 << 16) | (9 << 11) | (7 << 8) | 0x10) >>> 0);
  assert.deepEqual(enumeratePci(access), []);
});

test("BARs: I/O, 32-bit and 64-bit memory, prefetchable, unimplemented and the upper half", () => {
  const { sim, pci } = single((f) => {
    f.setBar(0, { kind: "io", address: 0xc040, size: 0x20 });
    f.setBar(1, { kind: "memory", address: 0xfebd1000, size: 0x1000 });
    f.setBar(2, { kind: "memory", address: 0x8_0000_4000, size: 0x4000, is64Bit: true, prefetchable: true });
    f.setBar(5, { kind: "memory", address: 0xfebd2000, size: 0x10 });
    f.set(0x04, 2, 0x0007); // firmware left I/O, memory and bus mastering on
  });
  assert.deepEqual(pci.bars(), [
    { index: 0, kind: "io", address: 0xc040, size: 0x20, is64Bit: false, prefetchable: false },
    { index: 1, kind: "memory", address: 0xfebd1000, size: 0x1000, is64Bit: false, prefetchable: false },
    { index: 2, kind: "memory", address: 0x8_0000_4000, size: 0x4000, is64Bit: true, prefetchable: true },
    { index: 5, kind: "memory", address: 0xfebd2000, size: 0x10, is64Bit: false, prefetchable: false },
  ]);
  assert.equal(pci.bar(3), undefined); // the upper half of BAR 2
  assert.equal(pci.bar(4), undefined); // sizes to 0: not implemented

  // Sizing put every register back, and never had a BAR at all-ones while the function decoded.
  assert.equal(sim.get(0x10, 4), 0xc041);
  assert.equal(sim.get(0x14, 4), 0xfebd1000);
  assert.equal(sim.get(0x18, 4), 0x400c);
  assert.equal(sim.get(0x1c, 4), 0x8);
  assert.equal(sim.command, 0x0007);
  const sizingWrites = sim.writes.filter((w) => w.offset >= 0x10 && w.offset < 0x28 && w.value === 0xffffffff);
  assert.equal(sizingWrites.length, 6); // BAR 4 too: only sizing shows it is unimplemented
  for (const write of sizingWrites) assert.equal(write.command & 0x3, 0, `BAR at 0x${write.offset.toString(16)} sized with decoding on`);

  // Sizing happens once: asking again does not touch the registers.
  const writes = sim.writes.length;
  pci.bar(1);
  pci.bars();
  assert.equal(sim.writes.length, writes);
});

test("a 64-bit BAR of 8 GiB sizes through its upper register", () => {
  const { pci } = single((f) => f.setBar(0, { kind: "memory", address: 0x40_0000_0000, size: 2 ** 33, is64Bit: true }));
  assert.deepEqual(pci.bar(0), { index: 0, kind: "memory", address: 0x40_0000_0000, size: 2 ** 33, is64Bit: true, prefetchable: false });
});

test("malformed BARs are skipped: a 64-bit BAR in the last slot, the reserved memory type", () => {
  const { pci } = single((f) => {
    f.set(0x10, 4, 0xfebd0006); // memory type 0b11: reserved
    f.setWritable(0x10, 4, 0xfffff000);
    f.set(0x24, 4, 0xfebd1004); // 64-bit, but BAR 5 has no upper half
    f.setWritable(0x24, 4, 0xfffff000);
    f.setBar(1, { kind: "memory", address: 0xfebd2000, size: 0x1000 });
  });
  assert.deepEqual(pci.bars().map((b) => b.index), [1]);
});

test("a bridge has two BARs and no subsystem ids", () => {
  const space = new SimPciConfigSpace();
  const sim = space.add(0, 1, 0, SimPciFunction.bridge(1, 1));
  sim.setBar(0, { kind: "memory", address: 0xfe800000, size: 0x100 });
  sim.set(0x2c, 4, 0x12345678); // in a bridge this is the prefetchable limit, not subsystem ids
  const pci = new PciFunction(new PciConfigAccess(space), 0, 1, 0);
  assert.deepEqual(pci.bars().map((b) => b.index), [0]);
  assert.deepEqual([pci.subsystemVendorId, pci.subsystemId], [0, 0]);
});

test("enableMemoryAndBusMastering sets command bits 1 and 2 and keeps the rest", () => {
  const { sim, pci } = single((f) => f.set(0x04, 2, 0x0401));
  pci.enableMemoryAndBusMastering();
  assert.equal(sim.command, 0x0407);
  pci.setLegacyInterruptDisabled(false);
  assert.equal(sim.command, 0x0007);
  pci.setLegacyInterruptDisabled(true);
  assert.equal(sim.command, 0x0407);
});

test("the capability list in order; the reserved low pointer bits are ignored", () => {
  const { sim, pci } = single((f) => {
    f.addCapability(0x01, [0, 0, 0, 0, 0, 0]); // power management at 0x40
    f.addCapability(0x09, [4, 0]); // vendor at 0x48
    f.addCapability(0x11, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]); // MSI-X at 0x4c
  });
  assert.deepEqual(pci.capabilities(), [{ id: 0x01, offset: 0x40 }, { id: 0x09, offset: 0x48 }, { id: 0x11, offset: 0x4c }]);
  assert.equal(pci.findCapability(CAPABILITY_ID_MSIX), 0x4c);
  assert.equal(pci.findCapability(0x10), undefined);
  sim.bytes[0x34] = 0x43;
  sim.bytes[0x41] = 0x4b;
  assert.deepEqual(pci.capabilities().map((c) => c.offset), [0x40, 0x48, 0x4c]);
});

test("no capabilities-list status bit means no capabilities, whatever 0x34 holds", () => {
  const { pci } = single((f) => f.set(0x34, 1, 0x40));
  assert.deepEqual(pci.capabilities(), []);
  assert.equal(pci.msix(new SimMmio()), undefined);
});

test("a capability list that loops gives a clear error instead of hanging", () => {
  const { sim, pci } = single((f) => {
    f.addCapability(0x01, [0, 0]);
    f.addCapability(0x05, [0, 0]);
  });
  sim.bytes[0x45] = 0x40; // the second capability points back at the first
  assert.throws(() => pci.capabilities(), /00:05\.0: capability list loops back to 0x40/);
  sim.bytes[0x45] = 0x44; // and one that points at itself
  assert.throws(() => pci.capabilities(), /loops back to 0x44/);
});

test("a capability pointer into the header gives a clear error", () => {
  const { sim, pci } = single((f) => f.addCapability(0x01, [0, 0]));
  sim.bytes[0x41] = 0x10;
  assert.throws(() => pci.capabilities(), /00:05\.0: capability pointer 0x10 points into the configuration header/);
  sim.bytes[0x41] = 0;
  sim.bytes[0x34] = 0x3c;
  assert.throws(() => pci.capabilities(), /pointer 0x3c points into/);
});

/** A function with an MSI-X capability: `entries` entries at `tableOffset` in BAR 2. */
function msixDevice(entries: number, tableOffset = 0x2000, bir = 2) {
  const mmio = new SimMmio();
  const table = new SimByteRegisters(0x4000);
  mmio.map(0xfe000000, 0x4000, table);
  const { sim, pci } = single((f) => {
    f.setBar(2, { kind: "memory", address: 0xfe000000, size: 0x4000 });
    f.setBar(0, { kind: "io", address: 0xc000, size: 0x40 });
    const at = f.addCapability(0x11, [(entries - 1) & 0xff, (entries - 1) >> 8, ...le32(tableOffset | bir), ...le32(0x3000 | bir)]);
    f.setWritable(at + 2, 2, 0xc000);
  });
  const entry = (i: number) => [0, 4, 8, 12].map((field) => table.read(tableOffset + i * 16 + field, 4));
  return { sim, pci, mmio, table, entry };
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

test("MSI-X: table size, BIR and offset map the table through the BAR", () => {
  const { pci, mmio } = msixDevice(4);
  const msix = pci.msix(mmio);
  assert.ok(msix);
  assert.equal(msix.tableSize, 4);
  assert.equal(msix.tableAddress, 0xfe002000);
  assert.equal(msix.enabled, false);
});

test("MSI-X: enable masks every entry under the function mask, program fills and unmasks one", () => {
  const { sim, pci, mmio, entry } = msixDevice(4);
  pci.enableMemoryAndBusMastering();
  const msix = pci.msix(mmio)!;
  msix.enable();
  const control = () => sim.get(0x42, 2);
  assert.equal(control() & 0xc000, 0x8000); // enabled, function not masked
  assert.equal(msix.enabled, true);
  for (let i = 0; i < 4; i++) assert.equal(entry(i)[3] & 1, 1, `entry ${i} masked`);
  // The enable write came with the function mask set, before any entry was touched.
  const controlWrites = sim.writes.filter((w) => w.offset === 0x42).map((w) => w.value & 0xc000);
  assert.deepEqual(controlWrites, [0xc000, 0x8000]);

  const interrupts = new FakeInterrupts();
  const message = interrupts.allocateMessage(() => {});
  msix.program(1, message);
  assert.deepEqual(entry(1), [0xfee00000, 0, 0x40, 0]);
  msix.program(2, { address: 0x1_fee0_1000, data: 0x4142 });
  assert.deepEqual(entry(2), [0xfee01000, 1, 0x4142, 0]);
  assert.equal(entry(0)[3] & 1, 1);

  msix.maskEntry(1);
  assert.equal(entry(1)[3], 1);
  msix.unmaskEntry(1);
  assert.equal(entry(1)[3], 0);
  msix.setFunctionMasked(true);
  assert.equal(control() & 0xc000, 0xc000);
  msix.setFunctionMasked(false);
  msix.disable();
  assert.equal(control() & 0xc000, 0);
  assert.throws(() => msix.program(4, message), /no MSI-X entry 4/);
});

test("MSI-X: enabling without memory decoding is a clear error", () => {
  const { pci, mmio } = msixDevice(2);
  assert.throws(() => pci.msix(mmio)!.enable(), /00:05\.0: MSI-X needs memory decoding/);
});

test("MSI-X: a table outside its BAR, or in an I/O or missing BAR, is a clear error", () => {
  assert.throws(() => msixDevice(65, 0x3c00).pci.msix(new SimMmio()), /runs past the BAR/);
  assert.throws(() => msixDevice(2, 0, 0).pci.msix(new SimMmio()), /BAR 0, which is not a memory BAR/);
  assert.throws(() => msixDevice(2, 0, 4).pci.msix(new SimMmio()), /BAR 4, which is not a memory BAR/);
});

test("the legacy interrupt line: register 0x3C when there is a pin and firmware routed it", () => {
  assert.equal(single(() => {}, { vendorId: 1, deviceId: 2, interruptLine: 10 }).pci.legacyInterruptLine(), 10);
  const noPin = single((f) => f.set(0x3d, 1, 0));
  assert.equal(noPin.pci.legacyInterruptLine(), undefined);
  const unrouted = single((f) => f.set(0x3c, 1, 0xff));
  assert.equal(unrouted.pci.legacyInterruptLine(), undefined);
});
