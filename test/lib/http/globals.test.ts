import { test } from "node:test";
import assert from "node:assert/strict";
import { Headers } from "../../../lib/http/headers.ts";
import { installGlobal } from "../../../lib/http/polyfills.ts";
import "../../../lib/http/globals.ts";

test("importing globals.ts keeps what the engine already has", () => {
  assert.notEqual(globalThis.Headers, Headers); // Node has its own.
  assert.equal(typeof globalThis.URL, "function");
});

test("installGlobal defines a missing global like a built-in, and only if missing", () => {
  const name = "__toroTestGlobal";
  installGlobal(name, 1);
  installGlobal(name, 2);
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name)!;
  assert.equal(descriptor.value, 1);
  assert.equal(descriptor.enumerable, false);
  delete (globalThis as Record<string, unknown>)[name];
});
