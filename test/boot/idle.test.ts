import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "../../cli/build.ts";
import { bootDirect, service } from "./helpers.ts";

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

test("a service sleeping 5 s leaves the host CPU idle (halt, no tick, no busy wait)", async () => {
  const { image } = await build(service("sleep"), join(import.meta.dirname, "..", "services", "build", "sleep-idle.elf"));
  const vm = bootDirect({ image, cmdline: "toro.arg=5000" });
  let out = "";
  let start: { cpu: number; at: number } | undefined;
  let last: { cpu: number; at: number } | undefined;
  const sample = () => ({ cpu: cpuSeconds(vm.pid!), at: performance.now() });
  vm.stdout.setEncoding("utf8");
  vm.stdout.on("data", (d) => {
    out += d;
    if (!start && out.includes("sleeping")) start = sample();
  });
  const poll = setInterval(() => {
    try {
      if (start) last = sample();
    } catch { /* the process just ended */ }
  }, 200);
  const status = await new Promise<number | null>((resolve) => vm.on("close", resolve));
  clearInterval(poll);
  assert.equal(status, 3, out);
  // A timer never fires early; how late it fires depends on the host's load, so it is only logged.
  const woke = Number(/woke after (\d+) ms/.exec(out)?.[1]);
  assert.ok(woke >= 5000, out);
  console.log(`# the 5 s timer fired after ${woke} ms`);
  assert.ok(start && last && last.at - start.at > 4000, "sampled most of the sleep");
  const share = (last.cpu - start.cpu) / ((last.at - start.at) / 1000);
  console.log(`# host CPU while the guest sleeps: ${(share * 100).toFixed(1)}% of a core`);
  assert.ok(share < 0.5, `the idle guest used ${(share * 100).toFixed(1)}% of a core`);
  // The guest's own account (cpuUsage): the sleep was mostly halted; a busy loop never halts.
  const [, asleepIdle, asleepBusy] = /asleep: idle ([\d.]+) ms, busy ([\d.]+) ms/.exec(out)!.map(Number);
  assert.ok(asleepIdle >= woke / 2 && asleepIdle + asleepBusy <= woke + 1, out);
  const [, spinIdle, spinBusy] = /spinning: idle ([\d.]+) ms, busy ([\d.]+) ms/.exec(out)!.map(Number);
  assert.equal(spinIdle, 0, out);
  assert.ok(spinBusy >= 200, out);
});
