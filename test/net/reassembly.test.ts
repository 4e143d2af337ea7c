import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_REASSEMBLY_LIMITS, Reassembly } from "../../kernel/net/reassembly.ts";

const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
const piece = (from: number, to: number) => payload.subarray(from, to);

test("fragments in any order reassemble to the payload, once", () => {
  const r = new Reassembly();
  assert.deepEqual(r.add(1, 2, 17, 9, 1480, true, piece(1480, 2960), 0), { done: false });
  assert.deepEqual(r.add(1, 2, 17, 9, 2960, false, piece(2960, 3000), 0), { done: false });
  const last = r.add(1, 2, 17, 9, 0, true, piece(0, 1480), 0);
  assert.equal(last.done, true);
  assert.deepEqual(last.done && last.payload, payload);
  assert.equal(r.pending, 0);
  assert.equal(r.bufferedBytes, 0);
});

test("datagrams are kept apart by source, destination, protocol and id", () => {
  const r = new Reassembly();
  r.add(1, 2, 17, 9, 0, true, piece(0, 8), 0);
  r.add(1, 2, 17, 10, 0, true, piece(0, 8), 0);
  r.add(1, 3, 17, 9, 0, true, piece(0, 8), 0);
  r.add(1, 2, 6, 9, 0, true, piece(0, 8), 0);
  assert.equal(r.pending, 4);
  assert.equal(r.add(1, 2, 17, 9, 8, false, piece(8, 16), 0).done, true);
});

test("malformed fragment sets are dropped with a reason", () => {
  const cases: [string, (r: Reassembly) => unknown][] = [
    ["overlapping fragments", (r) => (r.add(1, 2, 17, 1, 0, true, piece(0, 16), 0), r.add(1, 2, 17, 1, 8, true, piece(8, 24), 0))],
    ["more than 65535 bytes", (r) => r.add(1, 2, 17, 1, 65528, true, piece(0, 16), 0)],
    ["not a multiple of 8", (r) => r.add(1, 2, 17, 1, 0, true, piece(0, 10), 0)],
    ["two fragments claim to be the last", (r) => (r.add(1, 2, 17, 1, 16, false, piece(0, 8), 0), r.add(1, 2, 17, 1, 32, false, piece(0, 8), 0))],
    ["past the end", (r) => (r.add(1, 2, 17, 1, 16, false, piece(0, 8), 0), r.add(1, 2, 17, 1, 24, true, piece(0, 8), 0))],
    // The last fragment after one past its end: with a hole of the same size, the byte count alone looked complete.
    ["past the end", (r) => (r.add(1, 2, 17, 1, 16, true, piece(0, 8), 0), r.add(1, 2, 17, 1, 8, false, piece(0, 8), 0))],
  ];
  for (const [why, act] of cases) {
    const r = new Reassembly();
    const result = act(r) as { done: boolean; dropped?: string };
    assert.equal(result.done, false);
    assert.match(result.dropped ?? "", new RegExp(why), why);
    assert.equal(r.pending, 0, why);
    assert.equal(r.bufferedBytes, 0, why);
  }
});

test("limits: datagrams at once, bytes held, and time", () => {
  const r = new Reassembly({ ...DEFAULT_REASSEMBLY_LIMITS, maxDatagrams: 2, maxBufferedBytes: 64, timeoutMs: 1000 });
  r.add(1, 2, 17, 1, 0, true, piece(0, 8), 0);
  r.add(1, 2, 17, 2, 0, true, piece(0, 8), 0);
  assert.match((r.add(1, 2, 17, 3, 0, true, piece(0, 8), 0) as { dropped: string }).dropped, /too many datagrams/);
  assert.match((r.add(1, 2, 17, 1, 8, true, piece(0, 56), 0) as { dropped: string }).dropped, /too many fragment bytes/);
  r.expire(1000);
  assert.equal(r.pending, 0);
  assert.equal(r.bufferedBytes, 0);
});

test("a flood of random fragments never holds more than the limits", () => {
  const r = new Reassembly();
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 5000; i++) {
    const offset = Math.floor(random() * 8192) * 8;
    const length = Math.floor(random() * 200) * 8;
    r.add(Math.floor(random() * 4), 2, 17, Math.floor(random() * 40), offset, random() < 0.9, new Uint8Array(length), i);
    assert.ok(r.pending <= DEFAULT_REASSEMBLY_LIMITS.maxDatagrams);
    assert.ok(r.bufferedBytes <= DEFAULT_REASSEMBLY_LIMITS.maxBufferedBytes);
  }
});
