import { test } from "node:test";
import assert from "node:assert/strict";
import { PciConfigAccess, PciFunction } from "../../kernel/devices/pci.ts";
import { VIRTIO_MSI_NO_VECTOR, VirtioPciTransport, virtioPciDeviceType } from "../../kernel/devices/virtio/pci.ts";
import { DEVICE_BLOCK, DEVICE_NET, F_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_FEATURES_OK } from "../../kernel/devices/virtio/transport.ts";
import { FakeInterrupts, SimMmio, SimPciConfigSpace, SimPciFunction } from "../sim/pci-bus.ts";
import {
  CFG_COMMON, CFG_ISR, CFG_NOTIFY, SimVirtioPciDevice, type SimVirtioPciOptions,
} from "../sim/virtio-pci-device.ts";

const BAR = 0xfe000000;

/** A simulated virtio device at 00:03.0 and the transport driving it. */
function setup(options: Partial<SimVirtioPciOptions> = {}) {
  const { device, pci, mmio, interrupts } = simulate(options);
  const transport = new VirtioPciTransport(pci, mmio, interrupts);
  return { device, transport, interrupts, mmio };
}

function simulate(options: Partial<SimVirtioPciOptions> = {}) {
  const mmio = new SimMmio();
  const interrupts = new FakeInterrupts();
  const device = new SimVirtioPciDevice(mmio, interrupts, { deviceType: DEVICE_NET, barAddress: BAR, ...options });
  const space = new SimPciConfigSpace();
  space.add(0, 3, 0, device.pci);
  const pci = new PciFunction(new PciConfigAccess(space), 0, 3, 0);
  return { device, pci, mmio, interrupts };
}

const QUEUE_AREAS = { desc: 0x1_2345_6000, driver: 0x1_2345_7000, device: 0x2345_8000 };

test("modern device ids give the type; transitional ones the subsystem id; others are not virtio", () => {
  assert.equal(virtioPciDeviceType(simulate({ deviceType: DEVICE_NET }).pci), DEVICE_NET);
  assert.equal(virtioPciDeviceType(simulate({ deviceType: 0x3f }).pci), 0x3f);
  assert.equal(virtioPciDeviceType(simulate({ deviceType: 0, pciDeviceId: 0x1001, subsystemId: DEVICE_BLOCK }).pci), DEVICE_BLOCK);
  assert.equal(virtioPciDeviceType(simulate({ deviceType: 0, pciDeviceId: 0x1080 }).pci), undefined);
  assert.equal(virtioPciDeviceType(simulate({ deviceType: 1, vendorId: 0x8086 }).pci), undefined);
});

test("the transport finds the capabilities, names the device and turns on memory decoding and bus mastering", () => {
  const { device, transport } = setup({ deviceType: DEVICE_BLOCK });
  assert.equal(transport.name, "virtio-pci 00:03.0");
  assert.equal(transport.deviceId, DEVICE_BLOCK);
  assert.equal(device.pci.command & 0x6, 0x6);
});

test("a transitional device that also has the modern capabilities is driven through them", () => {
  const { device, transport } = setup({ deviceType: 0, pciDeviceId: 0x1000, subsystemId: DEVICE_NET });
  assert.equal(transport.deviceId, DEVICE_NET);
  transport.setStatus(STATUS_ACKNOWLEDGE);
  assert.equal(device.status, STATUS_ACKNOWLEDGE);
});

test("a non-virtio device, or one without a required capability, is a clear error naming it", () => {
  const { pci, mmio, interrupts } = simulate({ vendorId: 0x8086, pciDeviceId: 0x100e });
  assert.throws(() => new VirtioPciTransport(pci, mmio, interrupts), /pci 00:03\.0 \(8086:100e\) is not a virtio device/);
  for (const [cfgType, name] of [[CFG_COMMON, "common configuration"], [CFG_NOTIFY, "notification"], [CFG_ISR, "ISR status"]] as const) {
    const missing = simulate({ omitStructures: [cfgType] });
    assert.throws(() => new VirtioPciTransport(missing.pci, missing.mmio, missing.interrupts),
      new RegExp(`virtio-pci 00:03\\.0: no ${name} capability \\(cfg_type ${cfgType}\\)`));
  }
  const legacy = simulate({ deviceType: 0, pciDeviceId: 0x1000, subsystemId: 1, omitStructures: [CFG_COMMON, CFG_NOTIFY, CFG_ISR] });
  assert.throws(() => new VirtioPciTransport(legacy.pci, legacy.mmio, legacy.interrupts), /transitional device without the modern interface/);
  const bare = simulate({ omitStructures: [CFG_COMMON, CFG_NOTIFY, CFG_ISR], msixVectors: 0 });
  bare.device.pci.bytes[0x06] = 0; // no capability list at all
  assert.throws(() => new VirtioPciTransport(bare.pci, bare.mmio, bare.interrupts), /no common configuration capability/);
});

