import { test } from "node:test";
import assert from "node:assert/strict";
import { NewReno } from "../../../kernel/net/tcp/congestion.ts";
import { DEFAULT_RTO_LIMITS, RetransmissionTimer } from "../../../kernel/net/tcp/rto.ts";
import { seqAdd, seqDiff, seqGt, seqInWindow, seqLt } from "../../../kernel/net/tcp/sequence.ts";

test("sequence numbers compare across the 2^32 wrap", () => {
  const near = 0xfffffff0;
  const after = seqAdd(near, 0x20);
  assert.equal(after, 0x10);
  assert.ok(seqLt(near, after));
  assert.ok(seqGt(after, near));
  assert.equal(seqDiff(after, near), 0x20);
  assert.ok(seqInWindow(0x5, near, 0x20));
  assert.ok(!seqInWindow(0x10, near, 0x20));
});

test("RTO follows RFC 6298: first sample, smoothing, bounds, backoff", () => {
  const t = new RetransmissionTimer();
  assert.equal(t.rtoMs, 1000);
  t.sample(100); // SRTT 100, RTTVAR 50: RTO = 100 + 200 = 300
  assert.equal(t.rtoMs, 300);
  t.sample(100); // RTTVAR 37.5, SRTT 100: 250
  assert.equal(t.rtoMs, 250);
  for (let i = 0; i < 50; i++) t.sample(10);
  assert.equal(t.rtoMs, DEFAULT_RTO_LIMITS.minMs);
  t.expired();
  t.expired();
  assert.equal(t.rtoMs, 800);
  for (let i = 0; i < 20; i++) t.expired();
  assert.equal(t.rtoMs, 60_000);
  t.sample(10);
  assert.equal(t.rtoMs, 200);
});

const MSS = 1000;

test("slow start doubles per round trip, congestion avoidance adds one MSS per window", () => {
  const cc = new NewReno(MSS);
  assert.equal(cc.cwnd, 4000); // initial window for a 1000-byte MSS
  for (let i = 0; i < 4; i++) cc.onAck(1000 * (i + 1), 1000, 10_000, 4000);
  assert.equal(cc.cwnd, 8000);
  cc.ssthresh = 8000;
  for (let i = 0; i < 8; i++) cc.onAck(0, 1000, 0, 8000);
  assert.equal(cc.cwnd, 9000);
  // Four ACKs taken as one (their last) grow slow start as the four would; one ACK alone grows it by one MSS.
  const together = new NewReno(MSS);
  together.onAck(4000, 4000, 10_000, 4000, undefined, 4);
  assert.equal(together.cwnd, 8000);
  const alone = new NewReno(MSS);
  alone.onAck(4000, 4000, 10_000, 4000);
  assert.equal(alone.cwnd, 5000);
});

test("three duplicate ACKs: fast retransmit, inflation, partial ACK, full ACK ends recovery", () => {
  const cc = new NewReno(MSS);
  cc.cwnd = 10_000;
  const highest = 20_000;
  assert.equal(cc.onAck(10_000, 0, highest, 10_000), "none");
  assert.equal(cc.onAck(10_000, 0, highest, 10_000), "none");
  assert.equal(cc.onAck(10_000, 0, highest, 10_000), "fast-retransmit");
  assert.equal(cc.ssthresh, 5000);
  assert.equal(cc.cwnd, 8000);
  cc.onAck(10_000, 0, highest, 10_000);
  assert.equal(cc.cwnd, 9000);
  assert.equal(cc.onAck(12_000, 2000, highest, 10_000), "partial-ack");
  assert.ok(cc.inRecovery);
  assert.equal(cc.onAck(20_000, 8000, highest, 8000), "none");
  assert.ok(!cc.inRecovery);
  assert.equal(cc.cwnd, 1000); // min(ssthresh, flight after the ACK + MSS) with nothing left in flight
});

test("a timeout collapses the window to one segment, and its echoes do not start a fast retransmit", () => {
  const cc = new NewReno(MSS);
  cc.cwnd = 20_000;
  cc.onTimeout(16_000, 26_000);
  assert.equal(cc.cwnd, 1000);
  assert.equal(cc.ssthresh, 8000);
  for (let i = 0; i < 5; i++) assert.equal(cc.onAck(10_000, 0, 26_000, 16_000), "none", "duplicates of data sent before the timeout");
  assert.ok(!cc.inRecovery);
  assert.equal(cc.onAck(30_000, 20_000, 40_000, 30_000), "none");
  for (let i = 0; i < 2; i++) assert.equal(cc.onAck(30_000, 0, 40_000, 10_000), "none");
  assert.equal(cc.onAck(30_000, 0, 40_000, 10_000), "fast-retransmit", "a loss after the timeout's data is a new one");
});

test("with few segments out, fewer duplicates mean a loss (early retransmit), and the first two let new data out (limited transmit)", () => {
  assert.equal(NewReno.threshold(10 * MSS, MSS), 3);
  assert.equal(NewReno.threshold(3 * MSS, MSS), 2);
  assert.equal(NewReno.threshold(2 * MSS, MSS), 1);
  assert.equal(NewReno.threshold(MSS, MSS), 1);
  const cc = new NewReno(MSS);
  assert.equal(cc.limitedTransmit, 0);
  assert.equal(cc.onAck(5000, 0, 8000, 3000, 3), "none");
  assert.equal(cc.limitedTransmit, MSS, "one more segment after the first duplicate");
  assert.equal(cc.onAck(5000, 0, 8000, 3000, 3), "none");
  assert.equal(cc.limitedTransmit, 2 * MSS);
  assert.equal(cc.onAck(5000, 0, 8000, 3000, 3), "fast-retransmit");
  assert.equal(cc.limitedTransmit, 0, "none once in recovery");
  const small = new NewReno(MSS);
  assert.equal(small.onAck(5000, 0, 7000, 2000, NewReno.threshold(2000, MSS)), "fast-retransmit", "two segments out: one duplicate is enough");
});
