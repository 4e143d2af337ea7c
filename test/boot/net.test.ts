import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { hostDnsServer, service, toro } from "./helpers.ts";

/** A UDP echo server on the host's loopback: the guest reaches it at the gateway, 10.0.2.2. */
async function echoServer() {
  const server = createSocket("udp4");
  server.on("message", (message, from) => server.send(Buffer.concat([Buffer.from("echo: "), message]), from.port, from.address));
  await new Promise<void>((done) => server.bind(0, "127.0.0.1", done));
  return server;
}

for (const machine of ["microvm", "q35"]) {
  test(`${machine}: DHCP configures the guest, and UDP reaches a server on the host and back`, async () => {
    const server = await echoServer();
    try {
      const r = await toro(["run", service("net-udp"), "--machine", machine, "--timeout", "60s", "--", "udp", String(server.address().port)]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^toro: net0: 10\.0\.2\.15\/24 from DHCP$/m);
      assert.match(r.stdout, /^net0 52:54:00:12:34:56: 10\.0\.2\.15\/24, gateway 10\.0\.2\.2, dns 10\.0\.2\.3$/m);
      assert.match(r.stdout, /^10\.0\.2\.2:\d+ said "echo: hello over UDP"$/m);
    } finally {
      server.close();
    }
  });
}

test("a static address, and a DNS name resolved by a server on the host", async () => {
  const server = await hostDnsServer([10, 1, 2, 3], 60_000);
  assert.ok(server, "the host's port 53 stayed busy");
  try {
    const r = await toro(["run", service("net-udp"), "--ip", "10.0.2.99/24", "--gateway", "10.0.2.2", "--dns", "10.0.2.2", "--timeout", "60s", "--", "dns", "service.toro.test"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^net0 52:54:00:12:34:56: 10\.0\.2\.99\/24, gateway 10\.0\.2\.2, dns 10\.0\.2\.2$/m);
    assert.match(r.stdout, /^service\.toro\.test is 10\.1\.2\.3$/m);
  } finally {
    server.close();
  }
});

test("the native checksum fast path agrees with the TypeScript reference in the guest", async () => {
  const r = await toro(["run", service("checksum"), "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, "300 sums, 0 mismatches\n");
});
