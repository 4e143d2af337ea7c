import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, service, TORO, toro } from "./helpers.ts";

for (const machine of ["microvm", "q35"]) {
  test(`hello boots on ${machine} and greets`, async () => {
    const r = await toro(["run", "examples/hello", "--machine", machine, "--timeout", "60s"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Hello, world! This is TypeScript on bare \(virtual\) metal\.\n/);
  });
}

test("the guest's wall clock is the host's", async () => {
  const before = Date.now();
  const r = await toro(["run", "examples/hello", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stderr);
  const booted = Date.parse(/booted: '([^']+)'/.exec(r.stdout)![1]);
  assert.ok(booted >= before - 2000 && booted <= Date.now() + 2000, `guest time ${new Date(booted).toISOString()}`);
});

test("arguments and environment reach the service", async () => {
  const r = await toro(["run", service("echo-args"), "--env", "GREETING=hi there", "--env", "EMPTY=", "--", "one", "two words", "ünï=%"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { argv: ["one", "two words", "ünï=%"], env: { GREETING: "hi there", EMPTY: "" } });
});

test("hello boots in 16 MiB of guest memory", async () => {
  const r = await toro(["run", "examples/hello", "--mem", "16M", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Hello, world!/);
});

test("build prints the image's path and size; the image is a small ELF with no system call in it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-build-"));
  const out = join(dir, "hello.elf");
  const r = await toro(["build", "examples/hello", "-o", out]);
  assert.equal(r.code, 0, r.stderr);
  const size = statSync(out).size;
  assert.match(r.stdout, new RegExp(`hello\\.elf ${(size / 1024).toFixed(1)} KiB`));
  assert.deepEqual([...readFileSync(out).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
  assert.ok(size <= 1.5 * 1024 * 1024, `image is ${size} bytes`);
  const disassembly = execFileSync("objdump", ["-d", "--no-show-raw-insn", out], { maxBuffer: 256 * 1024 * 1024 }).toString();
  assert.doesNotMatch(disassembly, /\tsyscall/);
});

test("a service anywhere on disk builds and runs, and a rebuild picks up an edit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-svc-"));
  cpSync(join(ROOT, "examples", "hello"), dir, { recursive: true });
  writeFileSync(join(dir, "main.ts"), 'import { argv } from "toro";\nconsole.log("first", argv);\n');
  const first = await toro(["run", dir, "--", "x"], 120_000, tmpdir());
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, "first [ 'x' ]\n");
  writeFileSync(join(dir, "main.ts"), 'console.log("second");\n');
  const second = await toro(["run", dir], 120_000, tmpdir());
  assert.equal(second.stdout, "second\n");
});

test("a prebuilt image runs directly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-image-"));
  const image = join(dir, "echo.elf");
  assert.equal((await toro(["build", service("echo-args"), "-o", image])).code, 0);
  const r = await toro(["run", image, "--", "from-image"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).argv, ["from-image"]);
});

test("a reader that stops early (toro run … | head) stops the VM quietly with 141", () => {
  const r = spawnSync("bash", ["-c", `${TORO} run ${service("ticker")} --timeout 60s | head -n 2; exit \${PIPESTATUS[0]}`], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.stdout, "tick 1\ntick 2\n");
  assert.equal(r.status, 141);
  assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
});
