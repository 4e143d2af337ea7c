// EventTarget, Event and CustomEvent (lib/web) against Node's own: the same
// scenarios must log the same, listener errors aside (checked on ours alone).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CustomEvent, Event } from "../../../lib/web/event.ts";
import { EventTarget } from "../../../lib/web/event-target.ts";

// The scenarios run on either implementation, whose TypeScript types differ: they take them untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Classes = { EventTarget: any; Event: any; CustomEvent: any };
const ours: Classes = { EventTarget, Event, CustomEvent };
const node: Classes = { EventTarget: globalThis.EventTarget, Event: globalThis.Event, CustomEvent: globalThis.CustomEvent };

/** Run `scenario` with both implementations; they must log the same. */
function same(scenario: (classes: Classes, log: (...items: unknown[]) => void) => void): unknown[][] {
  const run = (classes: Classes) => {
    const lines: unknown[][] = [];
    scenario(classes, (...items) => lines.push(items));
    return lines;
  };
  const expected = run(node);
  assert.deepEqual(run(ours), expected);
  return expected;
}

test("listeners run in order, once each per callback, with this, target and phase set during dispatch only", () => {
  const lines = same(({ EventTarget, Event }, log) => {
    const target = new EventTarget();
    function listener(this: unknown, event: Event) {
      log("fn", this === target, event.target === target, event.currentTarget === target, event.eventPhase, event.type);
    }
    target.addEventListener("ping", listener);
    target.addEventListener("ping", listener); // a duplicate: ignored
    target.addEventListener("ping", { handleEvent: (event: Event) => log("object", event.type) });
    target.addEventListener("pong", () => log("pong"));
    target.addEventListener("ping", null);
    const event = new Event("ping");
    log("before", event.target, event.eventPhase, event.timeStamp > 0 || event.timeStamp === 0);
    log("result", target.dispatchEvent(event));
    log("after", event.target === target, event.currentTarget, event.eventPhase, event.composedPath().length);
    target.removeEventListener("ping", listener);
    target.dispatchEvent(new Event("ping"));
  });
  assert.equal(lines.filter(([first]) => first === "fn").length, 1);
});

test("once, signal and capture options", () => {
  same(({ EventTarget, Event }, log) => {
    const target = new EventTarget();
    const listener = () => log("listener");
    // The capture listener first: Node calls listeners at the target in the order they were added (see below).
    target.addEventListener("a", listener, { capture: true });
    target.addEventListener("a", () => log("once"), { once: true });
    const controller = new AbortController();
    target.addEventListener("a", () => log("until aborted"), { signal: controller.signal });
    target.addEventListener("a", () => log("never"), { signal: AbortSignal.abort() });
    target.addEventListener("a", listener, false); // another capture flag: another listener
    target.addEventListener("a", listener, true); // the same flag: ignored
    log("first", target.dispatchEvent(new Event("a", { cancelable: true })));
    controller.abort();
    log("second", target.dispatchEvent(new Event("a", { cancelable: true })));
    target.removeEventListener("a", listener, { capture: true });
    log("third", target.dispatchEvent(new Event("a")));
    target.removeEventListener("a", listener);
    log("fourth", target.dispatchEvent(new Event("a")));
  });
});

// Where Node departs from the DOM Standard (it takes `passive` as a hint only, and calls capture
// listeners at the target in the order they were added), ours follows the standard, as browsers and Deno do.
test("a passive listener cannot cancel; capture listeners run first at the target", () => {
  const target = new EventTarget();
  const log: unknown[] = [];
  target.addEventListener("a", (event) => { event.preventDefault(); log.push(["passive", event.defaultPrevented]); }, { passive: true });
  target.addEventListener("a", () => log.push("bubbling"));
  target.addEventListener("a", () => log.push("capture"), true);
  const event = new Event("a", { cancelable: true });
  assert.equal(target.dispatchEvent(event), true);
  assert.deepEqual(log, ["capture", ["passive", false], "bubbling"]);
  const stopping = new EventTarget();
  stopping.addEventListener("s", (event) => event.stopPropagation(), true);
  stopping.addEventListener("s", () => assert.fail("stopPropagation in the capture pass ends the dispatch"));
  stopping.dispatchEvent(new Event("s"));
});

