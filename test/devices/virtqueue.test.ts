import { test } from "node:test";
import assert from "node:assert/strict";
import { Virtqueue, VirtqueueError, type DmaRange } from "../../kernel/devices/virtio/queue.ts";
import { F_EVENT_IDX, F_INDIRECT_DESC } from "../../kernel/devices/virtio/transport.ts";
import { SimulatedMemory } from "../sim/memory.ts";
import { SimulatedDeviceQueue, echoHandler, type QueueHandler } from "../sim/virtio-mmio-device.ts";

interface PairOptions {
  size?: number;
  eventIdx?: boolean;
  indirect?: boolean;
  indirectTableLength?: number;
  handler?: QueueHandler;
}

/** A driver queue wired straight to a simulated device queue, with no transport in between. */
function queuePair({ size = 8, eventIdx = false, indirect = false, indirectTableLength, handler = echoHandler }: PairOptions = {}) {
  const memory = new SimulatedMemory();
  const device = new SimulatedDeviceQueue(memory, size, handler, () => {});
  const queue = new Virtqueue<number>(0, size, memory, () => device.notified(true), { eventIdx, indirect, indirectTableLength });
  device.size = size;
  device.desc = queue.addresses.desc;
  device.driver = queue.addresses.driver;
  device.device = queue.addresses.device;
  device.enable((eventIdx ? F_EVENT_IDX : 0n) | (indirect ? F_INDIRECT_DESC : 0n));
  const completed: [number, number][] = [];
  const take = () => queue.takeUsed((token, written) => completed.push([token, written]));
  /** A DMA buffer holding `text`, or `length` zero bytes. */
  const buffer = (content: string | number) => {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : new Uint8Array(content);
    const dma = memory.alloc(bytes.length);
    dma.bytes.set(bytes);
    return { range: { phys: dma.phys, length: bytes.length } as DmaRange, bytes: dma.bytes };
  };
  return { memory, device, queue, completed, take, buffer };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test("a chain of direct descriptors: the device reads the out buffers and fills the in buffers", () => {
  const { queue, device, completed, take, buffer } = queuePair();
  const hello = buffer("hello "), world = buffer("world");
  const first = buffer(4), second = buffer(10);
  assert.equal(queue.submit([hello.range, world.range], [first.range, second.range], 7), true);
  assert.equal(queue.freeCount, 8 - 4);
  assert.equal(queue.inFlight, 1);
  assert.equal(queue.kick(), true);
  assert.equal(device.notifications, 1);
  assert.equal(take(), 1);
  assert.deepEqual(completed, [[7, 11]]);
  assert.equal(text(first.bytes), "hell");
  assert.equal(text(second.bytes.subarray(0, 7)), "o world");
  assert.equal(queue.freeCount, 8);
  assert.equal(queue.inFlight, 0);
});

test("submitOne makes a one-buffer chain, device-readable or device-writable, as submit does", () => {
  const seen: string[] = [];
  const { queue, completed, take, buffer } = queuePair({
    handler: (readable, writableLength) => {
      seen.push(`${text(readable)}|${writableLength}`);
      return new TextEncoder().encode("reply".slice(0, writableLength));
    },
  });
  const frame = buffer("frame"), slot = buffer(16);
  assert.equal(queue.submitOne(frame.range.phys, frame.range.length, false, 1), true);
  assert.equal(queue.submitOne(slot.range.phys, slot.range.length, true, 2), true);
  assert.equal(queue.freeCount, 6);
  queue.kick();
  assert.equal(take(), 2);
  assert.deepEqual(seen, ["frame|0", "|16"]);
  assert.deepEqual(completed, [[1, 0], [2, 5]]);
  assert.equal(text(slot.bytes.subarray(0, 5)), "reply");
  assert.equal(queue.freeCount, 8);
  // A full queue refuses, as submit does.
  for (let i = 0; i < 8; i++) assert.equal(queue.submitOne(frame.range.phys, frame.range.length, false, i), true);
  assert.equal(queue.submitOne(frame.range.phys, frame.range.length, false, 9), false);
});

test("with INDIRECT_DESC a chain takes one ring descriptor; single buffers and chains too long for a table stay direct", () => {
  const { queue, completed, take, buffer } = queuePair({ indirect: true, indirectTableLength: 4 });
  const header = buffer("abc"), data = buffer("defgh");
  const reply = buffer(8), status = buffer(1);
  assert.equal(queue.submit([header.range, data.range], [reply.range, status.range], 1), true);
  assert.equal(queue.freeCount, 7);
  assert.equal(queue.submit([header.range], [], 2), true);
  assert.equal(queue.freeCount, 6);
  assert.equal(queue.submit([header.range, data.range, header.range], [reply.range, status.range], 3), true, "5 buffers exceed a table of 4");
  assert.equal(queue.freeCount, 1);
  queue.kick();
  take();
  assert.deepEqual(completed, [[1, 8], [2, 0], [3, 9]]);
  assert.equal(text(reply.bytes), "abcdefgh");
  assert.equal(text(status.bytes), "a");
  assert.equal(queue.freeCount, 8);
});

test("indirect tables are reused across many requests", () => {
  const { queue, completed, take, buffer } = queuePair({ size: 4, indirect: true });
  const out = buffer("xy"), outToo = buffer("z"), into = buffer(3);
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 4; i++) assert.equal(queue.submit([out.range, outToo.range], [into.range], round * 4 + i), true);
    assert.equal(queue.submit([out.range, outToo.range], [into.range], -1), false, "the ring is full");
    queue.kick();
    take();
  }
  assert.equal(completed.length, 80);
  assert.deepEqual(completed.map(([token]) => token), Array.from({ length: 80 }, (_, i) => i));
  assert.equal(text(into.bytes), "xyz");
});

