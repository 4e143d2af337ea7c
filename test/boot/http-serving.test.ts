// What a service exports decides, when it has run, whether it is an HTTP server; and a
// service can start one itself with toro/http's serve().
import { test } from "node:test";
import assert from "node:assert/strict";
import { freePort, startGuest, toro, ROOT } from "./helpers.ts";
import { join } from "node:path";

const serving = (name: string) => join(ROOT, "test", "services", "serving", `${name}.ts`);

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

test("a class instance whose fetch uses `this` is served, and so is a re-exported default", { timeout: 120_000 }, async () => {
  for (const [name, path, expected] of [["class-instance", "/x", "hello from a class instance: /x\n"], ["re-export", "/", "re-exported: GET\n"]]) {
    const port = await freePort();
    const guest = await startGuest([serving(name), "-p", `${port}:80`, "--timeout", "100s"], /serving HTTP on/);
    try {
      assert.deepEqual(await get(port, path), { status: 200, text: expected });
    } finally {
      await guest.stop();
    }
  }
});

test("a default export without a callable fetch is not served: the service ends", { timeout: 60_000 }, async () => {
  const run = await toro(["run", serving("no-fetch"), "--timeout", "50s"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /no server here/);
  assert.doesNotMatch(run.stdout, /serving HTTP/);
});

test("serve() listens where asked, answers through onError when the handler throws, and ends when its signal aborts", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest([serving("serve-call"), "-p", `${port}:8081`, "--timeout", "100s"], /listening on 10\.0\.2\.15:8081/);
  try {
    assert.match(guest.output(), /port 8081/);
    assert.deepEqual(await get(port, "/a"), { status: 200, text: "request 1: /a\n" });
    assert.deepEqual(await get(port, "/fail"), { status: 503, text: "onError answered: the handler failed\n" });
    assert.deepEqual(await get(port, "/stop"), { status: 200, text: "request 3: /stop\n" });
    const code = await guest.exited();
    assert.equal(code, 0, guest.output());
    assert.match(guest.output(), /finished after 3 requests/);
  } finally {
    await guest.stop();
  }
});
