import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { ROOT, service, toro } from "./helpers.ts";

/** The same TypeScript file, run by Node and booted in the guest, must print the same. */
async function sameAsNode(name: string) {
  const node = execFileSync(process.execPath, ["--import", "tsx", service(name)], { cwd: ROOT }).toString();
  const guest = await toro(["run", service(name), "--timeout", "60s"]);
  assert.equal(guest.code, 0, guest.stderr + guest.stdout);
  assert.equal(guest.stdout, node);
  return guest.stdout;
}

test("JSON, BigInt, RegExp, Map/Set, private fields, async/await, typed arrays, Date and Math behave as in Node", async () => {
  const out = await sameAsNode("language");
  assert.match(out, /done: all language checks ran/);
});

test("timers and microtasks run in Node's order", async () => {
  const out = await sameAsNode("timers");
  assert.match(out, /^synchronous end$/m);
  assert.match(out, /timeout 200, the last\n$/);
});