test("submit returns false when the free descriptors do not suffice, and works again once buffers come back", () => {
  const { queue, device, take, buffer } = queuePair({ size: 4 });
  device.processOnNotify = false;
  const a = buffer("a"), b = buffer(1);
  assert.equal(queue.submit([a.range], [b.range], 1), true);
  assert.equal(queue.submit([a.range], [b.range], 2), true);
  assert.equal(queue.submit([a.range], [], 3), false);
  assert.equal(queue.freeCount, 0);
  queue.kick();
  assert.equal(take(), 0, "nothing used yet");
  device.process(1);
  assert.equal(take(), 1);
  assert.equal(queue.submit([a.range], [b.range], 3), true);
});

for (const eventIdx of [false, true]) {
  test(`ring indices wrap past 65535 (${eventIdx ? "with" : "without"} EVENT_IDX)`, () => {
    const { queue, device, completed, take, buffer } = queuePair({ size: 8, eventIdx });
    const out = buffer("ping"), into = buffer(4);
    const requests = 70_000;
    let batches = 0;
    for (let next = 0; next < requests; batches++) {
      const batchEnd = Math.min(next + 1 + (batches % 4), requests); // two descriptors per request: up to 4 fit
      while (next < batchEnd) assert.equal(queue.submit([out.range], [into.range], next++), true);
      queue.kick();
      take();
    }
    assert.equal(completed.length, requests);
    assert.ok(completed.every(([token, written], i) => token === i && written === 4));
    assert.equal(device.usedIndex, requests & 0xffff);
    assert.equal(device.notifications, batches, "one notification per batch");
    assert.equal(device.usedNotifications, batches, "one interrupt per batch");
    assert.equal(queue.freeCount, 8);
  });
}

for (const eventIdx of [false, true]) {
  const how = eventIdx ? "with EVENT_IDX" : "with flags";
  test(`many submits and one kick notify once; none when the device asked for none (${how})`, () => {
    const { queue, device, take, buffer } = queuePair({ size: 16, eventIdx });
    const out = buffer("x");
    for (let i = 0; i < 10; i++) queue.submit([out.range], [], i);
    assert.equal(queue.kick(), true);
    assert.equal(device.notifications, 1);
    assert.equal(take(), 10);
    assert.equal(queue.kick(), false, "nothing new to kick");

    device.processOnNotify = false;
    device.suppressNotifications(true);
    for (let i = 0; i < 10; i++) queue.submit([out.range], [], i);
    assert.equal(queue.kick(), false);
    assert.equal(device.notifications, 1);
    assert.equal(device.process(), 10, "the device polls instead");
    assert.equal(take(), 10);

    device.suppressNotifications(false);
    queue.submit([out.range], [], 0);
    assert.equal(queue.kick(), true);
    assert.equal(device.notifications, 2);
  });
}

