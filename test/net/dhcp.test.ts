import { test } from "node:test";
import assert from "node:assert/strict";
import { BROADCAST, DhcpClient, type Lease } from "../../kernel/net/dhcp-client.ts";
import { ACK, DISCOVER, NAK, OFFER, parseServerMessage, REQUEST } from "../../kernel/net/dhcp-message.ts";

const MAC = Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56);
const SERVER = 0x0a000202, OFFERED = 0x0a00020f, DNS = 0x0a000203;

/** Timers on a clock the test moves. */
function clock() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let id = 0;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => (timers.set(++id, { at: now + ms, fn }), id),
    clearTimer: (handle: unknown) => void timers.delete(handle as number),
    advance(to: number) {
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = to;
    },
  };
}

/** A server reply in wire format: BOOTREPLY with the given options. */
function reply(type: number, xid: number, options: { lease?: number; t1?: number; t2?: number } = {}) {
  const opts = [53, 1, type, 54, 4, 10, 0, 2, 2, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 3];
  const u32 = (code: number, v: number) => opts.push(code, 4, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (options.lease !== undefined) u32(51, options.lease);
  if (options.t1 !== undefined) u32(58, options.t1);
  if (options.t2 !== undefined) u32(59, options.t2);
  opts.push(255);
  const bytes = new Uint8Array(240 + opts.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = 2;
  view.setUint32(4, xid);
  view.setUint32(16, type === NAK ? 0 : OFFERED);
  view.setUint32(236, 0x63825363);
  bytes.set(opts, 240);
  return bytes;
}

function harness() {
  const time = clock();
  const sent: { type: number; xid: number; destination: number; bytes: Uint8Array; at: number }[] = [];
  const events: string[] = [];
  let lease: Lease | undefined;
  let seed = 7;
  const client = new DhcpClient(MAC, {
    send(bytes, destination) {
      const view = new DataView(bytes.buffer);
      const typeAt = bytes.indexOf(53, 240);
      sent.push({ type: bytes[typeAt + 2], xid: view.getUint32(4), destination, bytes, at: time.now() });
    },
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    bound: (l) => (lease = l, events.push(`bound ${l.address.toString(16)}`)),
    lost: (why) => events.push(`lost: ${why}`),
  });
  return { client, sent, events, time, lease: () => lease };
}

test("discover, offer, request, ack: the client binds the offered lease", () => {
  const { client, sent, events, lease } = harness();
  client.start();
  assert.equal(sent[0].type, DISCOVER);
  assert.equal(sent[0].destination, BROADCAST);
  assert.deepEqual(sent[0].bytes.subarray(28, 34), MAC);
  client.receive(reply(OFFER, sent[0].xid));
  assert.equal(sent[1].type, REQUEST);
  assert.equal(client.status, "requesting");
  client.receive(reply(ACK, sent[1].xid, { lease: 86400 }));
  assert.deepEqual(events, ["bound a00020f"]);
  assert.deepEqual(lease(), { address: OFFERED, subnetMask: 0xffffff00, router: SERVER, dnsServers: [DNS], server: SERVER, leaseSeconds: 86400 });
});

test("unanswered discovers are retried with exponential backoff and jitter", () => {
  const { client, sent, time } = harness();
  client.start();
  time.advance(200_000);
  const gaps = sent.slice(1).map((s, i) => s.at - sent[i].at);
  const expected = [4000, 8000, 16000, 32000, 64000, 64000];
  expected.forEach((ms, i) => assert.ok(Math.abs(gaps[i] - ms) <= 1000, `retry ${i}: ${gaps[i]} ms, expected ${ms} ± 1000`));
  assert.ok(sent.every((s) => s.type === DISCOVER && s.xid === sent[0].xid));
});

test("renewal at T1 goes to the server, rebinding at T2 to everyone, expiry starts over", () => {
  const { client, sent, events, time } = harness();
  client.start();
  client.receive(reply(OFFER, sent[0].xid));
  client.receive(reply(ACK, sent[1].xid, { lease: 1000 }));
  time.advance(500_000);
  const renew = sent[sent.length - 1];
  assert.equal(client.status, "renewing");
  assert.equal(renew.destination, SERVER);
  assert.equal(new DataView(renew.bytes.buffer).getUint32(12), OFFERED, "ciaddr is our address");
  time.advance(875_000);
  assert.equal(client.status, "rebinding");
  assert.equal(sent[sent.length - 1].destination, BROADCAST);
  time.advance(1_000_000);
  assert.deepEqual(events, ["bound a00020f", "lost: the lease expired"]);
  assert.equal(client.status, "selecting");
});

test("a renewal ack extends the lease; a NAK drops it and starts over", () => {
  const { client, sent, events, time } = harness();
  client.start();
  client.receive(reply(OFFER, sent[0].xid));
  client.receive(reply(ACK, sent[1].xid, { lease: 100, t1: 10, t2: 20 }));
  time.advance(10_000);
  client.receive(reply(ACK, sent[sent.length - 1].xid, { lease: 100 }));
  assert.equal(client.status, "bound");
  time.advance(60_000);
  client.receive(reply(NAK, sent[sent.length - 1].xid));
  assert.deepEqual(events, ["bound a00020f", "bound a00020f", "lost: the server refused the lease (DHCPNAK)"]);
  assert.equal(client.status, "selecting");
});

test("replies that are malformed, for someone else, or out of turn change nothing", () => {
  const { client, sent } = harness();
  client.start();
  const good = reply(OFFER, sent[0].xid);
  const truncatedOption = Uint8Array.from(good.subarray(0, 244)); // cut inside the option list
  truncatedOption[243] = 50;
  const badCookie = Uint8Array.from(good);
  badCookie[236] = 0;
  for (const bytes of [good.subarray(0, 100), badCookie, truncatedOption, reply(OFFER, sent[0].xid + 1), reply(ACK, sent[0].xid), new Uint8Array(300)]) {
    client.receive(bytes);
    assert.equal(client.status, "selecting");
  }
  assert.equal(typeof parseServerMessage(truncatedOption), "string");
  for (let cut = 0; cut < good.length; cut++) parseServerMessage(good.subarray(0, cut)); // never throws
});
