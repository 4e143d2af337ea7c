// node:util against Node's own util: the same calls, the same answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deepEqual as nodeLooseDeepEqual } from "node:assert";
import * as nodeUtil from "node:util";
import * as nodeTypes from "node:util/types";
import * as toroUtil from "../../../lib/node/util.ts";
import * as toroTypes from "../../../lib/node/util-types.ts";
import { deepEqual } from "../../../lib/node/deep-equal.ts";

function* generator() {}
async function* asyncGenerator() {}
const args = (function () { return arguments; })();
const spoofed = { [Symbol.toStringTag]: "Date" };
class MyError extends RangeError {}

/** A value of every kind util.types tells apart, and look-alikes. */
const values: [string, unknown][] = [
  ["date", new Date(0)], ["regexp", /x/g], ["RegExp.prototype", RegExp.prototype], ["map", new Map()], ["set", new Set()],
  ["weakmap", new WeakMap()], ["weakset", new WeakSet()], ["arraybuffer", new ArrayBuffer(2)], ["sharedarraybuffer", new SharedArrayBuffer(2)],
  ["dataview", new DataView(new ArrayBuffer(2))], ["uint8", new Uint8Array(1)], ["uint8clamped", new Uint8ClampedArray(1)],
  ["int16", new Int16Array(1)], ["uint16", new Uint16Array(1)], ["int32", new Int32Array(1)], ["uint32", new Uint32Array(1)],
  ["int8", new Int8Array(1)], ["float32", new Float32Array(1)], ["float64", new Float64Array(1)], ["bigint64", new BigInt64Array(1)],
  ["biguint64", new BigUint64Array(1)], ["buffer", Buffer.from("x")], ["promise", Promise.resolve()], ["thenable", { then() {} }],
  ["error", new Error()], ["subclassed error", new MyError()], ["error look-alike", Object.create(Error.prototype)],
  ["async function", async () => {}], ["async generator function", asyncGenerator], ["generator function", generator],
  ["generator object", generator()], ["plain function", () => {}], ["arguments", args], ["map iterator", new Map().keys()],
  ["set iterator", new Set().values()], ["boxed number", Object(1)], ["boxed string", Object("s")], ["boxed boolean", Object(false)],
  ["boxed bigint", Object(1n)], ["boxed symbol", Object(Symbol())], ["number", 1], ["string", "s"], ["null", null], ["undefined", undefined],
  ["plain object", {}], ["array", []], ["spoofed tag", spoofed], ["object with Date prototype", Object.create(Date.prototype)],
];

test("util.types answers as Node's for every kind of value", () => {
  const predicates = Object.keys(toroTypes.default) as (keyof typeof toroTypes.default)[];
  assert.ok(predicates.length >= 38);
  for (const predicate of predicates) {
    const theirs = (nodeTypes as unknown as Record<string, (value: unknown) => boolean>)[predicate];
    assert.equal(typeof theirs, "function", `Node has ${predicate}`);
    for (const [name, value] of values) assert.equal(toroTypes.default[predicate](value), theirs(value), `${predicate}(${name})`);
  }
  assert.equal(toroUtil.types, toroTypes.default);
});

const circular: { self?: unknown } = {};
circular.self = circular;
const circularToo: { self?: unknown } = {};
circularToo.self = circularToo;
const symbol = Symbol("k");

/** Pairs on both sides of every rule of Node's deep equality. */
const pairs: [unknown, unknown][] = [
  [1, 1], [1, "1"], [NaN, NaN], [0, -0], [null, undefined], ["a", "a"], [{ a: 1 }, { a: 1 }], [{ a: 1 }, { a: 1, b: undefined }],
  [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }], [{ a: [1, { b: 2 }] }, { a: [1, { b: "2" }] }], [[1, 2], [2, 1]], [[1, , 3], [1, undefined, 3]],
  [new Date(5), new Date(5)], [new Date(5), new Date(6)], [/a/g, /a/g], [/a/g, /a/i], [Object(1), Object(1)], [Object(1), 1],
  [new Map<number, unknown>([[1, { x: 1 }], [2, "y"]]), new Map<number, unknown>([[2, "y"], [1, { x: 1 }]])], [new Map([[{ k: 1 }, "v"]]), new Map([[{ k: 1 }, "v"]])],
  [new Map([[1, "a"]]), new Map([[1, "b"]])], [new Set([1, { a: 1 }]), new Set([{ a: 1 }, 1])], [new Set([1, 2]), new Set([1, 3])],
  [new Set(["1"]), new Set([1])], [new Uint8Array([1, 2]), new Uint8Array([1, 2])], [new Uint8Array([1, 2]), new Uint8Array([1, 3])],
  [new Uint8Array([1]), new Int8Array([1])], [new ArrayBuffer(2), new ArrayBuffer(2)], [Buffer.from("ab"), new Uint8Array([97, 98])],
  [new Error("x"), new Error("x")], [new Error("x"), new Error("y")], [new TypeError("x"), new Error("x")], [circular, circularToo],
  [{ [symbol]: 1 }, { [symbol]: 1 }], [{ [symbol]: 1 }, { [symbol]: 2 }], [Object.create(null), {}], [[], {}], [() => {}, () => {}],
  [{ a: undefined }, { b: undefined }], [new Float64Array([0]), new Float64Array([-0])], [new Float64Array([NaN]), new Float64Array([NaN])], [new (class A { x = 1; })(), { x: 1 }], [[1, [2, [3, new Map([[1, new Set([4])]])]]], [1, [2, [3, new Map([[1, new Set([4])]])]]]],
];

