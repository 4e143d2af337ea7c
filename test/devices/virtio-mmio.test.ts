import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioError } from "../../kernel/devices/virtio/device.ts";
import { VirtioMmioTransport, parseVirtioMmioDevices } from "../../kernel/devices/virtio/mmio.ts";
import { DEVICE_ENTROPY, F_EVENT_IDX, F_VERSION_1 } from "../../kernel/devices/virtio/transport.ts";
import { SimulatedInterrupts, SimulatedMemory, SimulatedMmio } from "../sim/memory.ts";
import {
  INTERRUPT_CONFIG_CHANGE,
  INTERRUPT_USED_BUFFER,
  SimulatedVirtioMmioDevice,
  VIRTIO_MMIO_WINDOW_SIZE,
  entropyHandler,
  simulatedVirtioMmioMachine,
  type SimulatedVirtioMmioOptions,
} from "../sim/virtio-mmio-device.ts";

const entropy = (): SimulatedVirtioMmioOptions => ({
  deviceId: DEVICE_ENTROPY,
  features: F_VERSION_1,
  queues: [{ maxSize: 64, handler: entropyHandler() }],
  config: Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88),
});

function transportFor(options = entropy()) {
  const machine = simulatedVirtioMmioMachine(options);
  const transport = new VirtioMmioTransport(machine.mmio, machine.base, machine.interrupts, machine.line);
  return { ...machine, transport };
}

test("the transport reads the device ID and names itself by its base address", () => {
  const { transport } = transportFor();
  assert.equal(transport.name, "virtio-mmio@0xfeb00000");
  assert.equal(transport.deviceId, DEVICE_ENTROPY);
});

test("an empty slot has device ID 0", () => {
  const { transport } = transportFor({ deviceId: 0, features: 0n, queues: [] });
  assert.equal(transport.deviceId, 0);
});

test("a legacy (version 1) window is refused with a clear error, as is an unknown version", () => {
  const machine = simulatedVirtioMmioMachine(entropy());
  machine.device.misbehave.version = 1;
  assert.throws(
    () => new VirtioMmioTransport(machine.mmio, machine.base, machine.interrupts, machine.line),
    (error) => error instanceof VirtioError && /virtio-mmio@0xfeb00000: legacy virtio-mmio \(version 1\) is not supported/.test(error.message),
  );
  machine.device.misbehave.version = 3;
  assert.throws(() => new VirtioMmioTransport(machine.mmio, machine.base, machine.interrupts, machine.line), /unknown virtio-mmio version 3/);
});

