import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultMaxRequestBodySize } from "../../../lib/http/body-limit.ts";

const MiB = 1024 * 1024;

test("the default body limit is a quarter of guest memory, at most 128 MiB", () => {
  assert.equal(defaultMaxRequestBodySize(64 * MiB), 16 * MiB);
  assert.ok(defaultMaxRequestBodySize(63.5 * MiB) > 10 * 1000 * 1000, "a 10 MB body fits at the default 64 MiB");
  assert.equal(defaultMaxRequestBodySize(32 * MiB), 8 * MiB);
  assert.equal(defaultMaxRequestBodySize(1024 * MiB), 128 * MiB);
  assert.equal(defaultMaxRequestBodySize(3 * 1023 * MiB + 1), 128 * MiB);
});
