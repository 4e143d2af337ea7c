import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioError } from "../../kernel/devices/virtio/device.ts";
import { VirtioFs } from "../../kernel/devices/virtio/fs.ts";
import { VirtioMmioTransport } from "../../kernel/devices/virtio/mmio.ts";
import { DEVICE_FILE_SYSTEM, F_EVENT_IDX, F_INDIRECT_DESC, F_VERSION_1 } from "../../kernel/devices/virtio/transport.ts";
import { IN_HEADER_SIZE, InHeader } from "../../kernel/fs/virtiofs/headers.ts";
import { mountFuseDevice } from "../../kernel/fs/virtiofs/mount.ts";
import { Opcode } from "../../kernel/fs/virtiofs/protocol.ts";
import { simulatedVirtioMmioMachine, type QueueHandler } from "../sim/virtio-mmio-device.ts";
import { MemoryFuseServer } from "../fs/virtiofs/memory-server.ts";

/** The virtio-fs config space (5.11.4): the tag, NUL-padded to 36 bytes, then num_request_queues. */
function fsConfig(tag: string, requestQueues: number): Uint8Array {
  const config = new Uint8Array(40);
  config.set(new TextEncoder().encode(tag));
  new DataView(config.buffer).setUint32(36, requestQueues, true);
  return config;
}

/** A simulated virtio-fs device whose queues a MemoryFuseServer answers: queue 0 high priority, then the request queues. */
function machine(options: { tag?: string; requestQueues?: number; server?: MemoryFuseServer } = {}) {
  const server = options.server ?? new MemoryFuseServer();
  const seen: { queue: number; opcode: number }[] = [];
  const handler = (queue: number): QueueHandler => (readable, writableLength) => {
    const opcode = new InHeader(readable).opcode;
    seen.push({ queue, opcode });
    const reply = server.handle(readable);
    if (reply === undefined) {
      if (writableLength !== 0) throw new Error(`a request without a reply came with ${writableLength} writable bytes`);
      return new Uint8Array(0);
    }
    if (queue === 0) throw new Error(`opcode ${opcode} on the high-priority queue`);
    return reply;
  };
  const requestQueues = options.requestQueues ?? 2;
  const sim = simulatedVirtioMmioMachine({
    deviceId: DEVICE_FILE_SYSTEM,
    features: F_VERSION_1 | F_EVENT_IDX | F_INDIRECT_DESC,
    queues: Array.from({ length: 1 + Math.max(1, requestQueues) }, (_, i) => ({ maxSize: 128, handler: handler(i) })),
    config: fsConfig(options.tag ?? "share0", requestQueues),
  });
  const transport = new VirtioMmioTransport(sim.mmio, sim.base, sim.interrupts, sim.line);
  const keepAlive = { held: 0, most: 0, retain() { this.most = Math.max(this.most, ++this.held); }, release() { this.held--; } };
  // The event loop's part: run the interrupt handler whenever the device raised its line.
  const pump = setInterval(() => sim.interrupts.deliver(), 1);
  return { ...sim, server, seen, transport, keepAlive, stopPump: () => clearInterval(pump) };
}

test("the tag and the number of request queues come from the config space", () => {
  const m = machine({ tag: "my-share", requestQueues: 3 });
  try {
    const device = new VirtioFs("fs0", m.transport, m.memory, m.keepAlive);
    assert.equal(device.tag, "my-share");
    assert.equal(device.requestQueues, 3);
    assert.equal(device.name, "fs0");
  } finally {
    m.stopPump();
  }
  const full = machine({ tag: "t".repeat(36) });
  try {
    assert.equal(new VirtioFs("fs0", full.transport, full.memory, full.keepAlive).tag, "t".repeat(36), "a tag of all 36 bytes has no NUL");
  } finally {
    full.stopPump();
  }
});

test("a device without a tag or without a request queue is refused", () => {
  for (const [options, pattern] of [[{ tag: "" }, /empty tag/], [{ requestQueues: 0 }, /no request queue/]] as const) {
    const m = machine(options);
    try {
      assert.throws(() => new VirtioFs("fs0", m.transport, m.memory, m.keepAlive), (error) => error instanceof VirtioError && pattern.test(error.message));
    } finally {
      m.stopPump();
    }
  }
});

test("a file system over the device: requests and replies on the request queue, FORGETs on the high-priority queue", async () => {
  const m = machine();
  try {
    const fs = await mountFuseDevice(new VirtioFs("fs0", m.transport, m.memory, m.keepAlive), { readOnly: false });
    const file = await fs.open(["a.txt"], { write: true, create: true, exclusive: true, truncate: false });
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13) & 0xff);
    assert.equal(await file.write(0, data), data.length);
    await file.close();
    assert.deepEqual(m.server.find("a.txt")!.data, data);
    const back = await fs.open(["a.txt"], { write: false, create: false, exclusive: false, truncate: false });
    const into = new Uint8Array(data.length);
    assert.equal(await back.read(0, into), data.length);
    assert.deepEqual(into, data);
    await back.close();
    assert.deepEqual(await fs.readdir([]), [{ name: "a.txt", kind: "file" }]);
    await new Promise((resolve) => setTimeout(resolve, 10));

    assert.deepEqual([...new Set(m.seen.filter((s) => s.queue === 0).map((s) => s.opcode))], [Opcode.BATCH_FORGET]);
    assert.ok(m.seen.filter((s) => s.queue === 1).length > 10);
    assert.ok(m.seen.every((s) => s.queue <= 1), "one request queue is used");
    assert.equal(m.server.outstanding.lookups, 0);
    assert.equal(m.keepAlive.held, 0, "nothing keeps the service alive once the replies are in");
  } finally {
    m.stopPump();
  }
});

test("more requests than DMA slots wait their turn, and every one is answered", async () => {
  const m = machine();
  try {
    const device = new VirtioFs("fs0", m.transport, m.memory, m.keepAlive);
    const fs = await mountFuseDevice(device, { readOnly: false });
    for (let i = 0; i < 30; i++) m.server.writeFile(`f${i}`, "x".repeat(i));
    const sizes = await Promise.all(Array.from({ length: 30 }, (_, i) => fs.stat([`f${i}`]).then((stat) => stat.size)));
    assert.deepEqual(sizes, Array.from({ length: 30 }, (_, i) => i));
    assert.ok(m.keepAlive.most >= 30, "each waiting request holds the service");
    await new Promise((resolve) => setTimeout(resolve, 10)); // the last BATCH_FORGET
    assert.equal(m.keepAlive.held, 0);
  } finally {
    m.stopPump();
  }
});

test("a request too big for a slot rejects with RangeError and reaches no queue", async () => {
  const m = machine();
  try {
    const device = new VirtioFs("fs0", m.transport, m.memory, m.keepAlive);
    const header = new Uint8Array(IN_HEADER_SIZE);
    await assert.rejects(device.request([header, new Uint8Array(device.maxMessageBytes)], 16), RangeError);
    assert.throws(() => device.post([header, new Uint8Array(8192)]), RangeError);
    assert.deepEqual(m.seen, []);
    assert.equal(m.keepAlive.held, 0);
  } finally {
    m.stopPump();
  }
});