test("a structure that runs past its BAR is a clear error", () => {
  const { device, pci, mmio, interrupts } = simulate();
  device.pci.set(0x40 + 12, 4, 0x5000); // the common structure's length: past the 16 KiB BAR
  assert.throws(() => new VirtioPciTransport(pci, mmio, interrupts), /common configuration structure \(BAR 4 \+0x0, 20480 bytes\) runs past the BAR's 0x4000 bytes/);
});

test("the first usable structure of each type wins; ones in I/O BARs or of unknown types are skipped", () => {
  const { device, pci, mmio, interrupts } = simulate({ omitStructures: [CFG_NOTIFY] });
  device.pci.setBar(0, { kind: "io", address: 0xc000, size: 0x40 });
  const vendorCap = (cfgType: number, bar: number, offset: number, length: number, extra: number[] = []) =>
    device.pci.addCapability(0x09, [16 + extra.length, cfgType, bar, 0, 0, 0, ...le32(offset), ...le32(length), ...extra]);
  vendorCap(CFG_NOTIFY, 0, 0, 0x40, le32(4)); // in the I/O BAR: not reachable through Mmio
  assert.throws(() => new VirtioPciTransport(pci, mmio, interrupts), /no notification capability \(cfg_type 2\) in a memory BAR/);
  vendorCap(8, 4, 0x3000, 0x100); // shared memory: not a structure the transport uses
  vendorCap(CFG_NOTIFY, 4, 0x3000, 0x100, le32(2));
  vendorCap(CFG_COMMON, 4, 0x3000, 0x100); // a second common structure: the first one is used
  const transport = new VirtioPciTransport(pci, mmio, interrupts);
  transport.setStatus(STATUS_ACKNOWLEDGE);
  assert.equal(device.status, STATUS_ACKNOWLEDGE);
  transport.setupQueue(1, 16, QUEUE_AREAS);
  transport.notify(1);
  assert.deepEqual(device.notifications, [{ offset: 2, value: 1 }]); // multiplier 2 from the memory-BAR capability
});

test("a common configuration structure too short for its registers is a clear error", () => {
  const { device, pci, mmio, interrupts } = simulate();
  device.pci.set(0x40 + 12, 4, 0x20);
  assert.throws(() => new VirtioPciTransport(pci, mmio, interrupts), /the common configuration structure is 32 bytes, less than 56/);
});

test("the capabilities may sit in a BAR above 4 GiB", () => {
  const { device, transport } = setup({ barAddress: 0x8_0000_0000 });
  transport.setStatus(STATUS_DRIVER);
  assert.equal(device.status, STATUS_DRIVER);
});

test("status, and reset that waits for the device to read back 0", () => {
  const { device, transport } = setup({ resetReads: 3 });
  transport.setStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  assert.equal(transport.getStatus(), 3);
  transport.reset();
  assert.equal(transport.getStatus(), 0);
  const statusWrites = device.commonWrites.filter(([offset]) => offset === 0x14);
  assert.deepEqual(statusWrites.at(-1), [0x14, 0]);
});

test("a device that never finishes its reset gives an error instead of hanging", () => {
  const { transport } = setup({ resetReads: Infinity });
  transport.setStatus(STATUS_ACKNOWLEDGE);
  assert.throws(() => transport.reset(), /virtio-pci 00:03\.0: the device status did not read back 0 after a reset/);
});

test("64-bit features go through the two feature selects", () => {
  const features = (1n << 0n) | (1n << 5n) | (1n << 31n) | F_VERSION_1 | (1n << 33n) | (1n << 63n);
  const { device, transport } = setup({ features });
  assert.equal(transport.deviceFeatures(), features);
  transport.setDriverFeatures(F_VERSION_1 | (1n << 31n) | (1n << 5n) | (1n << 63n));
  assert.equal(device.driverFeatures, F_VERSION_1 | (1n << 31n) | (1n << 5n) | (1n << 63n));
  assert.deepEqual(device.commonWrites.filter(([offset]) => offset === 0x08 || offset === 0x0c), [
    [0x08, 0], [0x0c, 0x80000020], [0x08, 1], [0x0c, 0x80000001],
  ]);
  transport.setStatus(STATUS_FEATURES_OK);
  assert.equal(transport.getStatus(), STATUS_FEATURES_OK);
});

test("queue sizes: the device's maximum, 0 past num_queues", () => {
  const { transport } = setup({ queueMaxSizes: [256, 128, 1024] });
  assert.deepEqual([0, 1, 2, 3, -1].map((i) => transport.queueMaxSize(i)), [256, 128, 1024, 0, 0]);
});

test("setupQueue writes the size and 64-bit addresses; listen sets the queue's vector, then enables it", () => {
  const { device, transport } = setup({ queueMaxSizes: [256, 128] });
  transport.setupQueue(1, 64, QUEUE_AREAS);
  assert.deepEqual(device.queues[1], { maxSize: 128, notifyOff: 1, size: 64, enabled: false, ...QUEUE_AREAS, msixVector: VIRTIO_MSI_NO_VECTOR });
  assert.deepEqual(device.commonWrites.filter(([offset]) => offset >= 0x20).map(([offset]) => offset), [0x20, 0x24, 0x28, 0x2c, 0x30, 0x34]);
  transport.listen({ queues() {}, config() {} });
  assert.equal(device.queues[1].enabled, true);
  assert.notEqual(device.queues[1].msixVector, VIRTIO_MSI_NO_VECTOR);
  assert.equal(device.queues[0].enabled, false);
  // 4.1.5.1.3: queue_msix_vector (0x1a) is set before queue_enable (0x1c), which comes last.
  const offsets = device.commonWrites.map(([offset]) => offset);
  assert.ok(offsets.lastIndexOf(0x1a) < offsets.lastIndexOf(0x1c));
  assert.deepEqual(device.commonWrites.at(-1), [0x1c, 1]);
});

test("a queue set up after listen is enabled at once", () => {
  const { device, transport } = setup({ queueMaxSizes: [256, 128] });
  transport.listen({ queues() {}, config() {} });
  transport.setupQueue(0, 64, QUEUE_AREAS);
  assert.equal(device.queues[0].enabled, true);
});

test("setupQueue refuses a missing queue, a bad size, an enabled queue and a non-address", () => {
  const { transport } = setup({ queueMaxSizes: [256, 128] });
  assert.throws(() => transport.setupQueue(2, 64, QUEUE_AREAS), /has no queue 2/);
  assert.throws(() => transport.setupQueue(1, 256, QUEUE_AREAS), /queue 1 size 256 is not within 1\.\.128/);
  assert.throws(() => transport.setupQueue(0, 0, QUEUE_AREAS), RangeError);
  assert.throws(() => transport.setupQueue(0, 16, { ...QUEUE_AREAS, desc: 2 ** 53 }), /not a physical address/);
  transport.reset();
  transport.setupQueue(0, 16, QUEUE_AREAS);
  transport.listen({ queues() {}, config() {} });
  assert.throws(() => transport.setupQueue(0, 16, QUEUE_AREAS), /queue 0 is already enabled/);
});

test("notify writes the queue index at notify base + queue_notify_off * multiplier", () => {
  const { device, transport } = setup({ queueMaxSizes: [64, 64, 64], queueNotifyOffs: [0, 1, 5], notifyOffMultiplier: 4 });
  for (const index of [0, 1, 2]) transport.setupQueue(index, 64, QUEUE_AREAS);
  transport.notify(2);
  transport.notify(0);
  transport.notify(1);
  assert.deepEqual(device.notifications, [{ offset: 20, value: 2 }, { offset: 0, value: 0 }, { offset: 4, value: 1 }]);
});

test("with a multiplier of 0 every queue notifies at the same address", () => {
  const { device, transport } = setup({ queueMaxSizes: [64, 64], notifyOffMultiplier: 0 });
  transport.setupQueue(0, 64, QUEUE_AREAS);
  transport.setupQueue(1, 64, QUEUE_AREAS);
  transport.notify(1);
  transport.notify(0);
  assert.deepEqual(device.notifications, [{ offset: 0, value: 1 }, { offset: 0, value: 0 }]);
  assert.throws(() => transport.notify(5), /queue 5 is not set up/);
});

test("a queue_notify_off past the notification structure is refused at setup", () => {
  const { device, transport } = setup({ queueMaxSizes: [64, 64] });
  device.queues[1] = { ...device.queues[1], notifyOff: 9 };
  assert.throws(() => transport.setupQueue(1, 64, QUEUE_AREAS), /queue 1 notifies at \+0x24, past the 6-byte notification structure/);
  assert.equal(device.queues[1].enabled, false);
});

test("device configuration reads and writes, bounds, and the generation", () => {
  const { device, transport } = setup({ deviceConfig: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x01, 0x00, 0xdc, 0x05, 0, 0] });
  assert.equal(transport.configRead8(0), 0x52);
  assert.equal(transport.configRead16(6), 1);
  assert.equal(transport.configRead32(8), 0x05dc);
  assert.equal(transport.configRead32(0), 0x12005452);
  transport.configWrite16(10, 0xbeef);
  assert.deepEqual([...device.deviceConfig.bytes.slice(10, 12)], [0xef, 0xbe]);
  assert.throws(() => transport.configRead32(10), /outside its 12 bytes/);
  assert.throws(() => transport.configRead8(12), RangeError);
  const before = transport.configGeneration();
  device.changeConfig(6, [0]);
  assert.notEqual(transport.configGeneration(), before);
});

