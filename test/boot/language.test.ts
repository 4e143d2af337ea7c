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
  assert.match(out, /timeout 720, the last\n$/);
});

test("top-level await in the main module and in a module it imports runs in Node's order", async () => {
  const out = await sameAsNode("top-level-await");
  assert.match(out, /^config: loaded\nmain: start, port 8080\n/m);
  assert.match(out, /done: the top level ran to its end\n$/);
});

test("a service awaits the network at its top level, then ends with 0 as nothing is left pending", async () => {
  const r = await toro(["run", service("top-level-network"), "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^address 10\.0\.2\.15 gateway 10\.0\.2\.2$/m);
});