test("isDeepStrictEqual (strict) and assert.deepEqual's loose rule answer as Node's for each pair", () => {
  for (const [a, b] of pairs) {
    const name = nodeUtil.inspect([a, b]);
    assert.equal(toroUtil.isDeepStrictEqual(a, b), nodeUtil.isDeepStrictEqual(a, b), `strict ${name}`);
    assert.equal(toroUtil.isDeepStrictEqual(b, a), nodeUtil.isDeepStrictEqual(b, a), `strict reversed ${name}`);
    let loose = true;
    try {
      nodeLooseDeepEqual(a, b);
    } catch {
      loose = false;
    }
    assert.equal(deepEqual(a, b, false), loose, `loose ${name}`);
  }
});

type Callback = (error: Error | null, value?: unknown) => void;

test("promisify and callbackify behave as Node's: values, errors, custom versions, copied properties", async () => {
  const read = Object.assign(function read(name: string, callback: Callback) {
    if (name === "sync") throw new Error("thrown synchronously");
    setTimeout(() => (name ? callback(null, `read ${name}`) : callback(new Error("no name"))), 1);
  }, { extra: 1 });
  for (const util of [toroUtil, nodeUtil] as const) {
    const readAsync = util.promisify(read) as unknown as ((name: string) => Promise<unknown>) & { extra: number };
    assert.equal(await readAsync("a"), "read a");
    await assert.rejects(readAsync(""), /no name/);
    await assert.rejects(readAsync("sync"), /thrown synchronously/);
    assert.equal(readAsync.extra, 1);
    assert.equal(readAsync.name, "read");
    assert.equal(util.promisify(readAsync as never), readAsync, "a promisified function promisifies to itself");
    const custom = Object.assign(() => {}, { [util.promisify.custom]: () => Promise.resolve("custom") });
    assert.equal(util.promisify(custom), custom[util.promisify.custom]);
    assert.throws(() => util.promisify("no" as never), TypeError);

    const double = async function double(x: number) {
      if (x < 0) throw new Error("negative");
      if (x === 0) return Promise.reject(null);
      return x * 2;
    };
    const doubleCallback = (util.callbackify as (fn: typeof double) => unknown)(double) as (x: number, callback: Callback) => void;
    assert.equal(doubleCallback.name, "doubleCallbackified");
    assert.equal(doubleCallback.length, 2);
    const call = (x: number) => new Promise<unknown[]>((resolve) => doubleCallback(x, (...results) => resolve(results)));
    assert.deepEqual(await call(21), [null, 42]);
    const [failure] = await call(-1);
    assert.equal((failure as Error).message, "negative");
    const [falsy] = await call(0);
    assert.equal((falsy as { code: string }).code, "ERR_FALSY_VALUE_REJECTION");
    assert.equal((falsy as { reason: unknown }).reason, null);
  }
});

test("format and formatWithOptions print what Node's print", () => {
  const cases: unknown[][] = [
    ["%s is %d years", "Ana", 42], ["%i %f %j %%", 42.9, "1.5", { a: [1] }], ["%s", { a: { b: { c: 1 } } }], ["%O", { a: { b: { c: { d: 1 } } } }],
    ["no placeholders", 1, "two", { three: 3 }], [1, 2, 3], ["%s %s", "only one"], ["%d", 10n], ["%s", Symbol("s")], ["%c styled", "color: red"],
    [new Map([["k", [1, 2]]]), new Set(["v"])], ["%s", -0], [], ["%s", new (class Point { toString() { return "P(1, 2)"; } })()],
    ["%s", { toString: () => "own toString" }], ["%s", new Date(0)], ["%s", [1, [2, [3]]]],
  ];
  for (const args of cases) assert.equal(toroUtil.format(...args), nodeUtil.format(...args), nodeUtil.inspect(args));
  assert.equal(toroUtil.formatWithOptions({ depth: 0 }, "%O", { a: { b: 1 } }), nodeUtil.formatWithOptions({ depth: 0 }, "%O", { a: { b: 1 } }));
  assert.throws(() => toroUtil.formatWithOptions(null as never, "x"), TypeError);
});