test("listen with MSI-X: one vector for config, one shared by the queues, programmed into the table", () => {
  const { device, transport, interrupts } = setup({ queueMaxSizes: [64, 64, 64] });
  transport.setupQueue(0, 64, QUEUE_AREAS);
  transport.setupQueue(1, 64, QUEUE_AREAS);
  const calls: string[] = [];
  transport.listen({ queues: () => calls.push("queues"), config: () => calls.push("config") });

  assert.equal(device.msixEnabled, true);
  assert.equal(device.msixFunctionMasked, false);
  assert.equal(device.msixConfig, 0);
  assert.deepEqual(device.queues.map((q) => q.msixVector), [1, 1, VIRTIO_MSI_NO_VECTOR]);
  assert.equal(interrupts.messages.length, 2);
  assert.deepEqual(interrupts.lines, []);
  const [configMessage, queueMessage] = interrupts.messages;
  assert.deepEqual(device.msixEntry(0), { address: configMessage.address, data: configMessage.data, masked: false });
  assert.deepEqual(device.msixEntry(1), { address: queueMessage.address, data: queueMessage.data, masked: false });
  assert.equal(device.msixEntry(2).masked, true);

  device.raiseQueueInterrupt(1);
  device.raiseQueueInterrupt(0);
  device.changeConfig(0, [1]);
  assert.deepEqual(calls, ["queues", "queues", "config"]);
  assert.throws(() => transport.listen({ queues() {}, config() {} }), /listen was already called/);
});

