import { test } from "node:test";
import assert from "node:assert/strict";
import { service, toro } from "./helpers.ts";

test("the native UTF-8 transcoders agree with the TypeScript reference in the guest", async () => {
  const r = await toro(["run", service("text-encoding"), "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "200 rounds, 0 mismatches\n");
});
