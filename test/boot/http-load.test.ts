import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { freePort, ROOT, startGuest, type RunningGuest } from "./helpers.ts";
import { LossyTap, missingForNetns } from "./netns.ts";

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** wrk's summary: requests done, and its error counts (socket errors and non-2xx answers). */
function runWrk(args: string[]): Promise<{ requests: number; errors: string[]; output: string }> {
  return new Promise((resolve, reject) => {
    const wrk = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    wrk.stdout.on("data", (d) => (output += d));
    wrk.stderr.on("data", (d) => (output += d));
    wrk.on("error", (e) => reject(new Error(`cannot run wrk (./toro setup installs it): ${e.message}`)));
    wrk.on("close", () => {
      const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
      const errors = output.split("\n").filter((line) => /Socket errors|Non-2xx/.test(line));
      resolve({ requests, errors, output });
    });
  });
}

test("examples/hello-http on QEMU's user network: 10 s of wrk load with 32 connections and no errors", { timeout: 240_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest(["examples/hello-http", "-p", `${port}:80`, "--timeout", "220s"], /serving HTTP on/);
  try {
    // wrk's default 2 s timeout counts a slow answer as an error; under TCG a loaded guest answers in well under 10 s.
    const load = await runWrk(["-t2", "-c32", "-d10s", "--timeout", "10s", `http://127.0.0.1:${port}/`]);
    console.log(`# wrk: ${load.requests} requests in 10 s`);
    assert.ok(load.requests > 0, load.output);
    assert.deepEqual(load.errors, [], load.output);
    assert.equal((await get(port, "/?name=after", new Agent())).status, 200, "still serving after the load");
  } finally {
    await guest.stop();
  }
});

// On a tap in a network namespace, so that the burst reaches the guest's own TCP at once: QEMU's
// user network accepts forwarded connections with a listen backlog of 1 and would space them out.
test("examples/hello-http on a tap: 100 connections opened at once are all answered", { timeout: 240_000 }, async (t) => {
  const missing = missingForNetns();
  if (missing) assert.fail(`${missing}; scripts/setup.sh installs iproute2 and nftables`);
  const namespace = new LossyTap({ hostAddress: "10.78.0.1", prefixLength: 24, lossPercent: 0 });
  let guest: RunningGuest | undefined;
  t.after(async () => {
    await guest?.stop();
    namespace.destroy();
  });
  guest = await startGuest(["examples/hello-http", "--net", `tap=${namespace.tap}`, "--ip", "10.78.0.2/24", "--timeout", "200s"], /serving HTTP on/,
    (command, args, options) => namespace.spawn(command, args, options));
  const peer = namespace.spawn(process.execPath, ["--import", "tsx", "test/boot/http-burst-peer.ts", "10.78.0.2", "100"], { cwd: ROOT });
  let report = "";
  peer.stdout!.on("data", (d) => (report += d));
  peer.stderr!.on("data", (d) => (report += d));
  const code = await new Promise((done) => peer.on("close", done));
  assert.equal(code, 0, report);
  assert.deepEqual(JSON.parse(report), { answered: 100, failures: [] });
  assert.doesNotMatch(guest.output(), /Uncaught|CPU fault/, guest.output());
});
