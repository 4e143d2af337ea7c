import { test } from "node:test";
import assert from "node:assert/strict";
import { request, Agent } from "node:http";
import { freePort, startGuest } from "./helpers.ts";

function fetchFromHost(port: number, path: string, options: { method?: string; body?: Buffer; headers?: Record<string, string>; agent?: Agent } = {}) {
  return new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

// A 10 MB echo streams both ways through QEMU's user network: under TCG that takes a while.
test("examples/hello-http serves the host: GET, a query, a 10 MB POST streamed back, keep-alive, 5 at once, 431", { timeout: 300_000 }, async () => {
  const port = await freePort();
  // At the default guest memory: the echo streams, so the body is never held whole.
  const guest = await startGuest(["examples/hello-http", "-p", `${port}:80`, "--timeout", "280s"], /serving HTTP on 10\.0\.2\.15:80/);
  try {
    const hello = await fetchFromHost(port, "/");
    assert.equal(hello.status, 200);
    assert.equal(hello.body.toString(), "Hello, world! This is TypeScript on bare (virtual) metal.\n");
    assert.equal(hello.headers["content-type"], "text/plain; charset=utf-8");
    assert.match((await fetchFromHost(port, "/?name=Toro")).body.toString(), /^Hello, Toro!/);

    // Over the 1 MiB default limit, so it needs the example's maxRequestBodySize.
    const big = Buffer.alloc(10 * 1000 * 1000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
    const echoed = await fetchFromHost(port, "/echo", { method: "POST", body: big, headers: { "content-type": "application/x-test" } });
    assert.equal(echoed.status, 200);
    assert.equal(echoed.headers["content-type"], "application/x-test");
    assert.equal(echoed.body.length, big.length);
    assert.ok(echoed.body.equals(big), "the POST body comes back intact, byte for byte");

    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3; i++) assert.equal((await fetchFromHost(port, `/?name=k${i}`, { agent })).status, 200);
    agent.destroy();

    const many = await Promise.all(Array.from({ length: 5 }, (_, i) => fetchFromHost(port, `/?name=c${i}`)));
    many.forEach((r, i) => assert.equal(r.body.toString(), `Hello, c${i}! This is TypeScript on bare (virtual) metal.\n`));

    const tooBig = await fetchFromHost(port, "/", { headers: { "x-big": "a".repeat(20000) } });
    assert.equal(tooBig.status, 431);
  } finally {
    await guest.stop();
  }
});
