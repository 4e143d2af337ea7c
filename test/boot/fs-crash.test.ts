// Killing QEMU (SIGKILL) while a guest writes files through toro/fs (test/services/fs-crash.ts),
// at a few points: fsck.fat -n then finds no cross-linked or out-of-range chain, and every file
// whose sync the guest reported reads back whole, with mtools and with our own mount in Node
// (which repairs what the kill left; fsck.fat then finds nothing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../cli/build.ts";
import { mountFat } from "../../kernel/fs/fat/index.ts";
import { encodeMount } from "../../kernel/fs/mount-parameter.ts";
import { fsck } from "../fs/crash/fsck.ts";
import { makeImage } from "../fs/fuzz/images.ts";
import { crashFileBytes, crashFileName, crashLogLine } from "../services/fs-crash-data.ts";
import { OverlayDisk } from "../sim/overlay-disk.ts";
import { bootDirect, service } from "./helpers.ts";

/** Kill the VM this long after the guest has reported this many syncs: at once, or while it writes the next files. */
const KILLS = [{ syncs: 3, delayMs: 0 }, { syncs: 16, delayMs: 30 }, { syncs: 41, delayMs: 90 }];
const READ = { write: false, create: false, exclusive: false, truncate: false };

/** Boot with `disk` at /data, and SIGKILL QEMU `delayMs` after `syncs` "synced" lines have come: the lines it printed. */
async function bootAndKill(image: string, disk: string, syncs: number, delayMs: number): Promise<string[]> {
  const vm = bootDirect({ image, cmdline: encodeMount({ source: "disk0", path: "/data", readOnly: false }), disks: [{ path: disk, readOnly: false }] });
  let out = "";
  vm.stdout.setEncoding("utf8");
  vm.stderr.setEncoding("utf8");
  vm.stderr.on("data", (d) => (out += d));
  const closed = new Promise<void>((resolve) => vm.on("close", () => resolve()));
  const limit = setTimeout(() => vm.kill("SIGKILL"), 180_000);
  let killing = false;
  vm.stdout.on("data", (d) => {
    out += d;
    if (killing || (out.match(/^synced /gm) ?? []).length < syncs) return;
    killing = true;
    setTimeout(() => vm.kill("SIGKILL"), delayMs);
  });
  await closed;
  clearTimeout(limit);
  const lines = out.split("\n");
  assert.ok(lines.filter((line) => line.startsWith("synced ")).length >= syncs, `the guest did not get to ${syncs} syncs:\n${out}`);
  return lines;
}

test("QEMU killed during synced writes: no cross-linked or out-of-range chain, and every file the guest synced reads back whole", { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "toro-fs-crash-"));
  try {
    const { image } = await build(service("fs-crash"), join(dir, "fs-crash.elf"));
    for (const { syncs, delayMs } of KILLS) {
      const disk = join(dir, `disk-${syncs}.img`);
      writeFileSync(disk, makeImage(16));
      const lines = await bootAndKill(image, disk, syncs, delayMs);
      const files = lines.flatMap((line) => /^synced (file-\d+\.bin)$/.exec(line)?.[1] ?? []);
      const logSteps = lines.filter((line) => /^synced log \d+$/.test(line)).length;
      const expected = new Map(files.map((name) => [name, crashFileBytes(Number(/\d+/.exec(name)![0]))]));
      const log = Array.from({ length: logSteps }, (_, i) => crashLogLine(i)).join("");

      const checked = await fsck(disk);
      assert.deepEqual(checked.forbidden, [], `killed after ${syncs} syncs: ${checked.output}`);

      // mtools reads every synced file whole, and the log holds at least the synced lines.
      const copies = join(dir, `copies-${syncs}`);
      execFileSync("mcopy", ["-s", "-n", "-i", disk, "::/crash", copies], { env: { ...process.env, MTOOLS_SKIP_CHECK: "1" }, stdio: "pipe" });
      for (const [name, bytes] of expected) assert.deepEqual(new Uint8Array(readFileSync(join(copies, name))), bytes, `mtools: ${name} after ${syncs} syncs`);
      assert.ok(readFileSync(join(copies, "log.txt"), "latin1").startsWith(log), `mtools: the log after ${syncs} syncs`);

      // Our mount repairs what the kill left and reads the same.
      const bytes = new Uint8Array(readFileSync(disk));
      const device = new OverlayDisk(bytes);
      const volume = await mountFat(device, { now: () => Date.now() });
      const read = async (name: string) => {
        const file = await volume.open(["crash", name], READ);
        const { size } = await file.stat();
        const into = new Uint8Array(size);
        let at = 0;
        while (at < size) at += await file.read(at, into.subarray(at));
        await file.close();
        return into;
      };
      for (const [name, content] of expected) assert.deepEqual(await read(name), content, `our mount: ${name} after ${syncs} syncs`);
      assert.ok(new TextDecoder("latin1").decode(await read("log.txt")).startsWith(log), `our mount: the log after ${syncs} syncs`);
      await volume.unmount();
      for (const [sector, data] of device.changes) bytes.set(data, sector * 512);
      writeFileSync(disk, bytes);
      const repaired = await fsck(disk);
      assert.deepEqual([repaired.exitCode, repaired.findings], [0, []], `after our mount (repairs: ${volume.repairs.join("; ")})`);
      t.diagnostic(`killed ${delayMs} ms after ${syncs} syncs: ${expected.size} synced files and ${logSteps} log lines read back; fsck.fat before repair: ${checked.findings.join(" | ") || "nothing"}; our mount's repairs: ${volume.repairs.join("; ") || "none"}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