test("a window without the magic value is not a virtio-mmio device", () => {
  const mmio = new SimulatedMmio();
  mmio.map(0xd0000000, 0x200, { read: () => 0xffffffff, write: () => {} });
  assert.throws(() => new VirtioMmioTransport(mmio, 0xd0000000, new SimulatedInterrupts(), 3), /virtio-mmio@0xd0000000: no virtio-mmio registers here \(magic value 0xffffffff/);
});

test("64-bit feature words go through the 32-bit halves", () => {
  const offered = F_VERSION_1 | F_EVENT_IDX | (1n << 31n) | (1n << 63n) | 1n;
  const { transport, device } = transportFor({ ...entropy(), features: offered });
  assert.equal(transport.deviceFeatures(), offered);
  transport.setDriverFeatures(F_VERSION_1 | (1n << 31n) | 1n);
  assert.equal(device.driverFeatures, F_VERSION_1 | (1n << 31n) | 1n);
});

test("status reads back what was written; reset writes 0", () => {
  const { transport, device } = transportFor();
  transport.setStatus(1);
  transport.setStatus(3);
  assert.equal(transport.getStatus(), 3);
  transport.reset();
  assert.equal(transport.getStatus(), 0);
  assert.deepEqual(device.statusWrites, [1, 3, 0]);
});

test("a device that never finishes its reset gives a VirtioError instead of a hang", () => {
  const { transport, device } = transportFor();
  transport.setStatus(1);
  device.misbehave.ignoreReset = true;
  assert.throws(() => transport.reset(), /virtio-mmio@0xfeb00000: the device did not reset \(status still 0x1\)/);
});

test("setupQueue programs the size and 64-bit ring addresses, then QueueReady; a queue in use is refused", () => {
  // Memory above 4 GiB, so the high halves of the addresses matter.
  const memory = new SimulatedMemory(0x1_2000_0000);
  const mmio = new SimulatedMmio();
  const interrupts = new SimulatedInterrupts();
  const device = new SimulatedVirtioMmioDevice(memory, interrupts, 9, entropy());
  mmio.map(0xfeb00000, VIRTIO_MMIO_WINDOW_SIZE, device);
  const transport = new VirtioMmioTransport(mmio, 0xfeb00000, interrupts, 9);
  transport.setStatus(1 | 2);
  transport.setDriverFeatures(F_VERSION_1);
  transport.setStatus(1 | 2 | 8);
  assert.equal(transport.queueMaxSize(0), 64);
  assert.equal(transport.queueMaxSize(1), 0, "no such queue");
  const rings = memory.alloc(4096);
  const addresses = { desc: rings.phys, driver: rings.phys + 16 * 16, device: rings.phys + 1024 };
  transport.setupQueue(0, 16, addresses);
  const queue = device.queues[0];
  assert.deepEqual({ size: queue.size, desc: queue.desc, driver: queue.driver, device: queue.device, ready: queue.ready }, { size: 16, ...addresses, ready: true });
  assert.throws(() => transport.setupQueue(0, 16, addresses), (error) => error instanceof VirtioError && /queue 0 is already in use/.test(error.message));
  transport.notify(0);
  assert.equal(queue.notifications, 1);
});

test("config space reads and writes go to offset 0x100 with the access width asked for", () => {
  const { transport, device } = transportFor();
  assert.equal(transport.configRead8(1), 0x22);
  assert.equal(transport.configRead16(2), 0x4433);
  assert.equal(transport.configRead32(4), 0x88776655);
  transport.configWrite16(0, 0xbeef);
  transport.configWrite32(4, 0xcafef00d);
  transport.configWrite8(2, 0x01);
  assert.deepEqual([...device.config], [0xef, 0xbe, 0x01, 0x44, 0x0d, 0xf0, 0xfe, 0xca]);
  assert.equal(transport.configGeneration(), 0);
  device.changeConfig(0, Uint8Array.of(1));
  assert.equal(transport.configGeneration(), 1);
});

test("listen attaches the line edge-triggered; the handler acknowledges before it runs queues() and config()", () => {
  const { transport, device, interrupts, line } = transportFor();
  const calls: string[] = [];
  transport.listen({
    queues: () => calls.push(`queues, status ${device.interruptStatus}`),
    config: () => calls.push(`config, status ${device.interruptStatus}`),
  });
  assert.equal(interrupts.lines.get(line)?.trigger, "edge");
  device.interruptStatus = INTERRUPT_USED_BUFFER | INTERRUPT_CONFIG_CHANGE;
  interrupts.fire(line);
  assert.deepEqual(calls, ["queues, status 0", "config, status 0"]);
  calls.length = 0;
  interrupts.fire(line);
  assert.deepEqual(calls, [], "a spurious interrupt runs nothing");
});

test("an interrupt raised while the handler runs is a new edge, so it is not lost", () => {
  const { transport, device, interrupts, line } = transportFor();
  transport.setStatus(1 | 2);
  transport.setDriverFeatures(F_VERSION_1);
  transport.setStatus(1 | 2 | 8 | 4);
  let configChanges = 0;
  transport.listen({
    queues: () => device.changeConfig(0, Uint8Array.of(7)), // the device changes its config while the driver handles a used buffer
    config: () => configChanges++,
  });
  device.interruptStatus = INTERRUPT_USED_BUFFER;
  interrupts.raise(line);
  assert.equal(interrupts.deliver(), 2);
  assert.equal(configChanges, 1);
});

test("parseVirtioMmioDevices reads QEMU's virtio_mmio.device= words and ignores other words", () => {
  const words = "console=ttyS0 virtio_mmio.device=512@0xfeb00e00:12 toro.arg=x virtio_mmio.device=4K@0xD0000000:5 virtio_mmio.device=1M@0x100000000:23:3".split(" ");
  assert.deepEqual(parseVirtioMmioDevices(words), {
    slots: [
      { size: 512, base: 0xfeb00e00, irq: 12 },
      { size: 4096, base: 0xd0000000, irq: 5 },
      { size: 1 << 20, base: 2 ** 32, irq: 23 },
    ],
    errors: [],
  });
});

test("parseVirtioMmioDevices reports each malformed word and keeps the good ones", () => {
  const bad = [
    "virtio_mmio.device=",
    "virtio_mmio.device=512@feb00e00:12",
    "virtio_mmio.device=512@0xfeb00e00",
    "virtio_mmio.device=512@0xfeb00e00:",
    "virtio_mmio.device=12Q@0x1000:5",
    "virtio_mmio.device=512@0xzz:5",
    "virtio_mmio.device=-1@0x1000:5",
    "virtio_mmio.device=0@0x1000:5",
    "virtio_mmio.device=512@0x1000:256",
    "virtio_mmio.device=512@0xffffffffffffffff:5",
  ];
  const { slots, errors } = parseVirtioMmioDevices([...bad, "virtio_mmio.device=512@0xfeb00e00:12"]);
  assert.deepEqual(slots, [{ size: 512, base: 0xfeb00e00, irq: 12 }]);
  assert.equal(errors.length, bad.length);
  errors.forEach((error, i) => {
    assert.ok(error instanceof VirtioError);
    assert.ok(error.message.startsWith(`${bad[i]}: `), error.message);
  });
  assert.match(errors[0].message, /expected <size>\[K\|M\|G\]@0x<base>:<irq>, like 512@0xfeb00e00:12/);
  assert.match(errors[7].message, /the window size is 0/);
  assert.match(errors[8].message, /interrupt line 256 is beyond 255/);
  assert.match(errors[9].message, /does not fit in the physical address space/);
});
