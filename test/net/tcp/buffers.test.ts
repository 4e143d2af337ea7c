import { test } from "node:test";
import assert from "node:assert/strict";
import { ReceiveBuffer } from "../../../kernel/net/tcp/receive-buffer.ts";
import { SendBuffer } from "../../../kernel/net/tcp/send-buffer.ts";
import { MemoryBudget } from "../../../kernel/net/tcp/memory-budget.ts";

const stream = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 9)) & 0xff);

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

test("the send buffer wraps, copies out any unacknowledged range, and frees on ACK", () => {
  const iss = 0xfffffff0;
  const buffer = new SendBuffer(iss, 100, new MemoryBudget(1 << 20));
  const data = stream(250);
  let written = buffer.write(data);
  assert.equal(written, 100);
  assert.equal(buffer.acknowledge((iss + 60) >>> 0), 60);
  written += buffer.write(data.subarray(written));
  assert.equal(written, 160);
  const out = new Uint8Array(100);
  buffer.copyOut((iss + 60) >>> 0, out, 0, 100);
  assert.deepEqual(out, data.subarray(60, 160));
  assert.equal(buffer.acknowledge((iss + 10) >>> 0), 0, "an old ACK frees nothing");
  assert.equal(buffer.acknowledge((iss + 500) >>> 0), 0, "an ACK for unsent data frees nothing");
  assert.throws(() => buffer.copyOut((iss + 150) >>> 0, out, 0, 20), RangeError);
});

test("segments in any order, duplicated and overlapping, come out as the stream", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const next = random(seed);
    const data = stream(100_000, seed);
    const irs = Math.floor(next() * 2 ** 32) >>> 0;
    const rx = new ReceiveBuffer(irs, 16384, new MemoryBudget(1 << 20));
    const out: number[] = [];
    const scratch = new Uint8Array(4096);
    let delivered = 0, guard = 0;
    while (delivered < data.length && guard++ < 1_000_000) {
      // A sender that retransmits from what we acknowledged, sends a little ahead, in random pieces.
      const from = delivered + Math.floor(next() * 8000) - 1000;
      const length = 1 + Math.floor(next() * 1460);
      const a = Math.max(0, from), b = Math.min(data.length, from + length);
      if (a < b) rx.offer((irs + a) >>> 0, data.subarray(a, b));
      let n;
      while ((n = rx.read(scratch)) > 0) for (let i = 0; i < n; i++) out.push(scratch[i]);
      delivered = out.length;
    }
    assert.equal(out.length, data.length, `seed ${seed}`);
    assert.deepEqual(Uint8Array.from(out), data, `seed ${seed}`);
  }
});

test("the window bounds what is kept, and out-of-order ranges are bounded", () => {
  const rx = new ReceiveBuffer(1000, 1000, new MemoryBudget(1 << 20));
  assert.equal(rx.offer(1500, new Uint8Array(800)), 0); // only 500 bytes of it are inside the window
  assert.deepEqual(rx.outOfOrder(), [[1500, 2000]]);
  assert.equal(rx.offer(1000, new Uint8Array(500)), 1000);
  assert.equal(rx.window, 0);
  assert.equal(rx.offer(2000, new Uint8Array(10)), 0);
  const scattered = new ReceiveBuffer(0, 100_000, new MemoryBudget(1 << 20));
  for (let i = 0; i < 100; i++) scattered.offer(100 + i * 20, new Uint8Array(5));
  assert.equal(scattered.outOfOrder().length, 32);
  assert.equal(scattered.offer(0, new Uint8Array(100)), 105, "the gap closes up to the first kept range");
});

test("buffers start empty, grow as data needs room, and stay within the shared budget", () => {
  const budget = new MemoryBudget(64 * 1024);
  const idle = Array.from({ length: 100 }, (_, i) => new ReceiveBuffer(i * 1000, 256 * 1024, budget));
  assert.equal(budget.available, 64 * 1024, "idle connections hold no memory");
  assert.equal(idle[0].window, 64 * 1024, "the window says what the budget could still hold");

  const rx = new ReceiveBuffer(0, 256 * 1024, budget);
  const data = stream(100 * 1024);
  let delivered = 0;
  for (let at = 0; at < data.length; at += 1000) delivered += rx.offer(at, data.subarray(at, at + 1000));
  assert.equal(delivered, 64 * 1024, "what does not fit in the budget is dropped, to be sent again");
  assert.equal(budget.available, 0);
  assert.equal(rx.window, 0);
  const tx = new SendBuffer(0, 256 * 1024, budget);
  assert.equal(tx.write(new Uint8Array(10)), 0, "no room for a writer either");

  const out = new Uint8Array(delivered);
  rx.read(out);
  assert.deepEqual(out, data.subarray(0, delivered));
  assert.equal(budget.available, 64 * 1024, "under pressure a drained buffer gives its memory back");
  assert.equal(tx.write(new Uint8Array(10)), 10);
  tx.close();
  rx.close();
  assert.equal(budget.available, 64 * 1024);
});

test("a buffer keeps early segments when it grows", () => {
  const rx = new ReceiveBuffer(0, 64 * 1024, new MemoryBudget(1 << 20));
  const data = stream(20_000, 3);
  assert.equal(rx.offer(100, data.subarray(100, 1000)), 0);
  assert.equal(rx.offer(5000, data.subarray(5000, 20_000)), 0);
  assert.equal(rx.offer(1000, data.subarray(1000, 5000)), 0);
  assert.equal(rx.offer(0, data.subarray(0, 100)), 20_000);
  const out = new Uint8Array(20_000);
  rx.read(out);
  assert.deepEqual(out, data);
});
