// Node's process over a host of the test's own (process-object.ts), and the
// shape of Node's process that packages read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createProcess, NODE_VERSION, type ProcessHost } from "../../../lib/node/process-object.ts";

function host(overrides: Partial<ProcessHost> = {}) {
  const written: string[] = [];
  let clock = 1000;
  const exits: number[] = [];
  const given: ProcessHost = {
    argv: ["--flag", "value"],
    env: { GREETING: "hi" },
    exit: (code) => { exits.push(code); throw new Error(`exit ${code}`); },
    now: () => clock,
    write: (text) => written.push(text),
    memory: () => ({ totalBytes: 32 << 20, freeBytes: 20 << 20, heapBytes: 5 << 20 }),
    busyMs: () => 12.5,
    ...overrides,
  };
  return { given, written, exits, advance: (ms: number) => (clock += ms) };
}

test("argv, env, platform, version and cwd are what packages read from Node's process", () => {
  const { given } = host();
  const process = createProcess(given);
  assert.deepEqual(process.argv.slice(2), ["--flag", "value"]);
  assert.equal(process.argv[0], process.execPath);
  assert.equal(process.env, given.env);
  process.env.ADDED = "yes";
  assert.equal(given.env.ADDED, "yes");
  assert.equal(process.platform, "linux");
  assert.equal(process.version, `v${NODE_VERSION}`);
  assert.match(process.version, /^v\d+\.\d+\.\d+$/);
  assert.equal(process.versions.node, NODE_VERSION);
  assert.equal(process.cwd(), "/");
  assert.equal(typeof process.pid, "number");
});

test("hrtime counts from the host's clock in [seconds, nanoseconds], and takes a previous reading", () => {
  const clock = host();
  const process = createProcess(clock.given);
  const start = process.hrtime();
  assert.deepEqual(start, [1, 0]);
  clock.advance(2500.000001);
  const [seconds, nanos] = process.hrtime(start);
  assert.equal(seconds, 2);
  assert.ok(Math.abs(nanos - 500_000_001) < 1000, String(nanos));
  assert.equal(typeof process.hrtime.bigint(), "bigint");
  assert.equal(process.hrtime.bigint(), 3_500_000_001n);
  assert.equal(process.uptime(), 2.500000001);
});

test("nextTick runs the callback with its arguments in a microtask; a non-function is refused", async () => {
  const process = createProcess(host().given);
  const order: string[] = [];
  process.nextTick((a: string, b: string) => order.push(a + b), "ti", "ck");
  order.push("sync");
  await Promise.resolve();
  assert.deepEqual(order, ["sync", "tick"]);
  assert.throws(() => process.nextTick("no" as never), TypeError);
});

test("stdout.write writes text and bytes as they are; emitWarning writes and emits 'warning'", async () => {
  const { given, written } = host();
  const process = createProcess(given);
  assert.equal(process.stdout.write("no newline"), true);
  process.stderr.write(new TextEncoder().encode("bytes é"));
  let called = false;
  process.stdout.write("", () => (called = true));
  await Promise.resolve();
  assert.ok(called);
  const warnings: Error[] = [];
  process.on("warning", (warning: Error) => warnings.push(warning));
  process.emitWarning("careful", "DeprecationWarning", "DEP0001");
  process.emitWarning(new Error("as an error"));
  assert.deepEqual(written, ["no newline", "bytes é", "", "[DEP0001] DeprecationWarning: careful\n", "Error: as an error\n"]);
  assert.equal(warnings[0].name, "DeprecationWarning");
  assert.equal((warnings[0] as Error & { code: string }).code, "DEP0001");
});

test("exit, memoryUsage and cpuUsage go to the host", () => {
  const { given, exits } = host();
  const process = createProcess(given);
  assert.throws(() => process.exit(3), /exit 3/);
  assert.throws(() => process.exit(), /exit 0/);
  assert.deepEqual(exits, [3, 0]);
  assert.equal(process.memoryUsage().heapUsed, 5 << 20);
  assert.equal(process.memoryUsage.rss(), 12 << 20);
  assert.deepEqual(process.cpuUsage(), { user: 12500, system: 0 });
  assert.deepEqual(process.cpuUsage({ user: 2500, system: 0 }), { user: 10000, system: 0 });
  assert.equal(typeof process.on, "function");
});