test("inspect prints what Node's prints, with depth, depth null, the old signature and custom inspectors", () => {
  const deep = { a: { b: { c: { d: { e: [1, 2] } } } }, list: Array.from({ length: 8 }, (_, i) => i) };
  assert.equal(toroUtil.inspect(deep), nodeUtil.inspect(deep));
  assert.equal(toroUtil.inspect(deep, { depth: 0 }), nodeUtil.inspect(deep, { depth: 0 }));
  assert.equal(toroUtil.inspect(deep, { depth: null }), nodeUtil.inspect(deep, { depth: null }));
  assert.equal(toroUtil.inspect(deep, false, 1), nodeUtil.inspect(deep, false, 1));
  assert.equal(toroUtil.inspect.custom, nodeUtil.inspect.custom);
  const custom = { [nodeUtil.inspect.custom]: (depth: number, options: { depth: number }) => `custom at ${depth}/${options.depth}` };
  assert.equal(toroUtil.inspect({ x: { y: custom } }), nodeUtil.inspect({ x: { y: custom } }));
  const replaced = { [nodeUtil.inspect.custom]: () => ({ shown: "instead" }) };
  assert.equal(toroUtil.inspect(replaced), nodeUtil.inspect(replaced));
  assert.equal(toroUtil.inspect(Buffer.from("hi")), nodeUtil.inspect(Buffer.from("hi")));
});

test("inherits, deprecate, toUSVString, stripVTControlCharacters and the old is* checks are Node's", (t) => {
  for (const util of [toroUtil, nodeUtil] as const) {
    function Base(this: { base: boolean }) { this.base = true; }
    Base.prototype.hello = function () { return "hello"; };
    function Derived(this: { base: boolean }) { Base.call(this); }
    util.inherits(Derived, Base);
    const derived = new (Derived as unknown as new () => { base: boolean; hello(): string })();
    assert.equal(derived.hello(), "hello");
    assert.equal((Derived as unknown as { super_: unknown }).super_, Base);
    assert.throws(() => util.inherits(Derived, null as never), TypeError);
  }
  const errors: string[] = [];
  t.mock.method(console, "error", (...args: unknown[]) => errors.push(args.join(" ")));
  const old = toroUtil.deprecate((a: number, b: number) => a + b, "add() is old", "DEP_TORO_TEST");
  assert.equal(old(1, 2), 3);
  assert.equal(old(3, 4), 7);
  const again = toroUtil.deprecate(() => 0, "same code", "DEP_TORO_TEST");
  again();
  assert.deepEqual(errors, ["[DEP_TORO_TEST] DeprecationWarning: add() is old"]);
  class Widget { constructor(readonly size: number) {} }
  const OldWidget = toroUtil.deprecate(Widget, "Widget is old");
  assert.equal(new OldWidget(3).size, 3);
  t.mock.restoreAll();

  for (const text of ["ok", "lone \uD800 high", "lone \uDC00 low", "pair \uD83D\uDE00", "\uDC00\uD800"]) assert.equal(toroUtil.toUSVString(text), nodeUtil.toUSVString(text));
  for (const text of ["\u001b[31mred\u001b[39m", "\u001b]8;;http://x\u0007link\u001b]8;;\u0007", "plain"]) {
    assert.equal(toroUtil.stripVTControlCharacters(text), nodeUtil.stripVTControlCharacters(text));
  }
  const old_ = nodeUtil as unknown as Record<string, (value: unknown) => boolean>;
  for (const check of ["isArray", "isBoolean", "isNull", "isNullOrUndefined", "isNumber", "isString", "isSymbol", "isUndefined", "isRegExp", "isObject", "isDate", "isError", "isFunction", "isPrimitive"] as const) {
    for (const [name, value] of values) assert.equal(toroUtil[check](value), old_[check](value), `${check}(${name})`);
  }
  assert.equal(toroUtil.TextEncoder, globalThis.TextEncoder);
  assert.equal(toroUtil.debuglog("x").enabled, false);
});
