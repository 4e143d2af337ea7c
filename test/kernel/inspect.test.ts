import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect as nodeInspect } from "node:util";
import { inspect } from "../../kernel/process/inspect.ts";
import { format } from "../../kernel/process/format.ts";
import { describeUncaught } from "../../kernel/process/uncaught.ts";

// Expected strings are what Node's util.inspect prints for the same values.
const cases: [string, unknown, string][] = [
  ["object", { a: 1, b: "x", c: [1, 2, { d: null }], e: undefined }, "{ a: 1, b: 'x', c: [ 1, 2, { d: null } ], e: undefined }"],
  ["map", new Map<unknown, unknown>([["a", 1], ["b", { c: 2 }]]), "Map(2) { 'a' => 1, 'b' => { c: 2 } }"],
  ["set", new Set([1, "two"]), "Set(2) { 1, 'two' }"],
  ["typed array", new Uint8Array([1, 2, 3]), "Uint8Array(3) [ 1, 2, 3 ]"],
  ["class instance", new (class Foo { x = 1; s = "str"; })(), "Foo { x: 1, s: 'str' }"],
  ["bigint", 10n, "10n"],
  ["negative zero", -0, "-0"],
  ["symbol", Symbol("s"), "Symbol(s)"],
  ["function", function named() {}, "[Function: named]"],
  ["class", class Widget {}, "[class Widget]"],
  ["date", new Date(0), "1970-01-01T00:00:00.000Z"],
  ["regexp", /re/g, "/re/g"],
  ["depth", { nested: { deep: { deeper: { deepest: 1 } } } }, "{ nested: { deep: { deeper: [Object] } } }"],
  ["string quoting", ["it's", "a\nb"], `[ "it's", 'a\\nb' ]`],
  ["odd keys", { "a-b": 1, [Symbol("k")]: 2 }, "{ 'a-b': 1, [Symbol(k)]: 2 }"],
  ["empty", [{}, []], "[ {}, [] ]"],
  ["holes", [1, , 3], "[ 1, <1 empty item>, 3 ]"],
  ["null prototype", Object.assign(Object.create(null), { a: 1 }), "[Object: null prototype] { a: 1 }"],
  ["getter", { get g() { return 1; } }, "{ g: [Getter] }"],
  ["boxed", new Number(3), "[Number: 3]"],
];
for (const [name, value, expected] of cases) {
  test(`inspect: ${name}`, () => assert.equal(inspect(value), expected));
}

test("inspect: circular references", () => {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  assert.equal(inspect(a), "{ name: 'a', self: [Circular] }");
});

test("inspect: long output breaks over lines; long number arrays pack into rows", () => {
  const wide = { alpha: "a".repeat(30), beta: "b".repeat(30), gamma: "c".repeat(30) };
  assert.equal(inspect(wide), `{\n  alpha: '${"a".repeat(30)}',\n  beta: '${"b".repeat(30)}',\n  gamma: '${"c".repeat(30)}'\n}`);
  const numbers = inspect(Array.from({ length: 30 }, (_, i) => i * 1000));
  assert.ok(numbers.startsWith("[\n      0,  1000,  2000,  3000,  4000,\n   5000,"), numbers);
  assert.ok(numbers.split("\n").every((l) => l.length <= 80));
});

test("inspect: lays values out over lines exactly as Node's util.inspect does", () => {
  const values: unknown[] = [
    { root: "/", dir: "/home/u", base: "file.tar.gz", ext: ".gz", name: "file.tar" },
    { a: { b: { c: { d: 1 } } } },
    { a: { b: { c: {} } } },
    { a: { b: { c: [] } }, x: 1 },
    [1, 2, 3, 4, 5, 6, 7],
    [1, 2, 3, 4, 5, 6],
    ["aaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc", "ddddddddddddddd", "eeeeeeeeeeeeee"],
    new Map<unknown, unknown>([["alpha", { one: 1, two: 2 }], ["beta", { three: 3, four: [4, 4, 4] }], ["gamma", 5]]),
    { user: { name: "Ana", roles: ["admin", "dev"], address: { city: "Lisbon", zip: "1000" } }, ok: true },
    Array.from({ length: 30 }, (_, i) => i * 3),
    new Array(150).fill(7),
    { list: Array.from({ length: 10 }, (_, i) => `item${i}`) },
    [{ a: 1, b: 2 }, { a: 3, b: 4 }, { a: 5, b: 6 }, { a: 7, b: 8 }],
    [[1, [2, [3]]]],
    { aaaaaaaaaa: 1111111111, bbbbbbbbbb: 2222222222, cccccccccc: 3333333333, dd: 4 },
    { aaaaaaaaaa: 1111111111, bbbbbbbbbb: 2222222222, cccccccccc: 3333333333, d: 4 },
  ];
  for (const value of values) {
    assert.equal(inspect(value), nodeInspect(value));
    assert.equal(inspect(value, { depth: Infinity }), nodeInspect(value, { depth: Infinity }));
  }
});

