// structuredClone (lib/web) against Node's: the same copies (deep-equal, shared
// references and cycles kept, nothing shared with the original), the same DataCloneErrors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deserialize, serialize, structuredClone } from "../../../lib/web/structured-clone.ts";
import { Blob } from "../../../lib/web/blob.ts";
import { File } from "../../../lib/web/file.ts";
import { DOMException } from "../../../lib/web/dom-exception.ts";

function errorOf(action: () => unknown): [string, number | undefined] {
  try {
    action();
    return ["no error", undefined];
  } catch (error) {
    return [(error as Error).name, (error as { code?: number }).code];
  }
}

test("primitives, wrappers, dates, regular expressions, maps, sets, arrays and objects clone as Node clones them", () => {
  const sparse = [1, , 3] as unknown[] & { extra?: string };
  sparse.extra = "property";
  const regex = /a+(?<b>b)/giu;
  regex.lastIndex = 2;
  const values: unknown[] = [
    undefined, null, true, false, 0, -0, NaN, Infinity, 1.5, 2n ** 70n, "", "héllo \ud83d\ude00",
    Object(true), Object(2), Object(3n), Object("s"), new Date(0), regex, /x/y,
    new Map<unknown, unknown>([[1, "a"], [{ k: 1 }, [2]]]), new Set([1, "a", { n: 1 }]), sparse, [],
    { a: 1, b: { c: [1, 2, { d: "e" }] }, 2: "two", 1: "one" }, Object.create({ inherited: 1 }, { own: { value: 1, enumerable: true }, hidden: { value: 2 } }),
    { get computed() { return "got"; } }, new (class Point { x = 1; y = 2; })(),
  ];
  for (const value of values) {
    const ours = structuredClone(value);
    assert.deepEqual(ours, globalThis.structuredClone(value));
    if (typeof value === "object" && value !== null) assert.notEqual(ours, value);
  }
  assert.equal(structuredClone(regex).lastIndex, 0);
  // (assert's deepEqual finds two invalid dates unequal.)
  assert.ok(Number.isNaN(structuredClone(new Date(NaN)).getTime()));
  assert.ok(Object.is(structuredClone(-0), -0));
});

test("shared references and cycles come back shared", () => {
  const shared = { n: 1 };
  const root: Record<string, unknown> = { first: shared, second: shared, list: [shared] };
  root.self = root;
  const map = new Map<unknown, unknown>();
  map.set(map, root);
  root.map = map;
  const copy = structuredClone(root) as typeof root & { first: object; second: object; list: object[]; map: Map<unknown, unknown> };
  assert.equal(copy.first, copy.second);
  assert.equal(copy.list[0], copy.first);
  assert.equal(copy.self, copy);
  assert.equal(copy.map.get(copy.map), copy);
  assert.notEqual(copy.first, shared);
});

test("buffers and views: bytes copied, a buffer shared by views stays shared, offsets and types kept", () => {
  const buffer = new ArrayBuffer(16);
  new Uint8Array(buffer).forEach((_, i, bytes) => (bytes[i] = i));
  const value = {
    buffer,
    bytes: new Uint8Array(buffer, 2, 5),
    words: new Uint16Array(buffer, 4, 2),
    view: new DataView(buffer, 8),
    floats: new Float64Array([1.5, -2]),
    bigs: new BigInt64Array([-1n]),
    clamped: new Uint8ClampedArray([255]),
  };
  const ours = structuredClone(value);
  const node = globalThis.structuredClone(value);
  assert.deepEqual(ours, node);
  assert.equal(ours.bytes.buffer, ours.buffer);
  assert.equal(ours.view.buffer, ours.buffer);
  assert.equal(ours.bytes.byteOffset, 2);
  assert.equal(ours.view.byteLength, 8);
  new Uint8Array(buffer)[2] = 99;
  assert.equal(ours.bytes[0], 2, "the copy shares no bytes with the original");
});

