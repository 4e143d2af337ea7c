import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioDevice, VirtioError, type VirtioDeviceOptions } from "../../kernel/devices/virtio/device.ts";
import { VirtioMmioTransport } from "../../kernel/devices/virtio/mmio.ts";
import { VirtqueueError } from "../../kernel/devices/virtio/queue.ts";
import {
  DEVICE_ENTROPY,
  F_ACCESS_PLATFORM,
  F_EVENT_IDX,
  F_INDIRECT_DESC,
  F_VERSION_1,
  STATUS_ACKNOWLEDGE,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
} from "../../kernel/devices/virtio/transport.ts";
import {
  BLOCK_S_IOERR,
  BLOCK_S_OK,
  BLOCK_SECTOR_SIZE,
  BLOCK_T_IN,
  BLOCK_T_OUT,
  blockDevice,
  echoHandler,
  entropyHandler,
  simulatedVirtioMmioMachine,
  type SimulatedVirtioMmioOptions,
} from "../sim/virtio-mmio-device.ts";

const F_BLK_SIZE_MAX = 1n << 1n;
const F_BLK_SEG_MAX = 1n << 2n;
const F_BLK_RO = 1n << 5n;

const entropy = (features = F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC, maxSize = 64): SimulatedVirtioMmioOptions => ({
  deviceId: DEVICE_ENTROPY,
  features,
  queues: [{ maxSize, handler: entropyHandler() }],
});

function setUp(options: SimulatedVirtioMmioOptions) {
  const machine = simulatedVirtioMmioMachine(options);
  const transport = new VirtioMmioTransport(machine.mmio, machine.base, machine.interrupts, machine.line);
  return { ...machine, transport };
}

function bringUp(options: SimulatedVirtioMmioOptions, driver: VirtioDeviceOptions = { features: 0n }) {
  const machine = setUp(options);
  return { ...machine, virtio: new VirtioDevice(machine.transport, machine.memory, driver) };
}

/** Throws a VirtioError whose message matches `pattern`, and leaves the device FAILED. */
function assertFails(machine: ReturnType<typeof setUp>, action: () => unknown, pattern: RegExp) {
  assert.throws(action, (error) => error instanceof VirtioError && pattern.test(error.message) && error.message.startsWith("virtio-mmio@0xfeb00000: "));
  assert.equal(machine.device.status & STATUS_FAILED, STATUS_FAILED);
}

test("negotiation: reset, ACKNOWLEDGE, DRIVER, the intersection of features plus the core's, FEATURES_OK, then DRIVER_OK", () => {
  const offered = F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC | F_ACCESS_PLATFORM | F_BLK_SEG_MAX | F_BLK_RO | (1n << 40n);
  const { virtio, device } = bringUp(blockDevice(new Uint8Array(4096), offered), { features: F_BLK_SIZE_MAX | F_BLK_SEG_MAX });
  assert.equal(virtio.features, F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC | F_ACCESS_PLATFORM | F_BLK_SEG_MAX);
  assert.equal(device.driverFeatures, virtio.features);
  assert.equal(virtio.has(F_BLK_SEG_MAX), true);
  assert.equal(virtio.has(F_BLK_RO), false);
  virtio.createQueue(0, 128, () => {});
  virtio.start();
  assert.deepEqual(device.statusWrites, [
    0,
    STATUS_ACKNOWLEDGE,
    STATUS_ACKNOWLEDGE | STATUS_DRIVER,
    STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK,
    STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK,
  ]);
});

test("a driver can do without EVENT_IDX and indirect descriptors", () => {
  const { virtio } = bringUp(entropy(), { features: 0n, eventIdx: false, indirect: false });
  assert.equal(virtio.features, F_VERSION_1);
});

test("a legacy-only device (no VERSION_1) is refused: FAILED and a VirtioError naming the transport", () => {
  const machine = setUp(entropy(F_EVENT_IDX | F_INDIRECT_DESC));
  assertFails(machine, () => new VirtioDevice(machine.transport, machine.memory, { features: 0n }), /legacy-only \(no VIRTIO_F_VERSION_1\)/);
});

test("a device that refuses FEATURES_OK is FAILED with a VirtioError", () => {
  const machine = setUp(entropy());
  machine.device.misbehave.refuseFeaturesOk = true;
  assertFails(machine, () => new VirtioDevice(machine.transport, machine.memory, { features: 0n }), /refused the features 0x130000000 \(FEATURES_OK did not stick\)/);
  assert.equal(machine.device.status & STATUS_FEATURES_OK, 0);
});

test("a device that does not reset is FAILED with a VirtioError", () => {
  const machine = setUp(entropy());
  machine.transport.setStatus(STATUS_ACKNOWLEDGE);
  machine.device.misbehave.ignoreReset = true;
  assertFails(machine, () => new VirtioDevice(machine.transport, machine.memory, { features: 0n }), /the device did not reset/);
});