test("listen falls back to the level-triggered INTx line when the device refuses the vectors", () => {
  const { device, transport, interrupts } = setup({ acceptsVectors: false, interruptLine: 10 });
  device.pci.set(0x04, 2, device.pci.command | 0x400); // firmware left INTx disabled
  transport.setupQueue(0, 64, QUEUE_AREAS);
  const calls: string[] = [];
  transport.listen({ queues: () => calls.push("queues"), config: () => calls.push("config") });

  assert.equal(device.msixEnabled, false);
  assert.equal(device.msixConfig, VIRTIO_MSI_NO_VECTOR);
  assert.equal(device.queues[0].msixVector, VIRTIO_MSI_NO_VECTOR);
  assert.deepEqual(interrupts.messages, []);
  assert.deepEqual(interrupts.lines.map(({ line, trigger }) => ({ line, trigger })), [{ line: 10, trigger: "level" }]);
  assert.equal(device.pci.command & 0x400, 0);

  device.raiseQueueInterrupt(0);
  assert.deepEqual(calls, ["queues"]);
  assert.equal(device.legacyLineAsserted, false, "the handler read the ISR, which lowers the line");
  device.changeConfig(0, [1]);
  assert.deepEqual(calls, ["queues", "config"]);
  // A shared line raised by another device: the ISR reads 0, nothing runs.
  interrupts.raiseLine(10);
  assert.deepEqual(calls, ["queues", "config"]);
});

test("listen uses INTx for a device without MSI-X, or with a single MSI-X entry", () => {
  for (const msixVectors of [0, 1]) {
    const { device, transport, interrupts } = setup({ msixVectors });
    transport.setupQueue(0, 64, QUEUE_AREAS);
    let queues = 0;
    transport.listen({ queues: () => queues++, config() {} });
    assert.deepEqual(interrupts.messages, []);
    assert.equal(interrupts.lines.length, 1);
    device.raiseQueueInterrupt(0);
    assert.equal(queues, 1);
  }
});

test("listen without usable MSI-X and without an INTx pin is a clear error", () => {
  const { transport } = setup({ msixVectors: 0, interruptPin: 0 });
  assert.throws(() => transport.listen({ queues() {}, config() {} }), /virtio-pci 00:03\.0: no usable MSI-X vectors and no legacy interrupt line/);
});

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}
