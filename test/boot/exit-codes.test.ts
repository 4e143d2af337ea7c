import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { build } from "../../cli/build.ts";
import { EXIT_UNSETTLED, outcomeOfQemuStatus } from "../../cli/exit-codes.ts";
import { bootDirect, lineOf, service, toro } from "./helpers.ts";

for (const code of [0, 7, 123]) {
  test(`exit(${code}) is the exit code of toro run`, async () => {
    const r = await toro(["run", service("exit-code"), "--env", `CODE=${code}`]);
    assert.equal(r.stdout, `exiting with ${code}\n`);
    assert.equal(r.code, code, r.stderr);
  });
}

test("exit() outside 0-123 is a RangeError, hence an uncaught error", async () => {
  const r = await toro(["run", service("exit-code"), "--env", "CODE=124"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Uncaught RangeError: exit code must be an integer from 0 to 123, got 124/);
});

test("a default-exported main's resolved number is the exit code", async () => {
  const r = await toro(["run", service("main-default"), "--", "a", "b"]);
  assert.equal(r.stdout, "main ran with 2 arguments\n");
  assert.equal(r.code, 9);
});

test("an uncaught error prints its message and a stack in TypeScript lines, and exits 1", async () => {
  const file = service("crash");
  const r = await toro(["run", file]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "about to fail");
  assert.equal(lines[1], "Uncaught ValidationError: the input is not valid");
  assert.match(lines[2] + lines[3], new RegExp(`at validate \\(test/services/crash\\.ts:${lineOf(file, "throw")}\\)`));
  assert.match(r.stdout, new RegExp(`at validate \\(test/services/crash\\.ts:${lineOf(file, "recurse")}\\)`));
  assert.match(r.stdout, new RegExp(`at <anonymous> \\(test/services/crash\\.ts:${lineOf(file, "call")}\\)`));
  assert.doesNotMatch(r.stdout, /bundle\.js/);
});

test("an uncaught error's cause chain is printed after its stack, each cause with its TypeScript lines", async () => {
  const file = service("crash-cause");
  const r = await toro(["run", file]);
  assert.equal(r.code, 1);
  const at = (fn: string, marker: string) => `at ${fn} \\(test/services/crash-cause\\.ts:${lineOf(file, marker)}\\)`;
  assert.match(r.stdout, new RegExp([
    "^loading",
    "Uncaught ConfigError: loading config failed",
    `    ${at("loadConfig", "wrap")}`,
    `    ${at("<anonymous>", "call")} \\{`,
    "  \\[cause\\]: SyntaxError: unexpected token o in config",
    `      ${at("parseConfig", "parse")}`,
    `      ${at("loadConfig", "read")}`,
    `      ${at("<anonymous>", "call")} \\{`,
    "    \\[cause\\]: \\{ offset: 0 \\}",
    "  \\}",
    "\\}\\n$",
  ].join("\n")), r.stdout);
  assert.doesNotMatch(r.stdout, /bundle\.js|polyfills|construct/);
});

test("an unhandled rejection is reported as uncaught (in promise), and exits 1", async () => {
  const file = service("reject");
  const r = await toro(["run", file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Uncaught \(in promise\) TypeError: the resource is gone\n/);
  assert.match(r.stdout, new RegExp(`at load \\(test/services/reject\\.ts:${lineOf(file, "throw")}\\)`));
});

test("a top-level await that rejects is an uncaught error with its TypeScript stack, and exits 1", async () => {
  const file = service("top-level-reject");
  const r = await toro(["run", file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^loading\nUncaught TypeError: the resource is gone\n    at load \\(test/services/top-level-reject\\.ts:${lineOf(file, "throw")}\\)\n`));
  assert.doesNotMatch(r.stdout, /never printed|in promise|bundle\.js/);
});

test("a top-level await that nothing can settle ends the service with 13, as in Node", async () => {
  const r = await toro(["run", service("top-level-unsettled")]);
  assert.equal(r.code, EXIT_UNSETTLED);
  assert.equal(r.stdout, "waiting for nothing\ntoro: the service's top-level await never settled: nothing left pending could settle it\n");
});

test("a default-exported main runs once the top level has settled", async () => {
  const r = await toro(["run", service("top-level-main"), "--", "a", "b"]);
  assert.equal(r.stdout, "top level settled with 40\nmain ran\n");
  assert.equal(r.code, 42);
});

test("--timeout stops a service that does not end, with exit code 124", async () => {
  const started = Date.now();
  const r = await toro(["run", service("forever"), "--timeout", "1500ms"]);
  assert.equal(r.code, 124);
  assert.match(r.stdout, /running forever/);
  assert.match(r.stderr, /timed out after 1500 ms/);
  assert.ok(Date.now() - started < 60_000);
});

/** Boot an image with one of the platform's self-tests (toro.selftest=…): its console and outcome. */
async function selfTest(name: string) {
  const { image } = await build(service("echo-args"), join(import.meta.dirname, "..", "services", "build", "fault.elf"));
  const vm = bootDirect({ image, cmdline: `toro.selftest=${name}` });
  let out = "";
  vm.stdout.setEncoding("utf8");
  vm.stdout.on("data", (d) => (out += d));
  const status = await new Promise<number | null>((resolve) => vm.on("close", resolve));
  return { out, outcome: outcomeOfQemuStatus(status) };
}

test("a CPU fault prints a register dump and exits with 125", async () => {
  const { out, outcome } = await selfTest("fault");
  assert.deepEqual(outcome, { kind: "exited", code: 125 });
  assert.match(out, /toro: CPU fault on core 0: page fault \(vector 14/);
  assert.match(out, /faulting address \(cr2\) 0000000000000000: page not present on write/);
  assert.match(out, /rip [0-9a-f]{16}  rsp [0-9a-f]{16}/);
});

test("native code that runs off the boot stack hits its guard page: a clear message and exit code 125", async () => {
  const { out, outcome } = await selfTest("stack-overflow");
  assert.deepEqual(outcome, { kind: "exited", code: 125 });
  assert.match(out, /toro: stack overflow: the boot stack \(the one JavaScript runs on\) ran into its guard page/);
  assert.match(out, /page fault \(vector 14, error code 0x2\)/);
});

test("bad usage is exit code 2 with a clear message, and starts no VM", async () => {
  const cases: [string[], RegExp][] = [
    [["run", "does/not/exist.ts"], /does\/not\/exist\.ts: no such file or directory/],
    [["run", service("echo-args"), "--mem", "lots"], /--mem: cannot read "lots"/],
    [["run", service("echo-args"), "--accel", "warp"], /--accel: expected one of auto, kvm, tcg/],
    [["run", "missing.elf"], /missing\.elf: no such image/],
    [["run", "package-lock.json.elf"], /no such image/],
    [["run", service("echo-args"), "--mem", "2M"], /--mem 2M is less than this image needs \(\d+M\)/],
    [["build", "package.json"], /a service is a \.ts or \.js file/],
  ];
  for (const [args, message] of cases) {
    const r = await toro(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
});

test("a service that does not bundle gets esbuild's message with the file and line", async () => {
  const r = await toro(["build", join(import.meta.dirname, "..", "services", "broken", "main.ts")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot bundle .*broken\/main\.ts:\n.*Could not resolve "\.\/missing-module".*test\/services\/broken\/main\.ts:2:\d+/s);
});