test("an empty slot is not a device", () => {
  const machine = setUp({ deviceId: 0, features: 0n, queues: [] });
  assert.throws(() => new VirtioDevice(machine.transport, machine.memory, { features: 0n }), /virtio-mmio@0xfeb00000: no device in this slot \(device ID 0\)/);
});

test("queue sizes are the requested size capped by the device's maximum, as a power of two", () => {
  const { virtio, device } = bringUp({
    deviceId: DEVICE_ENTROPY,
    features: F_VERSION_1,
    queues: [{ maxSize: 64, handler: echoHandler }, { maxSize: 100, handler: echoHandler }, { maxSize: 1024, handler: echoHandler }],
  });
  assert.equal(virtio.createQueue(0, 256, () => {}).size, 64);
  assert.equal(virtio.createQueue(1, 256, () => {}).size, 64);
  assert.equal(virtio.createQueue(2, 200, () => {}).size, 128);
  assert.deepEqual(device.queues.map((queue) => queue.size), [64, 64, 128]);
});

test("a queue the device does not have (maximum size 0) is FAILED with a VirtioError", () => {
  const machine = bringUp(entropy(F_VERSION_1, 0));
  assertFails(machine, () => machine.virtio.createQueue(0, 8, () => {}), /queue 0 does not exist \(its maximum size is 0\)/);
  const beyond = bringUp(entropy());
  assertFails(beyond, () => beyond.virtio.createQueue(3, 8, () => {}), /queue 3 does not exist/);
});

test("a queue set up twice, or after DRIVER_OK, fails the device", () => {
  const machine = bringUp(entropy());
  machine.virtio.createQueue(0, 8, () => {});
  assertFails(machine, () => machine.virtio.createQueue(0, 8, () => {}), /queue 0 was created twice/);
  const late = bringUp(entropy());
  late.virtio.start();
  assertFails(late, () => late.virtio.createQueue(0, 8, () => {}), /queue 0 was created after DRIVER_OK/);
});

test("an interrupt runs the queue's handler with each used buffer: random bytes from an entropy device", () => {
  const { virtio, device, memory, interrupts } = bringUp(entropy());
  const done: [string, number][] = [];
  const queue = virtio.createQueue<string>(0, 8, (token, written) => done.push([token, written]));
  virtio.start();
  const first = memory.alloc(16), second = memory.alloc(32);
  queue.submit([], [{ phys: first.phys, length: 16 }], "first");
  queue.submit([], [{ phys: second.phys, length: 32 }], "second");
  queue.kick();
  assert.deepEqual(done, [], "handlers run from the interrupt, not inside kick()");
  assert.equal(interrupts.deliver(), 1);
  assert.deepEqual(done, [["first", 16], ["second", 32]]);
  assert.ok(first.bytes.some((byte) => byte !== 0) && second.bytes.some((byte) => byte !== 0));
  assert.equal(device.interruptStatus, 0, "acknowledged");
});

for (const indirect of [true, false]) {
  test(`a block device round trip: write sectors, read them back, out of range is an I/O error (${indirect ? "indirect" : "direct"} chains)`, () => {
    const disk = new Uint8Array(64 * BLOCK_SECTOR_SIZE);
    const { virtio, memory, interrupts } = bringUp(blockDevice(disk), { features: 0n, indirect });
    const capacity = virtio.readConfig((config) => config.configRead32(0) + config.configRead32(4) * 2 ** 32);
    assert.equal(capacity, 64);
    const statuses: number[] = [];
    const queue = virtio.createQueue<{ status: Uint8Array }>(0, 16, (request, written) => {
      assert.ok(written >= 1);
      statuses.push(request.status[0]);
    });
    virtio.start();
    const request = (type: number, sector: number, data: Uint8Array, dataIsOut: boolean) => {
      const header = memory.alloc(16);
      header.view.setUint32(0, type, true);
      header.view.setBigUint64(8, BigInt(sector), true);
      const buffer = memory.alloc(data.length);
      buffer.bytes.set(data);
      const status = memory.alloc(1);
      status.bytes[0] = 0xff;
      const dataRange = { phys: buffer.phys, length: data.length };
      const out = dataIsOut ? [{ phys: header.phys, length: 16 }, dataRange] : [{ phys: header.phys, length: 16 }];
      const into = dataIsOut ? [{ phys: status.phys, length: 1 }] : [dataRange, { phys: status.phys, length: 1 }];
      assert.equal(queue.submit(out, into, { status: status.bytes }), true);
      assert.equal(queue.freeCount, indirect ? 15 : 13);
      return buffer.bytes;
    };
    const pattern = Uint8Array.from({ length: 2 * BLOCK_SECTOR_SIZE }, (_, i) => (i * 7) & 0xff);
    request(BLOCK_T_OUT, 10, pattern, true);
    queue.kick();
    interrupts.deliver();
    assert.deepEqual(disk.subarray(10 * BLOCK_SECTOR_SIZE, 12 * BLOCK_SECTOR_SIZE), pattern);
    const readBack = request(BLOCK_T_IN, 10, new Uint8Array(2 * BLOCK_SECTOR_SIZE), false);
    queue.kick();
    interrupts.deliver();
    assert.deepEqual(readBack, pattern);
    request(BLOCK_T_IN, 63, new Uint8Array(2 * BLOCK_SECTOR_SIZE), false);
    queue.kick();
    interrupts.deliver();
    assert.deepEqual(statuses, [BLOCK_S_OK, BLOCK_S_OK, BLOCK_S_IOERR]);
    assert.equal(queue.freeCount, 16);
  });
}

