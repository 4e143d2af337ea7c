import { test } from "node:test";
import assert from "node:assert/strict";
import { EventLoop, TURN_NOTHING_PENDING, TURN_RAN_WORK, TURN_WAIT_FOR_EVENTS } from "../../kernel/process/event-loop.ts";
import { ExitHooks } from "../../kernel/process/exit-hooks.ts";

/** A loop on a clock that jumps to each deadline, as the host sleeps until it. */
function clockedLoop(hooks: ExitHooks) {
  let nowNs = 0;
  const loop = new EventLoop(() => nowNs, hooks);
  /** Turn the loop as the host does (microtasks drained between turns) until it reports nothing pending. */
  const runToEnd = async () => {
    for (let turns = 0; turns < 1000; turns++) {
      const r = loop.turn();
      await new Promise((resolve) => setImmediate(resolve));
      if (r === TURN_NOTHING_PENDING) return;
      if (r !== TURN_RAN_WORK && r !== TURN_WAIT_FOR_EVENTS) nowNs = r;
    }
    throw new Error("the loop never ended");
  };
  return { loop, runToEnd };
}

test("before-exit hooks run once the loop is out of work, and the loop waits for them to settle", async () => {
  const hooks = new ExitHooks(), log: string[] = [];
  const { loop, runToEnd } = clockedLoop(hooks);
  loop.setTimer(() => log.push("timer"), 0, [], false);
  hooks.onBeforeExit(async () => {
    log.push("sync start");
    // Device work the loop waits for: a completion that arrives some turns later.
    await new Promise<void>((resolve) => {
      loop.retain();
      loop.setTimer(() => (loop.release(), resolve()), 50, [], false).unref();
    });
    log.push("sync done");
  });
  hooks.onBeforeExit(async () => {
    log.push("unmount");
  });
  await runToEnd();
  assert.deepEqual(log, ["timer", "sync start", "sync done", "unmount"]);
});

test("the hooks run again only when registered again, as after work a hook did", async () => {
  const hooks = new ExitHooks(), log: string[] = [];
  const { loop, runToEnd } = clockedLoop(hooks);
  let rounds = 0;
  const hook = async () => {
    log.push(`round ${++rounds}`);
    if (rounds < 3) {
      loop.setTimer(() => log.push("more work"), 0, [], false);
      hooks.onBeforeExit(hook);
    }
  };
  hooks.onBeforeExit(hook);
  await runToEnd();
  assert.deepEqual(log, ["round 1", "more work", "round 2", "more work", "round 3"]);
  assert.equal(loop.turn(), TURN_NOTHING_PENDING);
});

test("a before-exit hook that rejects is thrown from a turn, so the host reports it as uncaught", async () => {
  const hooks = new ExitHooks();
  const loop = new EventLoop(() => 0, hooks);
  hooks.onBeforeExit(async () => {
    throw new Error("the disk went away");
  });
  assert.equal(loop.turn(), TURN_RAN_WORK);
  await new Promise((resolve) => setImmediate(resolve));
  assert.throws(() => loop.turn(), /the disk went away/);
});

test("a loop without hooks ends as before; exit hooks run in order, a failing one reported and the rest run", () => {
  assert.equal(new EventLoop(() => 0).turn(), TURN_NOTHING_PENDING);
  const hooks = new ExitHooks(), log: string[] = [], reported: unknown[] = [];
  hooks.onExit(() => log.push("a"));
  const remove = hooks.onExit(() => log.push("removed"));
  hooks.onExit(() => {
    throw new Error("b failed");
  });
  hooks.onExit(() => log.push("c"));
  remove();
  hooks.runExitHooks((error) => reported.push((error as Error).message));
  assert.deepEqual(log, ["a", "c"]);
  assert.deepEqual(reported, ["b failed"]);
});