test("with EVENT_IDX the driver notifies only when the available index passes avail_event", () => {
  const { queue, device, buffer } = queuePair({ size: 16, eventIdx: true });
  device.processOnNotify = false;
  device.requestNotificationAfter(5);
  const out = buffer("x");
  const submit = (count: number) => {
    for (let i = 0; i < count; i++) queue.submit([out.range], [], i);
    return queue.kick();
  };
  assert.equal(submit(3), false, "0 → 3");
  assert.equal(submit(2), false, "3 → 5 has not passed 5");
  assert.equal(submit(1), true, "5 → 6 passes it");
  assert.equal(submit(1), false, "the device has not asked again");
  assert.equal(device.notifications, 1);
});

test("interrupt suppression with flags: disabled interrupts are not sent; enableInterrupts reports what came meanwhile", () => {
  const { queue, device, take, buffer } = queuePair();
  const out = buffer("x");
  queue.disableInterrupts();
  assert.equal(queue.interruptsEnabled, false);
  queue.submit([out.range], [], 1);
  queue.kick();
  assert.equal(device.usedNotifications, 0);
  assert.equal(queue.enableInterrupts(), true, "a used buffer is waiting");
  assert.equal(take(), 1);
  assert.equal(queue.enableInterrupts(), false);
  queue.submit([out.range], [], 2);
  queue.kick();
  assert.equal(device.usedNotifications, 1);
});

test("interrupt suppression with EVENT_IDX: used_event follows what the driver took", () => {
  const { queue, device, take, buffer } = queuePair({ eventIdx: true });
  const out = buffer("x");
  const complete = () => {
    queue.submit([out.range], [], 0);
    queue.kick();
  };
  complete();
  assert.equal(device.usedNotifications, 1, "used_event 0 is passed by the first entry");
  complete();
  assert.equal(device.usedNotifications, 1, "no new interrupt until the driver takes what it was told of");
  assert.equal(take(), 2);
  complete();
  assert.equal(device.usedNotifications, 2, "taking moved used_event");

  queue.disableInterrupts();
  assert.equal(take(), 1);
  for (let i = 0; i < 5; i++) complete();
  assert.equal(device.usedNotifications, 2);
  assert.equal(queue.enableInterrupts(), true);
  assert.equal(take(), 5);
  complete();
  assert.equal(device.usedNotifications, 3);
});

test("onUsed may submit again; a takeUsed from inside onUsed leaves the work to the outer one", () => {
  const { queue, completed, buffer } = queuePair({ size: 2 });
  const out = buffer("x");
  queue.submit([out.range], [], 1);
  queue.submit([out.range], [], 2);
  queue.kick();
  let nested = -1;
  const taken = queue.takeUsed((token, written) => {
    completed.push([token, written]);
    nested = queue.takeUsed(() => assert.fail("nested call delivered an entry"));
    if (token <= 2) assert.equal(queue.submit([out.range], [], token + 2), true);
    queue.kick();
  });
  assert.equal(nested, 0);
  assert.equal(taken, 4, "the outer call also takes what was used during it");
  assert.deepEqual(completed.map(([token]) => token), [1, 2, 3, 4]);
});

test("a used index that jumps past the chains in flight is a VirtqueueError, and the queue stays unusable", () => {
  const { queue, device, completed, take, buffer } = queuePair();
  const out = buffer("x");
  queue.submit([out.range], [], 1);
  queue.submit([out.range], [], 2);
  device.misbehave.usedIndexJump = 5;
  queue.kick();
  assert.throws(take, (error) => error instanceof VirtqueueError && /^virtqueue 0: the device moved the used index from 0 to 7 \(7 entries\) with only 2 chains in flight$/.test(error.message));
  assert.deepEqual(completed, []);
  assert.throws(() => queue.submit([out.range], [], 3), (error) => error instanceof VirtqueueError && /^virtqueue 0 is unusable: the device moved the used index/.test(error.message));
  assert.throws(take, VirtqueueError);
  assert.throws(() => queue.kick(), VirtqueueError);
});

