import { test } from "node:test";
import assert from "node:assert/strict";
import { EventLoop, TURN_NOTHING_PENDING, TURN_RAN_WORK, TURN_WAIT_FOR_EVENTS } from "../../kernel/process/event-loop.ts";

/** A loop on a clock the test moves, in milliseconds. */
function harness() {
  let nowMs = 0;
  const loop = new EventLoop(() => nowMs * 1e6);
  const log: string[] = [];
  /** Run everything due, sleeping as the host would, until the loop is idle or `untilMs`. */
  const runUntil = (untilMs: number) => {
    for (;;) {
      const r = loop.turn();
      if (r === TURN_RAN_WORK) continue;
      if (r === TURN_NOTHING_PENDING || r === TURN_WAIT_FOR_EVENTS) return r;
      const wakeMs = r / 1e6;
      if (wakeMs > untilMs) { nowMs = untilMs; return r; }
      nowMs = wakeMs;
    }
  };
  return { loop, log, runUntil, now: () => nowMs, setNow: (ms: number) => (nowMs = ms) };
}

test("timers fire by deadline, equal deadlines in creation order", () => {
  const { loop, log, runUntil } = harness();
  loop.setTimer(() => log.push("c30"), 30, [], false);
  loop.setTimer(() => log.push("a10"), 10, [], false);
  loop.setTimer(() => log.push("b10"), 10, [], false);
  loop.setTimer((x) => log.push(`zero:${x}`), 0, ["arg"], false);
  assert.equal(runUntil(1000), TURN_NOTHING_PENDING);
  assert.deepEqual(log, ["zero:arg", "a10", "b10", "c30"]);
});

test("turn runs one callback at a time, so the host can run microtasks in between", () => {
  const { loop, log } = harness();
  loop.setTimer(() => log.push("x"), 0, [], false);
  loop.setTimer(() => log.push("y"), 0, [], false);
  assert.equal(loop.turn() > 0, true); // not due yet: a deadline
  const due = harness();
  due.loop.setTimer(() => due.log.push("x"), 1, [], false);
  due.loop.setTimer(() => due.log.push("y"), 1, [], false);
  due.runUntil(0);
  assert.deepEqual(due.log, []);
});

test("intervals repeat until cleared; clearing from inside the callback works", () => {
  const { loop, log, runUntil } = harness();
  let n = 0;
  const handle = loop.setTimer(() => {
    log.push(`tick${++n}`);
    if (n === 3) loop.clearTimer(handle);
  }, 10, [], true);
  runUntil(1000);
  assert.deepEqual(log, ["tick1", "tick2", "tick3"]);
});

test("clearTimeout takes the handle or its numeric id, and ignores anything else", () => {
  const { loop, log, runUntil } = harness();
  const a = loop.setTimer(() => log.push("a"), 5, [], false);
  const b = loop.setTimer(() => log.push("b"), 5, [], false);
  loop.setTimer(() => log.push("c"), 5, [], false);
  loop.clearTimer(a);
  loop.clearTimer(Number(b));
  loop.clearTimer("nonsense");
  loop.clearTimer(undefined);
  runUntil(100);
  assert.deepEqual(log, ["c"]);
});

test("unref'd timers do not keep the loop alive; ref() brings them back", () => {
  const { loop, runUntil } = harness();
  const t = loop.setTimer(() => {}, 50, [], false).unref();
  assert.equal(t.hasRef(), false);
  assert.equal(loop.turn(), TURN_NOTHING_PENDING);
  t.ref();
  assert.equal(loop.turn(), 50e6);
  assert.equal(runUntil(100), TURN_NOTHING_PENDING);
});

test("refresh restarts the countdown", () => {
  const { loop, log, runUntil, now } = harness();
  const t = loop.setTimer(() => log.push(`fired@${now()}`), 10, [], false);
  runUntil(8);
  t.refresh();
  runUntil(100);
  assert.deepEqual(log, ["fired@18"]);
});

test("other handles (devices, sockets) keep the loop waiting for events", () => {
  const { loop } = harness();
  loop.retain();
  assert.equal(loop.turn(), TURN_WAIT_FOR_EVENTS);
  loop.release();
  assert.equal(loop.turn(), TURN_NOTHING_PENDING);
});

test("bad delays become 1 ms and a non-function callback is a TypeError", () => {
  const { loop, log, runUntil } = harness();
  for (const delay of [-5, NaN, "x", 2 ** 40, undefined]) loop.setTimer(() => log.push(String(delay)), delay, [], false);
  assert.equal(loop.turn(), 1e6);
  runUntil(2);
  assert.equal(log.length, 5);
  assert.throws(() => loop.setTimer("code" as unknown as () => void, 1, [], false), TypeError);
});

test("a callback that throws propagates to the host, and the loop stays consistent", () => {
  const { loop, log, runUntil } = harness();
  loop.setTimer(() => { throw new Error("boom"); }, 1, [], false);
  loop.setTimer(() => log.push("after"), 2, [], false);
  assert.throws(() => runUntil(10), /boom/);
  runUntil(10);
  assert.deepEqual(log, ["after"]);
});

test("many timers with random delays come out in order", () => {
  const { loop, runUntil } = harness();
  const fired: number[] = [];
  const delays = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 997) + 1);
  const handles = delays.map((d) => loop.setTimer(() => fired.push(d), d, [], false));
  handles.filter((_, i) => i % 5 === 0).forEach((h) => loop.clearTimer(h));
  runUntil(2000);
  const expected = delays.filter((_, i) => i % 5 !== 0).sort((a, b) => a - b);
  assert.deepEqual(fired, expected);
});

test("device events run one per turn, taking turns with due timers", () => {
  const { loop, log, runUntil, setNow } = harness();
  loop.setTimer(() => log.push("t1"), 1, [], false);
  loop.setTimer(() => log.push("t2"), 1, [], false);
  let polls = 0;
  loop.addPoller(() => {
    if (++polls === 1) ["e1", "e2", "e3"].forEach((name) => loop.post(() => log.push(name)));
  });
  runUntil(0);
  assert.deepEqual(log, ["e1", "e2", "e3"]);
  log.length = 0;
  setNow(2); // both timers are due now
  loop.post(() => log.push("e4"));
  loop.post(() => log.push("e5"));
  runUntil(5);
  assert.deepEqual(log, ["t1", "e4", "t2", "e5"]); // an event ran last, so a timer goes first
});
