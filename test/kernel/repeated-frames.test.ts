import { test } from "node:test";
import assert from "node:assert/strict";
import { collapseRepeatedFrames } from "../../kernel/process/repeated-frames.ts";

test("a run of identical frames is shown once and counted; pairs and distinct frames stay as they are", () => {
  const recursion = Array(1500).fill("    at runaway (service.ts:7)");
  const stack = ["    at leaf (service.ts:2)", ...recursion, "    at fetch (service.ts:20)", "    at f (a.ts:1)", "    at f (a.ts:1)", ""].join("\n");
  assert.equal(collapseRepeatedFrames(stack), [
    "    at leaf (service.ts:2)",
    "    at runaway (service.ts:7)",
    "    ... the frame above 1499 more times",
    "    at fetch (service.ts:20)",
    "    at f (a.ts:1)",
    "    at f (a.ts:1)",
    "",
  ].join("\n"));
  assert.equal(collapseRepeatedFrames("    at a (x.ts:1)\n    at b (x.ts:2)\n"), "    at a (x.ts:1)\n    at b (x.ts:2)\n");
});