test("inspect: at most 100 items are shown", () => {
  assert.match(inspect(new Array(150).fill(0)), /\.\.\. 50 more items/);
});

test("inspect: errors show their (mapped) stack", () => {
  const err = new TypeError("bad");
  err.stack = "    at f (bundle.js:10)\n";
  assert.equal(inspect(err, { mapStack: (s) => s.replace("bundle.js:10", "main.ts:3") }), "TypeError: bad\n    at f (main.ts:3)");
});

test("inspect: an Error subclass shows its class, as in Node; an own name wins", () => {
  class ValidationError extends Error {}
  class Named extends Error {
    constructor(m: string) {
      super(m);
      this.name = "Custom";
    }
  }
  const stackless = (e: Error) => ((e.stack = ""), e);
  assert.equal(inspect(stackless(new ValidationError("x"))), "[ValidationError: x]");
  assert.equal(inspect(stackless(new Named("y"))), "[Custom: y]");
  assert.equal(inspect(stackless(new RangeError("z"))), "[RangeError: z]");
});

test("inspect: an error's cause chain follows its stack, each with its own mapped stack, as in Node", () => {
  const withStack = <E extends Error>(e: E, line: number) => ((e.stack = `    at f (bundle.js:${line})\n`), e);
  const root = withStack(new TypeError("connection refused", { cause: "ECONNREFUSED" }), 1);
  const err = withStack(new Error("loading config failed", { cause: root }), 2);
  const mapStack = (s: string) => s.replace(/bundle\.js:(\d+)/, (_, n) => `main.ts:${Number(n) * 10}`);
  assert.equal(inspect(err, { mapStack }), [
    "Error: loading config failed",
    "    at f (main.ts:20) {",
    "  [cause]: TypeError: connection refused",
    "      at f (main.ts:10) {",
    "    [cause]: 'ECONNREFUSED'",
    "  }",
    "}",
  ].join("\n"));
});

test("inspect: an error shows its own properties; a cause that is not an error, or stackless, fits on one line", () => {
  const err = Object.assign(new Error("with code", { cause: { reason: 1 } }), { code: "E1" });
  err.stack = "";
  assert.equal(inspect(err), "[Error: with code] { code: 'E1', [cause]: { reason: 1 } }");
});

test("inspect: a cycle of causes ends in [Circular], and a long chain at the depth", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  Object.defineProperty(a, "cause", { value: b });
  a.stack = b.stack = "";
  assert.equal(inspect(b), "[Error: b] { [cause]: [Error: a] { [cause]: [Circular] } }");
  let chain = new Error("level 0");
  for (let i = 1; i <= 8; i++) chain = new Error(`level ${i}`, { cause: chain });
  const shown = inspect(chain, { depth: 5, mapStack: () => "" });
  assert.match(shown, /\[cause\]: \[Error: level 2\]/);
  assert.doesNotMatch(shown, /level 1/);
});

test("inspect: an AggregateError shows its errors", () => {
  const err = new AggregateError([new RangeError("x"), 5], "all failed");
  for (const e of [err, ...err.errors]) if (e instanceof Error) e.stack = "    at f (bundle.js:1)\n";
  assert.equal(inspect(err), [
    "AggregateError: all failed",
    "    at f (bundle.js:1) {",
    "  [errors]: [",
    "    RangeError: x",
    "        at f (bundle.js:1),",
    "    5",
    "  ]",
    "}",
  ].join("\n"));
});

test("describeUncaught: the label, and causes to Node's depth of 5", () => {
  let chain = new Error("level 0");
  for (let i = 1; i <= 8; i++) chain = new Error(`level ${i}`, { cause: chain });
  const shown = describeUncaught(chain, "rejection", { mapStack: () => "" });
  assert.match(shown, /^Uncaught \(in promise\) \[Error: level 8\] \{\n/);
  assert.match(shown, /\[cause\]: \[Error: level 2\]/);
  assert.match(shown, /\n$/);
});

test("format: util.format's placeholders", () => {
  assert.equal(format(["%s=%d, %i%%", "x", 42.5, 42.5]), "x=42.5, 42%");
  assert.equal(format(["%j and %o", { a: [1] }, { b: 2 }]), '{"a":[1]} and { b: 2 }');
  assert.equal(format(["%s", 5n]), "5n");
  assert.equal(format(["%c styled", "color: red"]), " styled");
  assert.equal(format(["%s:%s", "only"]), "only:%s");
  assert.equal(format(["a", 1, { b: "c" }, "d"]), "a 1 { b: 'c' } d");
  assert.equal(format([{ a: 1 }, "s"]), "{ a: 1 } s");
  assert.equal(format([]), "");
});
