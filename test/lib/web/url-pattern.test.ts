// URLPattern (urlpattern-polyfill) booted: the guest matches as Node does with the same
// polyfill (Node 20 has no URLPattern of its own).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

const SCRIPT = join(ROOT, "test", "lib", "web", "guest", "url-pattern.ts");

test("URLPattern: the guest's matches and groups are Node's", { timeout: 180_000 }, async () => {
  const node = spawnSync(process.execPath, ["--import", "tsx", "--import", "urlpattern-polyfill", SCRIPT], { cwd: ROOT, encoding: "utf8" });
  assert.equal(node.status, 0, node.stderr);
  assert.match(node.stdout, /"id":"123"/);
  const guest = await toro(["run", SCRIPT, "--timeout", "150s"]);
  assert.equal(guest.code, 0, guest.stdout + guest.stderr);
  assert.equal(guest.stdout, node.stdout);
});