test("a used index that goes backwards is a VirtqueueError", () => {
  const { queue, device, take, buffer } = queuePair();
  queue.submit([buffer("x").range], [], 1);
  device.misbehave.usedIndexJump = -2;
  queue.kick();
  assert.throws(take, /moved the used index from 0 to 65535/);
});

test("a used id outside the table is a VirtqueueError", () => {
  const { queue, device, take, buffer } = queuePair();
  queue.submit([buffer("x").range], [], 1);
  device.misbehave.usedId = 99;
  queue.kick();
  assert.throws(take, (error) => error instanceof VirtqueueError && /put descriptor 99 in used entry 0, outside the table of 8/.test(error.message));
});

test("a used id that is not the head of a chain in flight is a VirtqueueError", () => {
  for (const id of [1, 5]) {
    const { queue, device, completed, take, buffer } = queuePair();
    queue.submit([buffer("x").range], [buffer(1).range], 1); // descriptors 0 and 1
    device.misbehave.usedId = id;
    queue.kick();
    assert.throws(take, (error) => error instanceof VirtqueueError && new RegExp(`put descriptor ${id} in used entry 0, and it does not head a chain in flight`).test(error.message));
    assert.deepEqual(completed, []);
  }
});

test("a written length beyond the chain's writable bytes is a VirtqueueError", () => {
  const { queue, device, take, buffer } = queuePair();
  queue.submit([buffer("abc").range], [buffer(2).range, buffer(1).range], 1);
  device.misbehave.writtenExtra = 1;
  queue.kick();
  assert.throws(take, (error) => error instanceof VirtqueueError && /reported 4 bytes written in used entry 0 to chain 0, which has 3 writable/.test(error.message));
});

test("the same id used twice is caught on the second use", () => {
  const { queue, device, completed, take, buffer } = queuePair();
  const out = buffer("x");
  queue.submit([out.range], [], 1);
  queue.submit([out.range], [], 2);
  device.misbehave.usedId = 0;
  queue.kick();
  assert.throws(take, /put descriptor 0 in used entry 1, and it does not head a chain in flight/);
  assert.deepEqual(completed, [[1, 0]]);
});

test("sizes and buffers the queue cannot take are refused", () => {
  const memory = new SimulatedMemory();
  for (const size of [0, 3, 100, 65536, 1.5]) {
    assert.throws(() => new Virtqueue(0, size, memory, () => {}, { eventIdx: false, indirect: false }), RangeError);
  }
  const { queue, buffer } = queuePair({ size: 2 });
  const x = buffer("x").range;
  assert.throws(() => queue.submit([], [], 0), /at least one buffer/);
  assert.throws(() => queue.submit([x, x, x], [], 0), /cannot fit a queue of 2/);
  assert.throws(() => queue.submit([{ phys: x.phys, length: 0 }], [], 0), /length 0/);
  assert.throws(() => queue.submit([{ phys: x.phys, length: 2 ** 32 }], [], 0), /length/);
  assert.throws(() => queue.submit([{ phys: -1, length: 1 }], [], 0), /not a physical address/);
  assert.equal(queue.freeCount, 2, "refused chains take nothing");
  assert.equal(queue.submit([x, x], [], 0), true);
});

test("the rings are laid out and aligned as the spec asks, in one allocation that release() gives back", () => {
  const memory = new SimulatedMemory();
  const queue = new Virtqueue(0, 256, memory, () => {}, { eventIdx: true, indirect: true });
  assert.equal(memory.liveBuffers, 1);
  assert.equal(queue.addresses.desc % 16, 0);
  assert.equal(queue.addresses.driver, queue.addresses.desc + 256 * 16);
  assert.equal(queue.addresses.device % 4, 0);
  assert.ok(queue.addresses.device >= queue.addresses.driver + 6 + 2 * 256);
  queue.release();
  assert.equal(memory.liveBuffers, 0);
  assert.throws(() => queue.kick(), /unusable: it was released/);
});
