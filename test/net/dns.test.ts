import { test } from "node:test";
import assert from "node:assert/strict";
import { buildQuery, parseResponse } from "../../kernel/net/dns-message.ts";
import { DnsError, DnsResolver } from "../../kernel/net/dns-resolver.ts";

const SERVER = 0x0a000203;

/** www.example.com CNAME example.com, example.com A 93.184.216.34 and A 93.184.216.35, with compression. */
function response(id: number, { rcode = 0, ttl = 300, question = "www.example.com" } = {}) {
  const name = (n: string) => n.split(".").flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]).concat(0);
  const q = name(question);
  const header = [id >> 8, id & 0xff, 0x81, 0x80 | rcode, 0, 1, 0, rcode ? 0 : 3, 0, 0, 0, 0];
  const bytes = [...header, ...q, 0, 1, 0, 1];
  if (!rcode) {
    const t = [ttl >>> 24, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff];
    const target = name("example.com");
    bytes.push(0xc0, 12, 0, 5, 0, 1, ...t, 0, target.length, ...target); // CNAME, owner = pointer to the question
    const targetAt = bytes.length - target.length;
    bytes.push(0xc0, targetAt, 0, 1, 0, 1, ...t, 0, 4, 93, 184, 216, 34);
    bytes.push(0xc0, targetAt, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 35);
  }
  return Uint8Array.from(bytes);
}

function harness() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let timerId = 0;
  const sent: { id: number; server: number }[] = [];
  const resolver = new DnsResolver({
    send: (q, server) => sent.push({ id: (q[0] << 8) | q[1], server }),
    setTimer: (fn, ms) => (timers.set(++timerId, { at: now + ms, fn }), timerId),
    clearTimer: (h) => void timers.delete(h as number),
    nowMs: () => now,
    random: () => 0.5,
  }, () => [SERVER]);
  const advance = (to: number) => {
    for (;;) {
      const due = [...timers.entries()].find(([, t]) => t.at <= to);
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = to;
  };
  return { resolver, sent, advance };
}

test("a query is a well-formed recursive A question", () => {
  const q = buildQuery(0x1234, "www.Example.com.");
  assert.deepEqual(Array.from(q.subarray(0, 12)), [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(q.subarray(12)), [3, 119, 119, 119, 7, 69, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0, 0, 1, 0, 1]);
  assert.throws(() => buildQuery(1, "a..b"), RangeError);
});

test("a response with compression and a CNAME chain resolves to the target's addresses", async () => {
  const { resolver, sent } = harness();
  const answer = resolver.resolve("www.example.com");
  resolver.receive(response(sent[0].id));
  assert.deepEqual(await answer, [0x5db8d822, 0x5db8d823]);
  assert.equal(sent[0].server, SERVER);
});

test("answers are cached for their smallest TTL", async () => {
  const { resolver, sent, advance } = harness();
  const first = resolver.resolve("www.example.com");
  resolver.receive(response(sent[0].id));
  await first;
  advance(59_000);
  assert.deepEqual(await resolver.resolve("WWW.example.com"), [0x5db8d822, 0x5db8d823]);
  assert.equal(sent.length, 1);
  advance(60_000);
  resolver.resolve("www.example.com");
  assert.equal(sent.length, 2);
});

test("no such name is an error, remembered for a while", async () => {
  const { resolver, sent } = harness();
  const lookup = resolver.resolve("www.example.com");
  resolver.receive(response(sent[0].id, { rcode: 3 }));
  await assert.rejects(lookup, (e: unknown) => e instanceof DnsError && /no such name/.test(e.message));
  await assert.rejects(resolver.resolve("www.example.com"), /no such name/);
  assert.equal(sent.length, 1);
});

test("unanswered queries are retried, then fail; forged answers are ignored", async () => {
  const { resolver, sent, advance } = harness();
  const lookup = resolver.resolve("www.example.com");
  resolver.receive(response(sent[0].id + 1));                          // wrong id
  resolver.receive(response(sent[0].id, { question: "evil.example" })); // wrong question
  advance(10_000);
  assert.equal(sent.length, 3);
  await assert.rejects(lookup, /no answer from the DNS server/);
});

test("dotted addresses resolve to themselves without a query", async () => {
  const { resolver, sent } = harness();
  assert.deepEqual(await resolver.resolve("10.0.2.2"), [0x0a000202]);
  assert.equal(sent.length, 0);
});

test("malformed responses are reported, never thrown: truncation at every length, pointer loops", () => {
  const good = response(7);
  for (let cut = 0; cut < good.length; cut++) assert.equal(typeof parseResponse(good.subarray(0, cut)), "string", `cut at ${cut}`);
  const loop = Uint8Array.from([0, 7, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
  assert.match(parseResponse(loop) as string, /loop of name pointers/);
  const query = buildQuery(1, "example.com");
  assert.equal(parseResponse(query), "not a response");
});
