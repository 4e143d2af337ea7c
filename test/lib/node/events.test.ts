// node:events (the npm `events` package plus errorMonitor, on(), the static
// helpers) against Node's own: the same script of calls must record the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeEvents from "node:events";
import * as toroEvents from "../../../lib/node/events.ts";

type Events = typeof nodeEvents;
const both = [toroEvents as unknown as Events, nodeEvents];

/** Runs `script` against each module; the logs must agree. */
async function same(script: (events: Events, log: (...items: unknown[]) => void) => unknown) {
  const logs: unknown[][] = [];
  for (const events of both) {
    const log: unknown[] = [];
    try {
      await script(events, (...items) => log.push(items));
    } catch (error) {
      log.push(["threw", (error as Error).name, (error as Error).message]);
    }
    logs.push(log);
  }
  assert.deepEqual(logs[0], logs[1]);
  return logs[0];
}

test("listeners run in Node's order: prepend, once, removal during emit, newListener/removeListener events", async () => {
  const log = await same(({ EventEmitter }, log) => {
    const e = new EventEmitter();
    e.on("newListener", (name) => log("newListener", name));
    e.on("removeListener", (name) => log("removeListener", name));
    const second = () => log("second");
    e.on("x", () => { log("first"); e.off("x", second); });
    e.on("x", second);
    e.once("x", (a, b) => log("once", a, b));
    e.prependListener("x", () => log("prepended"));
    e.prependOnceListener("x", () => log("prepended once"));
    log("emit", e.emit("x", 1, 2));
    log("emit", e.emit("x", 3, 4));
    log("emit none", e.emit("nobody"));
    log("counts", e.listenerCount("x"), e.listeners("x").length, e.rawListeners("x").length, e.eventNames());
    e.removeAllListeners("x");
    log("after removeAll", e.listenerCount("x"), e.eventNames());
  });
  assert.ok(log.length > 8);
});

test("an 'error' with no listener throws; errorMonitor sees it first without handling it", async () => {
  await same(({ EventEmitter, errorMonitor }, log) => {
    const e = new EventEmitter();
    e.on(errorMonitor, (error: Error) => log("monitor", error.message));
    try {
      e.emit("error", new Error("boom"));
    } catch (error) {
      log("thrown", (error as Error).message);
    }
    e.on("error", (error: Error) => log("handled", error.message));
    log("emit", e.emit("error", new Error("again")));
    log("monitor is an event name", e.eventNames().length);
  });
  await same(({ EventEmitter }, log) => {
    try {
      new EventEmitter().emit("error", "not an error");
    } catch (error) {
      log("thrown", error instanceof Error);
    }
  });
});

test("max listeners: the limit per emitter, the default and the static setter", async () => {
  await same(({ EventEmitter, setMaxListeners, defaultMaxListeners }, log) => {
    const e = new EventEmitter();
    log("default", e.getMaxListeners(), defaultMaxListeners, EventEmitter.defaultMaxListeners);
    e.setMaxListeners(3);
    setMaxListeners(5, e);
    log("set", e.getMaxListeners());
    log("chained", e.setMaxListeners(4) === e);
  });
});

test("once() resolves with the arguments, rejects on 'error', and stops on an aborted signal", async () => {
  await same(async ({ EventEmitter, once }, log) => {
    const e = new EventEmitter();
    setTimeout(() => e.emit("ready", 1, "two"), 1);
    log("resolved", await once(e, "ready"));
    setTimeout(() => e.emit("error", new Error("failed")), 1);
    log("rejected", await once(e, "ready").catch((error: Error) => error.message));
    log("listeners left", e.listenerCount("ready"), e.listenerCount("error"));
    const controller = new AbortController();
    const waiting = once(e, "never", { signal: controller.signal });
    controller.abort();
    log("aborted", await waiting.catch((error: Error) => error.name));
  });
});

test("on() iterates the events in order, queued while nobody waits, and ends on 'error' or break", async () => {
  await same(async ({ EventEmitter, on }, log) => {
    const e = new EventEmitter();
    const iterator = on(e, "tick");
    e.emit("tick", 1);
    e.emit("tick", 2, "b");
    setTimeout(() => e.emit("tick", 3), 1);
    for await (const args of iterator) {
      log("tick", args);
      if (args[0] === 3) break;
    }
    log("after break", e.listenerCount("tick"), e.listenerCount("error"));
    const failing = on(e, "tick");
    setTimeout(() => e.emit("error", new Error("stream broke")), 1);
    try {
      for await (const args of failing) log("unexpected", args);
    } catch (error) {
      log("ended by", (error as Error).message);
    }
    log("after error", e.listenerCount("tick"));
  });
});

test("the module is EventEmitter itself with its helpers, and subclassing works either way", async () => {
  assert.equal(toroEvents.default, toroEvents.EventEmitter);
  await same(({ EventEmitter }, log) => {
    log(typeof EventEmitter, EventEmitter.EventEmitter === EventEmitter, typeof EventEmitter.once, typeof EventEmitter.on, typeof EventEmitter.errorMonitor);
    class Modern extends EventEmitter {}
    function Old(this: InstanceType<typeof EventEmitter>) { EventEmitter.call(this); }
    Object.setPrototypeOf(Old.prototype, EventEmitter.prototype);
    const old = new (Old as unknown as typeof EventEmitter)();
    old.on("x", (v: number) => log("old", v));
    old.emit("x", 1);
    log(new Modern() instanceof EventEmitter, old instanceof EventEmitter);
  });
});