test("preventDefault only cancels a cancelable event; stopImmediatePropagation ends the dispatch", () => {
  same(({ EventTarget, Event }, log) => {
    const target = new EventTarget();
    target.addEventListener("x", (event: Event) => { event.preventDefault(); log("one", event.defaultPrevented, event.returnValue); });
    target.addEventListener("x", (event: Event) => { event.stopImmediatePropagation(); log("two"); });
    target.addEventListener("x", () => log("three"));
    log(target.dispatchEvent(new Event("x")));
    log(target.dispatchEvent(new Event("x", { cancelable: true })));
    const event = new Event("y", { bubbles: true, composed: true });
    log(event.bubbles, event.cancelable, event.composed, event.isTrusted, event.cancelBubble, Object.prototype.toString.call(event));
    log(Event.NONE, Event.CAPTURING_PHASE, Event.AT_TARGET, Event.BUBBLING_PHASE);
  });
});

test("listeners added or removed during a dispatch", () => {
  same(({ EventTarget, Event }, log) => {
    const target = new EventTarget();
    const later = () => log("later");
    const added = () => log("added during");
    target.addEventListener("e", () => { log("first"); target.removeEventListener("e", later); target.addEventListener("e", added); });
    target.addEventListener("e", later);
    target.dispatchEvent(new Event("e"));
    target.dispatchEvent(new Event("e"));
  });
});

test("CustomEvent carries its detail; null by default", () => {
  same(({ CustomEvent, Event, EventTarget }, log) => {
    const target = new EventTarget();
    target.addEventListener("c", (event: CustomEvent) => log(event.detail));
    target.dispatchEvent(new CustomEvent("c", { detail: { n: 1 } }));
    target.dispatchEvent(new CustomEvent("c"));
    log(Object.prototype.toString.call(new CustomEvent("c")), new CustomEvent("c") instanceof Event);
  });
});

test("bad arguments are TypeErrors, a second dispatch of an event in flight an InvalidStateError", () => {
  same(({ EventTarget, Event }, log) => {
    const target = new EventTarget();
    const name = (action: () => void) => { try { action(); return "ok"; } catch (error) { return (error as Error).name; } };
    log(name(() => target.dispatchEvent({ type: "x" } as unknown as Event)));
    log(name(() => new (Event as unknown as new () => Event)()));
    // Node throws its own Error (ERR_EVENT_RECURSION) where the standard has an InvalidStateError.
    target.addEventListener("again", (event: Event) => log(name(() => target.dispatchEvent(event)) !== "ok"));
    target.dispatchEvent(new Event("again"));
  });
  const target = new EventTarget();
  let caught: unknown;
  target.addEventListener("again", (event) => { try { target.dispatchEvent(event); } catch (error) { caught = error; } });
  target.dispatchEvent(new Event("again"));
  assert.equal((caught as DOMException).name, "InvalidStateError");
  assert.equal((caught as DOMException).code, 11);
});

test("a listener's exception is reported as uncaught, and the other listeners still run", (t) => {
  const queued: (() => void)[] = [];
  t.mock.method(globalThis, "queueMicrotask", (callback: () => void) => queued.push(callback));
  const target = new EventTarget();
  const log: string[] = [];
  target.addEventListener("boom", () => { throw new Error("listener failed"); });
  target.addEventListener("boom", { handleEvent: 42 } as unknown as () => void);
  target.addEventListener("boom", () => log.push("still called"));
  assert.equal(target.dispatchEvent(new Event("boom")), true);
  assert.deepEqual(log, ["still called"]);
  t.mock.restoreAll();
  assert.equal(queued.length, 2);
  assert.throws(queued[0], /listener failed/);
  assert.throws(queued[1], TypeError);
});
