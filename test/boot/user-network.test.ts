// The user network on both backends: passt (the default where it is installed)
// and QEMU's slirp (the fallback). The guest sees the same network on both, a
// forwarded port reaches it and it reaches the host; under passt a burst of
// connections is taken without socket errors, and passt never outlives the VM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort, ROOT, runWrk, service, startGuest, TORO } from "./helpers.ts";

/** The passt processes forwarding host port `port` (passt's command line names it; no other test uses the port). */
function passtsForwarding(port: number): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return /passt/.test(argv[0]) && argv.some((word) => word.split(",").some((spec) => spec.startsWith(`${port}:`)));
    } catch {
      return false; // it ended while we looked
    }
  }).map(Number);
}

/** An HTTP server on the host's loopback, answering "from the host", that remembers who asked. */
async function hostServer() {
  const askedBy: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    askedBy.push(request.socket.remoteAddress!);
    response.end("from the host");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, askedBy, port: (server.address() as AddressInfo).port };
}

for (const backend of ["passt", "slirp"]) {
  test(`--net ${backend}: DHCP gives the guest 10.0.2.15, a forwarded port reaches it, and it fetches from the host at 10.0.2.2`, { timeout: 120_000 }, async () => {
    const host = await hostServer();
    const port = await freePort();
    const guest = await startGuest([service("relay"), "--net", backend, "-p", `${port}:80`, "--env", `HOST_PORT=${host.port}`, "--timeout", "100s"],
      /serving HTTP on \S+\n/); // the whole line: the console can arrive in pieces
    try {
      assert.match(guest.output(), /^toro: net0: 10\.0\.2\.15\/24 from DHCP$/m);
      assert.match(guest.output(), /^toro: serving HTTP on 10\.0\.2\.15:80$/m);
      const inbound = await fetch(`http://127.0.0.1:${port}/`);
      assert.deepEqual([inbound.status, await inbound.text()], [200, "hello\n"]);
      const relayed = await fetch(`http://127.0.0.1:${port}/relay`);
      assert.deepEqual([relayed.status, await relayed.text()], [200, "relayed 200: from the host"]);
      assert.deepEqual(host.askedBy, ["127.0.0.1"], "the guest's connection to 10.0.2.2 arrives from the host's loopback");
      assert.equal(passtsForwarding(port).length, backend === "passt" ? 1 : 0);
    } finally {
      await guest.stop();
      host.server.close();
    }
    assert.deepEqual(passtsForwarding(port), [], "no passt left once toro has stopped the VM");
  });
}

test("--net user is passt here: wrk -t2 -c64 -d5s sees no socket errors and only 2xx answers", { timeout: 180_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest(["examples/hello-http", "-p", `${port}:80`, "--timeout", "150s"], /serving HTTP on/);
  try {
    assert.equal(passtsForwarding(port).length, 1, "passt forwards the port");
    // wrk's default 2 s timeout counts a slow answer as an error; under TCG a loaded guest answers in well under 10 s.
    const load = await runWrk(["-t2", "-c64", "-d5s", "--timeout", "10s", `http://127.0.0.1:${port}/`]);
    console.log(`# wrk -t2 -c64 -d5s through passt: ${load.requests} requests`);
    assert.ok(load.requests > 0, load.output);
    assert.deepEqual(load.errors, [], load.output);
    assert.doesNotMatch(guest.output(), /Uncaught|CPU fault/, guest.output());
  } finally {
    await guest.stop();
  }
  assert.deepEqual(passtsForwarding(port), []);
});

test("toro stopped by SIGTERM stops the VM, and passt ends with it", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const toro = spawn(TORO, ["run", "examples/hello-http", "--net", "passt", "-p", `${port}:80`, "--timeout", "100s"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  toro.stdout.on("data", (d) => (output += d));
  toro.stderr.on("data", (d) => (output += d));
  const ended = new Promise<number | null>((resolve) => toro.once("close", resolve));
  await new Promise<void>((resolve, reject) => {
    toro.stdout.on("data", () => /serving HTTP on/.test(output) && resolve());
    void ended.then(() => reject(new Error(`toro ended before it served:\n${output}`)));
  });
  assert.equal(passtsForwarding(port).length, 1);
  toro.kill("SIGTERM");
  assert.equal(await ended, 130, output);
  assert.deepEqual(passtsForwarding(port), [], "passt ended before toro did");
});
