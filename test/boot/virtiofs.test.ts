import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findVirtiofsd, startShares } from "../../cli/virtiofs.ts";
import { service, startGuest, TORO, toro } from "./helpers.ts";

/** Why the booted virtio-fs tests cannot run here, or undefined: virtiofsd must be installed and able to start. */
async function virtiofsdMissing(): Promise<string | undefined> {
  const virtiofsd = findVirtiofsd();
  if (!virtiofsd) return "virtiofsd is not installed (apt-get install virtiofsd, or qemu-system-common)";
  const dir = mkdtempSync(join(tmpdir(), "toro-virtiofsd-probe-"));
  try {
    const running = await startShares(virtiofsd, [{ hostDir: dir, path: "/probe", readOnly: false }], () => {});
    await running.stop();
    return undefined;
  } catch (error) {
    return `virtiofsd cannot run here: ${(error as Error).message}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const missing = await virtiofsdMissing();
if (missing) console.log(`# skipping the booted virtio-fs tests: ${missing}`);

function hostDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "toro-share-"));
  writeFileSync(join(dir, "hello.txt"), "hi from the host");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "sub", "inner.txt"), "x\n");
  return dir;
}


function expectedBig(): Buffer {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  return big;
}

for (const machine of ["microvm", "q35"]) {
  test(`${machine}: a service lists, reads, writes, renames and deletes files in a --share directory through toro/fs, and the host sees each change at once`, { skip: missing }, async () => {
    const dir = hostDirectory();
    const guest = await startGuest(
      [service("virtiofs-share"), "--share", `${dir}:/data`, "--machine", machine, "--net", "none", "--timeout", "120s"],
      /^wrote from-guest\.txt$/m,
    );
    try {
      // The guest waits for our answer: its write is on the host while the VM runs, and ours reaches it.
      assert.equal(readFileSync(join(dir, "from-guest.txt"), "utf8"), "written by the guest\n");
      writeFileSync(join(dir, "ack.txt"), "host saw it");
      assert.equal(await guest.exited(), 0, guest.output());
    } finally {
      await guest.stop();
    }
    const output = guest.output();
    assert.match(output, /^root: hello\.txt sub\/$/m);
    assert.match(output, /^hello\.txt: hi from the host$/m);
    assert.match(output, /^sub: inner\.txt$/m);
    assert.match(output, /^ack\.txt: host saw it$/m);
    assert.match(output, /^rmdir of a full directory: ENOTEMPTY$/m);
    assert.match(output, /^open of a missing file: ENOENT$/m);
    assert.match(output, /^big\.bin: 300000 bytes read back intact$/m);
    assert.match(output, /^after write and truncate: 10 bytes$/m);
    assert.match(output, /^root: ack\.txt made\/$/m);
    assert.deepEqual(readdirSync(dir).sort(), ["ack.txt", "made"]);
    assert.deepEqual(readdirSync(join(dir, "made")).sort(), ["big.bin", "renamed.txt"]);
    assert.equal(readFileSync(join(dir, "made", "renamed.txt"), "utf8"), "written by the guest\n");
    const big = expectedBig();
    big.write("TORO", 0);
    assert.ok(readFileSync(join(dir, "made", "big.bin")).equals(big.subarray(0, 10)), "the file written whole, then in place and truncated, is on the host as the guest left it");
    rmSync(dir, { recursive: true, force: true });
  });
}

test("a ,ro share reads as before and refuses every change with EROFS; the host directory is untouched", { skip: missing }, async () => {
  const dir = hostDirectory();
  const run = await toro(["run", service("virtiofs-share"), "--share", `${dir}:/data,ro`, "--net", "none", "--timeout", "120s", "--", "read-only"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^hello\.txt: hi from the host$/m);
  for (const call of ["write", "mkdir", "unlink", "rename"]) assert.match(run.stdout, new RegExp(`^${call}: EROFS$`, "m"));
  assert.deepEqual(readdirSync(dir).sort(), ["hello.txt", "sub"]);
  rmSync(dir, { recursive: true, force: true });
});

test("--share without virtiofsd: one clear line naming what to install, exit 2, no VM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-share-"));
  const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(TORO, ["run", service("virtiofs-share"), "--share", `${dir}:/data`, "--net", "none"], {
      env: { ...process.env, TORO_VIRTIOFSD: join(dir, "no-such-virtiofsd") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stderr }));
  });
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /^toro: --share needs virtiofsd, which is not installed \(apt-get install virtiofsd/);
  assert.ok(!existsSync(join(dir, "from-guest.txt")));
  rmSync(dir, { recursive: true, force: true });
});

