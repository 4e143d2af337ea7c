import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, service, toro } from "../boot/helpers.ts";

test("the examples and test services type-check against Toro's API", async () => {
  const targets = [
    ...readdirSync(join(ROOT, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join("examples", d.name)),
    ...["language", "timers", "crash", "reject", "exit-code", "main-default", "echo-args", "sleep", "forever", "ticker", "devices-rng", "devices-blk", "devices-net", "net-udp", "tcp-client", "checksum",
      "crash-cause", "top-level-await", "top-level-reject", "top-level-unsettled", "top-level-main", "top-level-network", "fs-api"].map(service),
  ];
  for (const target of targets) {
    const r = await toro(["check", target]);
    assert.equal(r.code, 0, `${target}:\n${r.stdout}${r.stderr}`);
  }
});

test("a type error is reported with file and line", async () => {
  const r = await toro(["check", service("type-error")]);
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /type-error\.ts\(4,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
});
