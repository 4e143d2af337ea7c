// Each of the project's QuickJS patches (platform/quickjs/patches) has its
// case in test/services/quickjs-patches.ts: booted, the guest prints what
// Node prints for the same source.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, service, toro } from "./helpers.ts";

test("the guest runs every patched case as Node does", { timeout: 180_000 }, async () => {
  const node = spawnSync(process.execPath, ["--import", "tsx", service("quickjs-patches")], { cwd: ROOT, encoding: "utf8" });
  assert.equal(node.status, 0, node.stderr);
  const guest = await toro(["run", service("quickjs-patches"), "--timeout", "150s"]);
  assert.equal(guest.code, 0, guest.stdout + guest.stderr);
  assert.equal(guest.stdout, node.stdout);
});

test("every patch has its case, named by its number", () => {
  const numbers = readdirSync(join(ROOT, "platform", "quickjs", "patches")).map((name) => name.slice(0, 4)).sort();
  const printed = new Set([...spawnSync(process.execPath, ["--import", "tsx", service("quickjs-patches")], { cwd: ROOT, encoding: "utf8" }).stdout.matchAll(/^(\d{4}) /gm)].map((m) => m[1]));
  assert.deepEqual(numbers.filter((n) => !printed.has(n)), []);
});

test("a patch that does not apply exactly fails the build and names the patch", () => {
  const scratch = mkdtempSync(join(tmpdir(), "toro-patches-"));
  try {
    mkdirSync(join(scratch, "patches"));
    writeFileSync(join(scratch, "patches", "0001-stale.patch"), [
      "A patch written for other sources.", "", "--- a/quickjs.c", "+++ b/quickjs.c", "@@ -1,3 +1,3 @@",
      " no such", "-line in", "+quickjs.c", " at all", "",
    ].join("\n"));
    const make = spawnSync("make", ["-s", "-C", join(ROOT, "platform"), `O=${join(scratch, "out")}`, `QJS_PATCH_DIR=${join(scratch, "patches")}`,
      `QJS_UPSTREAM=${join(ROOT, "node_modules", "qjsc", "deps", "quickjs_2021_03_27")}`, join(scratch, "out", "quickjs", ".patched")], { encoding: "utf8" });
    assert.notEqual(make.status, 0);
    assert.match(make.stderr, /toro: the QuickJS patch .*0001-stale\.patch does not apply to QuickJS 2021-03-27/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
