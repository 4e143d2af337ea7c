import { test } from "node:test";
import assert from "node:assert/strict";
import { AbortController, AbortSignal, type AbortEvent } from "../../../lib/http/abort.ts";
import { createFetch } from "../../../lib/http/client.ts";
import { MemoryStream } from "./memory-stream.ts";

/** Await `promise` with a timer holding Node open: a signal's own timer does not, as on the web. */
async function keptAlive<T>(promise: Promise<T>): Promise<T> {
  const alive = setInterval(() => {}, 1000);
  try {
    return await promise;
  } finally {
    clearInterval(alive);
  }
}

test("a controller aborts its signal once: listeners and onabort hear it, the reason is kept", () => {
  const controller = new AbortController();
  const heard: string[] = [];
  const listener = (event: AbortEvent) => heard.push(`listener ${event.type}`);
  controller.signal.addEventListener("abort", listener);
  controller.signal.addEventListener("abort", listener); // Added once only.
  const removed = () => heard.push("removed");
  controller.signal.addEventListener("abort", removed);
  controller.signal.removeEventListener("abort", removed);
  controller.signal.onabort = () => heard.push("onabort");
  assert.equal(controller.signal.aborted, false);
  controller.signal.throwIfAborted();
  const reason = new Error("stop");
  controller.abort(reason);
  controller.abort(new Error("again"));
  assert.deepEqual(heard, ["onabort", "listener abort"]);
  assert.equal(controller.signal.aborted, true);
  assert.equal(controller.signal.reason, reason);
  assert.throws(() => controller.signal.throwIfAborted(), reason);
  assert.equal(Object.prototype.toString.call(controller.signal), "[object AbortSignal]");
});

test("the default reasons are errors named AbortError and TimeoutError", async () => {
  const controller = new AbortController();
  controller.abort();
  assert.equal((controller.signal.reason as Error).name, "AbortError");
  assert.equal((AbortSignal.abort().reason as Error).name, "AbortError");
  const timeout = AbortSignal.timeout(5);
  assert.equal(timeout.aborted, false);
  await keptAlive(new Promise<void>((resolve) => timeout.addEventListener("abort", () => resolve())));
  assert.equal((timeout.reason as Error).name, "TimeoutError");
});

test("AbortSignal.timeout() stops a fetch whose server never answers", async () => {
  const fetch = createFetch(async () => new MemoryStream());
  const error = await keptAlive(fetch("http://x/", { signal: AbortSignal.timeout(10) }).then(() => assert.fail("answered"), (e) => e));
  assert.equal(error.name, "TimeoutError");
});