test("a queue whose interrupts the driver disabled is left for the driver to poll", () => {
  const { virtio, memory, interrupts } = bringUp({
    deviceId: DEVICE_ENTROPY,
    features: F_VERSION_1,
    queues: [{ maxSize: 8, handler: echoHandler }, { maxSize: 8, handler: echoHandler }],
  });
  const done: string[] = [];
  const polled = virtio.createQueue<string>(0, 8, (token) => done.push(token));
  const interrupting = virtio.createQueue<string>(1, 8, (token) => done.push(token));
  virtio.start();
  polled.disableInterrupts();
  const byte = memory.alloc(1);
  polled.submit([{ phys: byte.phys, length: 1 }], [], "polled");
  polled.kick();
  interrupting.submit([{ phys: byte.phys, length: 1 }], [], "interrupting");
  interrupting.kick();
  interrupts.deliver();
  assert.deepEqual(done, ["interrupting"]);
  assert.equal(polled.takeUsed((token) => done.push(token)), 1);
  assert.deepEqual(done, ["interrupting", "polled"]);
});

test("config reads retry until the config generation is stable", () => {
  const disk = new Uint8Array(16 * BLOCK_SECTOR_SIZE);
  const { virtio, device } = bringUp(blockDevice(disk));
  let attempts = 0;
  const capacity = virtio.readConfig((config) => {
    attempts++;
    const low = config.configRead32(0);
    // The first time, the device grows the disk from 16 to 2^32 sectors between the two halves.
    if (attempts === 1) device.changeConfig(0, Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0));
    return low + config.configRead32(4) * 2 ** 32;
  });
  assert.equal(attempts, 2);
  assert.equal(capacity, 2 ** 32, "not 2^32 + 16, torn from two generations");
});

test("a config generation that never settles is a VirtioError, not a hang", () => {
  const { virtio, device } = bringUp(blockDevice(new Uint8Array(512)));
  device.misbehave.unstableConfigGeneration = true;
  assert.throws(() => virtio.readConfig((config) => config.configRead8(0)), (error) => error instanceof VirtioError && /config generation changed during each of 64 reads/.test(error.message));
});

test("a config change interrupt runs the driver's config handler", () => {
  const { virtio, device, interrupts } = bringUp(blockDevice(new Uint8Array(512)));
  let changes = 0;
  virtio.start(() => changes++);
  device.changeConfig(0, Uint8Array.of(2));
  interrupts.deliver();
  assert.equal(changes, 1);
});

test("a device that breaks the used ring surfaces as a VirtqueueError naming the transport and queue", () => {
  const { virtio, device, memory, interrupts } = bringUp(entropy());
  const queue = virtio.createQueue<number>(0, 8, () => assert.fail("a bad entry reached the driver"));
  virtio.start();
  device.queues[0].misbehave.usedId = 7;
  const buffer = memory.alloc(8);
  queue.submit([], [{ phys: buffer.phys, length: 8 }], 1);
  queue.kick();
  assert.throws(
    () => interrupts.deliver(),
    (error) => error instanceof VirtqueueError && /^virtio-mmio@0xfeb00000 queue 0: the device put descriptor 7 in used entry 0, and it does not head a chain in flight$/.test(error.message),
  );
});

test("close resets the device and gives the queue memory back", () => {
  const { virtio, device, memory } = bringUp(blockDevice(new Uint8Array(512)));
  const queue = virtio.createQueue(0, 32, () => {});
  virtio.start();
  assert.equal(memory.liveBuffers, 1);
  virtio.close();
  assert.equal(device.status, 0);
  assert.equal(device.queues[0].ready, false);
  assert.equal(memory.liveBuffers, 0);
  assert.throws(() => queue.kick(), VirtqueueError);
});
