// serveHttp, fetch()'s client and the polyfilled globals on QuickJS: the same
// scenario in a Toro guest must print exactly what it prints in Node.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, toro } from "../../boot/helpers.ts";

/** Run a scenario in Node, then in a guest; resolves to the guest's output once both agree. */
async function sameInGuest(t: TestContext, name: string): Promise<string> {
  const scenario = join(ROOT, "test", "lib", "http", "guest", `${name}.ts`);
  const printed: string[] = [];
  t.mock.method(console, "log", (...args: unknown[]) => { printed.push(args.join(" ")); });
  const { default: main } = await import(scenario);
  await main();
  t.mock.restoreAll();
  const guest = await toro(["run", scenario, "--net", "none", "--timeout", "60s"]);
  assert.equal(guest.code, 0, guest.stderr);
  assert.equal(guest.stdout, printed.map((line) => `${line}\n`).join(""));
  return guest.stdout;
}

test("a served connection prints the same in a Toro guest as in Node", async (t) => {
  assert.match(await sameInGuest(t, "serve-scenario"), /onError: handler failed/);
});

test("fetch()'s client prints the same in a Toro guest as in Node", async (t) => {
  const output = await sameInGuest(t, "fetch-scenario");
  assert.match(output, /^\/chunked 200 OK http:\/\/example\.com\/chunked false transfer-encoding=chunked x-kind=chunked "héllo"$/m);
  assert.match(output, /^\/silent failed: AbortError /m);
});
