// serveHttp and the polyfilled globals on QuickJS: the same scenario in a
// Toro guest must print exactly what it prints in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

const SCENARIO = join(ROOT, "test", "lib", "http", "guest", "serve-scenario.ts");

test("a served connection prints the same in a Toro guest as in Node", async (t) => {
  const printed: string[] = [];
  t.mock.method(console, "log", (...args: unknown[]) => { printed.push(args.join(" ")); });
  const { default: main } = await import(SCENARIO);
  await main();
  t.mock.restoreAll();
  const guest = await toro(["run", SCENARIO, "--net", "none", "--timeout", "60s"]);
  assert.equal(guest.code, 0, guest.stderr);
  assert.equal(guest.stdout, printed.map((line) => `${line}\n`).join(""));
  assert.match(guest.stdout, /onError: handler failed/);
});
