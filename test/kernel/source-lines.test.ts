import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeSourceLines, SourceLines } from "../../kernel/process/source-lines.ts";

test("the table round-trips, including non-ASCII paths and unmapped lines", () => {
  const table = encodeSourceLines(["a.ts", "dír/ünïcode.ts"], [undefined, { source: 0, line: 3 }, { source: 1, line: 300 }, undefined]);
  const lines = new SourceLines(table);
  assert.equal(lines.lookup(1), undefined);
  assert.equal(lines.lookup(2), "a.ts:3");
  assert.equal(lines.lookup(3), "dír/ünïcode.ts:300");
  assert.equal(lines.lookup(99), undefined);
  assert.equal(lines.mapStack("    at f (bundle.js:3)\n    at g (bundle.js:1)\n    at h (native)\n    at k (bundle.js)\n"),
    "    at f (dír/ünïcode.ts:300)\n    at h (native)\n");
});

test("an empty, foreign or truncated table maps nothing and does not throw", () => {
  const good = encodeSourceLines(["a.ts"], [{ source: 0, line: 1 }]);
  for (const bad of [new Uint8Array(0), new Uint8Array([1, 2, 3, 4, 5]), good.subarray(0, good.length - 1)]) {
    const lines = new SourceLines(bad);
    assert.equal(lines.lookup(1), undefined);
    assert.equal(lines.mapStack("at f (bundle.js:1)\nat g (native)"), "at g (native)");
  }
});