test("errors keep their type (one of the standard's), message, stack and cause", () => {
  const range = new RangeError("boom", { cause: { code: 5 } }) as RangeError & { extra?: number };
  range.extra = 1;
  const renamed = new TypeError("renamed");
  renamed.name = "SyntaxError";
  class Custom extends Error { name = "Custom"; }
  for (const error of [new Error("plain"), range, renamed, new Custom("custom"), new Error(), new URIError("u"), new EvalError("e"), new ReferenceError("r")]) {
    const ours = structuredClone(error) as Error & { cause?: unknown };
    const node = globalThis.structuredClone(error) as Error & { cause?: unknown };
    assert.equal(Object.getPrototypeOf(ours), Object.getPrototypeOf(node), error.message);
    assert.equal(ours.message, node.message);
    assert.equal(Object.hasOwn(ours, "message"), Object.hasOwn(node, "message"));
    assert.equal(ours.stack, error.stack);
    assert.deepEqual(ours.cause, node.cause);
    assert.equal((ours as { extra?: number }).extra, undefined);
  }
});

test("functions, symbols, promises and weak collections are DataCloneErrors, as in Node", () => {
  for (const value of [() => 1, function named() {}, Symbol("s"), { nested: Symbol.iterator }, Promise.resolve(), new WeakMap(), new WeakSet(), { f() {} }]) {
    assert.deepEqual(errorOf(() => structuredClone(value)), errorOf(() => globalThis.structuredClone(value)));
    assert.deepEqual(errorOf(() => structuredClone(value)), ["DataCloneError", 25]);
  }
  assert.deepEqual(errorOf(() => (structuredClone as () => unknown)()), ["TypeError", undefined]);
});

test("Blob, File and DOMException are serializable", async () => {
  const file = new File(["file body"], "a.txt", { type: "text/plain", lastModified: 42 });
  const copy = structuredClone({ blob: new Blob(["blob body"], { type: "x/y" }), file, again: file, exception: new DOMException("gone", "NotFoundError") });
  assert.ok(copy.blob instanceof Blob && !(copy.blob instanceof File));
  assert.equal(await copy.blob.text(), "blob body");
  assert.equal(copy.blob.type, "x/y");
  assert.ok(copy.file instanceof File);
  assert.deepEqual([copy.file.name, copy.file.lastModified, copy.file.type, await copy.file.text()], ["a.txt", 42, "text/plain", "file body"]);
  assert.equal(copy.again, copy.file);
  assert.deepEqual([copy.exception.name, copy.exception.message, copy.exception.code], ["NotFoundError", "gone", 8]);
});

test("a serialized record holds nothing of the original and deserializes more than once", () => {
  const original = { list: [1, 2], bytes: new Uint8Array([1, 2, 3]) };
  const record = serialize(original);
  original.list.push(3);
  original.bytes[0] = 9;
  const first = deserialize(record) as typeof original;
  const second = deserialize(record) as typeof original;
  assert.deepEqual(first, { list: [1, 2], bytes: new Uint8Array([1, 2, 3]) });
  assert.deepEqual(second, first);
  assert.notEqual(second.bytes.buffer, first.bytes.buffer);
});

test("transfer: the buffer moves where the engine can detach, the list is checked, and without transfer() it is a clear DataCloneError", (t) => {
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  assert.deepEqual(errorOf(() => structuredClone(1, { transfer: [buffer, buffer] })), ["DataCloneError", 25]);
  assert.deepEqual(errorOf(() => structuredClone(1, { transfer: [{}] })), ["DataCloneError", 25]);
  const prototype = ArrayBuffer.prototype as { transfer?: unknown };
  if (typeof prototype.transfer !== "function") {
    assert.match(String((() => { try { structuredClone(buffer, { transfer: [buffer] }); } catch (error) { return (error as Error).message; } })()), /ArrayBuffer\.prototype\.transfer/);
    // Node 20 has no transfer() but its structuredClone detaches: lend it to ArrayBuffer for this test.
    Object.defineProperty(ArrayBuffer.prototype, "transfer", { configurable: true, value(this: ArrayBuffer) { return globalThis.structuredClone(this, { transfer: [this] }); } });
    t.after(() => delete prototype.transfer);
  }
  const view = new Uint8Array(buffer, 1);
  const moved = structuredClone({ buffer, view }, { transfer: [buffer] });
  assert.equal(buffer.byteLength, 0, "the original is detached");
  assert.deepEqual([...new Uint8Array(moved.buffer)], [1, 2, 3]);
  assert.equal(moved.view.buffer, moved.buffer);
  assert.deepEqual(errorOf(() => structuredClone(1, { transfer: [buffer] })), ["DataCloneError", 25]);
});
