import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { ROOT, service, startGuest, type RunningGuest } from "./helpers.ts";
import { LossyTap, missingForNetns } from "./netns.ts";
import { Fnv1a, PatternStream } from "../services/transfer-pattern.ts";

const SIZE = 10_000_000;
const GUEST = "10.77.0.2";

/** What the guest says ("LENGTH HASH") after receiving `size` bytes of the pattern seeded by `seed`. */
function expectedHash(size: number, seed: number): string {
  const pattern = new PatternStream(seed), hash = new Fnv1a(), chunk = new Uint8Array(64 * 1024);
  for (let done = 0; done < size; done += chunk.length) hash.update(pattern.fill(chunk.subarray(0, Math.min(chunk.length, size - done))));
  return String(hash);
}

/** Peers still running, to be stopped if the test ends without them. */
const peers = new Set<ChildProcess>();

/** Run test/boot/transfer-peer.ts inside the namespace; resolves with the JSON line it prints. */
function peer(namespace: LossyTap, args: string[]): Promise<Record<string, string | number>> {
  const child = namespace.spawn(process.execPath, ["--import", "tsx", "test/boot/transfer-peer.ts", ...args], { cwd: ROOT });
  peers.add(child);
  child.on("close", () => peers.delete(child));
  let stdout = "", stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`transfer-peer.ts ${args.join(" ")} exited with ${code}: ${stderr}`));
    });
  });
}

test("booted on a tap device inside a network namespace with 5% loss each way: 10 MB goes each way intact", { timeout: 15 * 60_000 }, async (t) => {
  const missing = missingForNetns();
  if (missing) assert.fail(`${missing}; scripts/setup.sh installs iproute2 and nftables`);
  const seed = (Date.now() % 0xfffffff) + 1;
  const namespace = new LossyTap({ hostAddress: "10.77.0.1", prefixLength: 24, lossPercent: 5 });
  let guest: RunningGuest | undefined;
  t.after(async () => {
    for (const child of peers) child.kill("SIGKILL");
    await guest?.stop();
    namespace.destroy();
  });

  guest = await startGuest([
    service("net-transfer"), "--net", `tap=${namespace.tap}`, "--ip", `${GUEST}/24`, "--gateway", "10.77.0.1",
    "--timeout", "20m", "--", String(SIZE), String(seed),
  ], /transfer service on 10\.77\.0\.2/, (command, args, options) => namespace.spawn(command, args, options));

  const toGuest = await peer(namespace, ["send", GUEST, "5001", String(SIZE), String(seed + 1)]);
  assert.equal(toGuest.answer, expectedHash(SIZE, seed + 1), "what the guest received (length and hash)");
  const fromGuest = await peer(namespace, ["receive", GUEST, "5002"]);
  assert.equal(fromGuest.received, expectedHash(SIZE, seed), "what the host received from the guest (length and hash)");

  const counters = namespace.counters();
  t.diagnostic(`seed ${seed}; 10 MB host→guest in ${toGuest.ms} ms, guest→host in ${fromGuest.ms} ms`);
  t.diagnostic(`dropped ${counters.toGuest.dropped} of ${counters.toGuest.packets} frames to the guest, ` +
    `${counters.fromGuest.dropped} of ${counters.fromGuest.packets} from it`);
  assert.ok(counters.toGuest.dropped > 0 && counters.fromGuest.dropped > 0, "the link really lost frames both ways");
  assert.doesNotMatch(guest.output(), /Uncaught|CPU fault/, guest.output());
});
