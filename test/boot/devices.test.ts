import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { patternByte } from "../services/disk-pattern.ts";
import { service, toro } from "./helpers.ts";

const DISK_BYTES = 1024 * 1024;

for (const machine of ["microvm", "q35"]) {
  test(`${machine}: crypto.getRandomValues gives varying bytes from the entropy device`, async () => {
    const runs = await Promise.all([1, 2].map(() => toro(["run", service("devices-rng"), "--machine", machine, "--timeout", "60s"])));
    const outputs = runs.map((r) => {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      return JSON.parse(r.stdout) as { first: string; second: string; words: number[]; uuid: string };
    });
    for (const o of outputs) {
      assert.match(o.first, /^[0-9a-f]{64}$/);
      assert.notEqual(o.first, o.second);
      assert.notEqual(o.first, "0".repeat(64));
      assert.match(o.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    assert.notEqual(outputs[0].first, outputs[1].first, "two boots must not share their random bytes");
  });

  test(`${machine}: raw frames reach QEMU's user network: ARP and DHCP are answered`, async () => {
    const r = await toro(["run", service("devices-net"), "--machine", machine, "--timeout", "60s"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^net0: mac 52:54:00:12:34:56, mtu 1500, link up$/m);
    assert.match(r.stdout, /^arp reply: 10\.0\.2\.2 is at 52:55:0a:00:02:02$/m);
    assert.match(r.stdout, /^dhcp offer: 10\.0\.2\.15 from 10\.0\.2\.2, router 10\.0\.2\.2$/m);
  });

  test(`${machine}: a disk written by the guest holds the pattern on the host and reads back on a second boot`, async () => {
    const disk = join(mkdtempSync(join(tmpdir(), "toro-disk-")), "disk.img");
    writeFileSync(disk, "");
    truncateSync(disk, DISK_BYTES);
    const write = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", disk, "--timeout", "60s", "--", "write"]);
    assert.equal(write.code, 0, write.stdout + write.stderr);
    assert.match(write.stdout, /disk0: 2048 sectors of 512 bytes, read-write/);
    assert.match(write.stdout, /wrote 2048 sectors/);
    const bytes = readFileSync(disk);
    let differ = 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== patternByte(Math.floor(i / 512), i % 512)) differ++;
    assert.equal(differ, 0, `${differ} bytes differ from the pattern`);

    const verify = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", disk, "--timeout", "60s", "--", "verify"]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /verified 2048 sectors/);

    // The exit path's synchronous writes (a file system's cache written back on exit()) land too.
    truncateSync(disk, 0);
    truncateSync(disk, DISK_BYTES);
    const writeSync = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", disk, "--timeout", "60s", "--", "write-sync"]);
    assert.equal(writeSync.code, 0, writeSync.stdout + writeSync.stderr);
    assert.match(writeSync.stdout, /wrote 2048 sectors synchronously/);
    const verifySync = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", disk, "--timeout", "60s", "--", "verify"]);
    assert.equal(verifySync.code, 0, verifySync.stdout + verifySync.stderr);

    const discard = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", disk, "--timeout", "60s", "--", "discard"]);
    assert.equal(discard.code, 0, discard.stdout + discard.stderr);
    assert.match(discard.stdout, /discarded 64 sectors/);
    const after = readFileSync(disk);
    assert.deepEqual(after.subarray(0, 64 * 512), Buffer.alloc(64 * 512), "discarded sectors read as zeros");
    assert.deepEqual(after.subarray(64 * 512), bytes.subarray(64 * 512), "the rest is untouched");
  });

  test(`${machine}: a read-only disk refuses writes, and reads past the end are refused`, async () => {
    const disk = join(mkdtempSync(join(tmpdir(), "toro-disk-")), "ro.img");
    writeFileSync(disk, Buffer.alloc(64 * 1024, 0xab));
    const r = await toro(["run", service("devices-blk"), "--machine", machine, "--disk", `${disk},ro`, "--timeout", "60s", "--", "write-read-only"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /disk0: 128 sectors of 512 bytes, read-only/);
    assert.match(r.stdout, /refused: disk0 is read-only/);
    assert.match(r.stdout, /refused: disk0: sectors 128\.\.129 are outside the disk \(128 sectors\)/);
    assert.deepEqual(readFileSync(disk), Buffer.alloc(64 * 1024, 0xab));
  });
}

test("a missing disk file is a clear usage error", async () => {
  const r = await toro(["run", service("devices-blk"), "--disk", "/nonexistent/disk.img", "--", "verify"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--disk \/nonexistent\/disk\.img: no such file/);
});
