import { test } from "node:test";
import assert from "node:assert/strict";
import { outcomeOfQemuStatus } from "../../cli/exit-codes.ts";

test("a guest report of code c arrives as QEMU status ((c + 1) << 1) | 1", () => {
  for (const code of [0, 1, 42, 123, 125]) {
    assert.deepEqual(outcomeOfQemuStatus(((code + 1) << 1) | 1), { kind: "exited", code });
  }
});

test("QEMU's own failure (status 1) is never read as the service's exit(0)", () => {
  assert.deepEqual(outcomeOfQemuStatus(1), { kind: "qemu-failed" });
});

test("an exit without a report (reset with -no-reboot, or killed) is told apart", () => {
  assert.deepEqual(outcomeOfQemuStatus(0), { kind: "no-report" });
  assert.deepEqual(outcomeOfQemuStatus(null), { kind: "no-report" });
});
