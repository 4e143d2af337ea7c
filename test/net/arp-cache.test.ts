import { test } from "node:test";
import assert from "node:assert/strict";
import { ArpCache, DEFAULT_ARP_LIMITS } from "../../kernel/net/arp-cache.ts";

const MAC_A = Uint8Array.of(2, 0, 0, 0, 0, 0xa);
const MAC_B = Uint8Array.of(2, 0, 0, 0, 0, 0xb);
const IP = 0x0a000202;

function cache(limits = DEFAULT_ARP_LIMITS) {
  const requests: number[] = [];
  const dropped: [string, string][] = [];
  const arp = new ArpCache<string>({ request: (ip) => requests.push(ip), dropped: (p, why) => dropped.push([p, why]) }, limits);
  return { arp, requests, dropped };
}

test("learned addresses are found until they expire, and refreshed when learned again", () => {
  const { arp } = cache();
  arp.learn(IP, MAC_A, 0);
  assert.deepEqual(arp.lookup(IP, 59_999), MAC_A);
  arp.learn(IP, MAC_B, 30_000);
  assert.deepEqual(arp.lookup(IP, 89_999), MAC_B);
  assert.equal(arp.lookup(IP, 90_000), undefined);
  assert.equal(arp.size, 0);
});

test("the cache keeps its own copy of a MAC address", () => {
  const { arp } = cache();
  const mac = Uint8Array.from(MAC_A);
  arp.learn(IP, mac, 0);
  mac.fill(0);
  assert.deepEqual(arp.lookup(IP, 1), MAC_A);
});

test("a changed address comes back as a new array; the same address refreshed keeps its array", () => {
  const { arp } = cache();
  arp.learn(IP, MAC_A, 0);
  const first = arp.lookup(IP, 1);
  arp.learn(IP, MAC_A, 2);
  assert.equal(arp.lookup(IP, 3), first);
  arp.learn(IP, MAC_B, 4);
  const second = arp.lookup(IP, 5);
  assert.notEqual(second, first);
  assert.deepEqual(second, MAC_B);
  assert.deepEqual(first, MAC_A, "what a sender holds is not rewritten");
});

test("packets wait for resolution, one request goes out, and a reply releases them in order", () => {
  const { arp, requests } = cache();
  arp.enqueue(IP, "p1", 0);
  arp.enqueue(IP, "p2", 10);
  assert.deepEqual(requests, [IP]);
  assert.deepEqual(arp.learn(IP, MAC_A, 20), ["p1", "p2"]);
  assert.deepEqual(arp.learn(IP, MAC_A, 30), []);
});

test("requests are retried, then the waiting packets are dropped", () => {
  const { arp, requests, dropped } = cache();
  arp.enqueue(IP, "p", 0);
  assert.equal(arp.poll(500), 1000);
  arp.poll(1000);
  arp.poll(2000);
  assert.equal(requests.length, 3);
  assert.equal(arp.poll(3000), undefined);
  assert.deepEqual(dropped, [["p", "no ARP reply"]]);
});

test("the queue per address and the number of addresses resolving are bounded", () => {
  const { arp, dropped } = cache({ ...DEFAULT_ARP_LIMITS, maxPending: 2, maxQueuedPerAddress: 2 });
  for (const p of ["a", "b", "c"]) arp.enqueue(1, p, 0);
  arp.enqueue(2, "x", 0);
  arp.enqueue(3, "y", 0);
  assert.deepEqual(dropped, [["a", "too many packets wait for this address"], ["y", "too many addresses are being resolved"]]);
  assert.deepEqual(arp.learn(1, MAC_A, 1), ["b", "c"]);
});

test("a flood of made-up addresses keeps the cache within its bound, forgetting the address learned longest ago", () => {
  const { arp } = cache({ ...DEFAULT_ARP_LIMITS, maxEntries: 3 });
  const [A, B, C, D] = [0x0a000001, 0x0a000002, 0x0a000003, 0x0a000004];
  arp.learn(A, MAC_A, 0);
  arp.learn(B, MAC_A, 0);
  arp.learn(A, MAC_A, 1); // learned again: B is now the oldest
  arp.learn(C, MAC_B, 2);
  arp.learn(D, MAC_B, 2);
  assert.equal(arp.lookup(B, 3), undefined);
  assert.deepEqual(arp.lookup(A, 3), MAC_A);
  for (let i = 0; i < 10_000; i++) arp.learn(0x0b000000 + i, MAC_B, 4);
  assert.equal(arp.size, 3);
  assert.deepEqual(arp.lookup(0x0b000000 + 9_999, 5), MAC_B);
});
