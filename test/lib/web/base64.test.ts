// atob/btoa (lib/web) against Node's: the same output, or the same error, for every input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { atob, btoa } from "../../../lib/web/base64.ts";

function outcome(action: () => string): string {
  try {
    return `ok ${action()}`;
  } catch (error) {
    return `${(error as Error).name} ${(error as { code?: number }).code}`;
  }
}

test("btoa and atob agree with Node on random binary strings of every length up to 300", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
  for (let length = 0; length <= 300; length++) {
    const text = String.fromCharCode(...Array.from({ length }, random));
    const encoded = btoa(text);
    assert.equal(encoded, globalThis.btoa(text));
    assert.equal(atob(encoded), text);
  }
  const long = "x".repeat(100_003);
  assert.equal(atob(btoa(long)), long);
});

test("atob is forgiving as the standard says, and rejects the rest as Node does", () => {
  const inputs = [
    "", "YQ", "YQ=", "YQ==", "YQ===", "Y", "YWJj", "YW Jj", " Y\tW\nJ\fj\r", "YW=Jj", "Y===", "YWJ=", "YWJjZA", "YWJjZA=", "YWJjZA==",
    "YWJj\u00a0", "YWJj\u2028", "-_-_", "YQ==YQ==", "====", "=", "ab/+", "QUJD\u0100", "null", "undefined", "YR==", "YQ=\n=",
  ];
  for (const input of inputs) assert.equal(outcome(() => atob(input)), outcome(() => globalThis.atob(input)), JSON.stringify(input));
  for (const value of [null, undefined, 12, true]) assert.equal(outcome(() => atob(value as unknown as string)), outcome(() => globalThis.atob(value as unknown as string)));
  assert.equal(outcome(() => atob("a")), "InvalidCharacterError 5");
});

test("btoa refuses a char above U+00FF with an InvalidCharacterError", () => {
  for (const input of ["\u0100", "ab\u0100", "a\u20ac", "\u00ff", "\ud83d\ude00"]) {
    assert.equal(outcome(() => btoa(input)), outcome(() => globalThis.btoa(input)), JSON.stringify(input));
  }
  assert.equal(outcome(() => btoa("€")), "InvalidCharacterError 5");
  assert.throws(() => (btoa as () => string)(), TypeError);
});
