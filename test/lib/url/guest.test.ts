// lib/url on QuickJS: the same scenario in a Toro guest must print exactly what it prints in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

test("URL and URLSearchParams give the same results in a Toro guest as in Node", async (t) => {
  const scenario = join(ROOT, "test", "lib", "url", "guest", "scenario.ts");
  const printed: string[] = [];
  t.mock.method(console, "log", (...args: unknown[]) => { printed.push(args.join(" ")); });
  const { default: main } = await import(scenario);
  main();
  t.mock.restoreAll();
  const guest = await toro(["run", scenario, "--net", "none", "--timeout", "120s"], 180_000);
  assert.equal(guest.code, 0, guest.stderr);
  assert.equal(guest.stdout, printed.map((line) => `${line}\n`).join(""));
  assert.ok(printed.length > 20);
});
