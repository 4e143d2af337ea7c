// node:assert against Node's own assert: every assertion passes or fails on
// the same input, failing with an AssertionError of code ERR_ASSERTION.
import { test } from "node:test";
import nodeAssert from "node:assert";
import check from "node:assert/strict";
import toroAssert, { AssertionError } from "../../../lib/node/assert.ts";
import toroStrict from "../../../lib/node/assert-strict.ts";

type Assert = typeof nodeAssert;

async function outcome(run: () => unknown): Promise<string> {
  try {
    await run();
    return "passed";
  } catch (error) {
    const { name, code } = error as { name: string; code?: string };
    return `${name} ${code ?? ""}`.trim();
  }
}

/** The same assertion against both modules (and both strict modules): the same outcome. */
async function same(what: string, run: (assert: Assert) => unknown) {
  check.equal(await outcome(() => run(toroAssert as unknown as Assert)), await outcome(() => run(nodeAssert)), what);
  check.equal(await outcome(() => run(toroStrict as unknown as Assert)), await outcome(() => run(nodeAssert.strict)), `strict ${what}`);
}

const values: unknown[] = [0, 1, "1", "", null, undefined, NaN, -0, { a: [1] }, { a: ["1"] }, [1, 2], new Map([[1, 2]]), new Date(0)];

test("ok, equal, notEqual, strictEqual, notStrictEqual, deepEqual and their strict forms decide as Node's", async () => {
  for (const a of values) {
    await same(`assert(${String(a)})`, (assert) => assert(a));
    await same(`ok(${String(a)})`, (assert) => assert.ok(a));
    for (const b of values) {
      for (const method of ["equal", "notEqual", "strictEqual", "notStrictEqual", "deepEqual", "notDeepEqual", "deepStrictEqual", "notDeepStrictEqual"] as const) {
        await same(`${method}(${String(a)}, ${String(b)})`, (assert) => assert[method](a, b));
      }
    }
  }
});

test("throws, doesNotThrow, rejects and doesNotReject match errors by class, RegExp, validator and object", async () => {
  const fail = () => { throw new TypeError("bad input"); };
  const expectations: unknown[] = [undefined, TypeError, RangeError, Error, /bad/, /good/, (e: Error) => e.message === "bad input", { message: "bad input" }, { message: /bad/ }, { name: "RangeError" }, "a message"];
  for (const expected of expectations) {
    await same(`throws ${String(expected)}`, (assert) => assert.throws(fail, expected as never));
    await same(`throws nothing ${String(expected)}`, (assert) => assert.throws(() => {}, expected as never));
    await same(`rejects ${String(expected)}`, (assert) => assert.rejects(Promise.reject(new TypeError("bad input")), expected as never));
    await same(`rejects via function ${String(expected)}`, (assert) => assert.rejects(async () => fail(), expected as never));
    await same(`resolves ${String(expected)}`, (assert) => assert.rejects(Promise.resolve(1), expected as never));
  }
  await same("doesNotThrow", (assert) => assert.doesNotThrow(() => 1));
  await same("doesNotThrow throwing", (assert) => assert.doesNotThrow(fail));
  await same("doesNotReject", (assert) => assert.doesNotReject(Promise.resolve()));
  await same("doesNotReject rejecting", (assert) => assert.doesNotReject(Promise.reject(new Error("x"))));
});

test("match, doesNotMatch, fail, ifError; a message or an Error given is what is thrown", async () => {
  await same("match", (assert) => assert.match("abc", /b/));
  await same("match fails", (assert) => assert.match("abc", /x/));
  await same("match not a string", (assert) => assert.match(1 as never, /1/));
  await same("doesNotMatch", (assert) => assert.doesNotMatch("abc", /x/));
  await same("doesNotMatch fails", (assert) => assert.doesNotMatch("abc", /b/));
  await same("fail", (assert) => assert.fail("stop"));
  for (const value of [null, undefined, new Error("e"), "text", 0]) await same(`ifError ${String(value)}`, (assert) => assert.ifError(value));
  await same("an Error as message", (assert) => assert.equal(1, 2, new RangeError("mine")));
  try {
    toroAssert.strictEqual(1, 2, "custom message");
  } catch (error) {
    check.ok(error instanceof AssertionError);
    check.equal((error as AssertionError).message, "custom message");
    check.equal((error as AssertionError).actual, 1);
    check.equal((error as AssertionError).expected, 2);
    check.equal((error as AssertionError).operator, "strictEqual");
    check.equal((error as AssertionError).generatedMessage, false);
  }
  check.throws(() => toroAssert.deepStrictEqual({ a: 1 }, { a: 2 }), /Expected values to be strictly deep-equal/);
  check.equal(toroAssert.strict, toroStrict);
  check.equal(toroStrict.strict, toroStrict);
});
