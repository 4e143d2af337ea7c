// lib/web's globals on QuickJS: the scenario booted in a Toro guest must print
// exactly what it prints in Node with Node's own globals, and then the guest
// has navigator.userAgent, self and a reportError() that reports as uncaught.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

test("EventTarget, DOMException, structuredClone, atob/btoa, Blob, File, FormData and form bodies print the same in a guest as in Node", async (t) => {
  const scenario = join(ROOT, "test", "lib", "web", "guest", "web-scenario.ts");
  const printed: string[] = [];
  t.mock.method(console, "log", (...args: unknown[]) => { printed.push(args.join(" ")); });
  const { default: main } = await import(scenario);
  await main();
  t.mock.restoreAll();
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  // Node 20 has no navigator, self or reportError: the guest has them.
  assert.equal(printed.at(-1), '"navigator and self" "none" "none"');
  const expected = [...printed.slice(0, -1), `"navigator and self" "Toro/${version}" true`].map((line) => `${line}\n`).join("");
  const guest = await toro(["run", scenario, "--net", "none", "--timeout", "90s"]);
  assert.equal(guest.stdout.slice(0, expected.length), expected, guest.stderr);
  assert.match(guest.stdout.slice(expected.length), /^Uncaught Error: reported at the end\n\s+at main \(test\/lib\/web\/guest\/web-scenario\.ts:\d+\)/);
  assert.equal(guest.code, 1, "reportError reports as uncaught: exit code 1");
});
