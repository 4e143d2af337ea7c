import { test } from "node:test";
import assert from "node:assert/strict";
import { Vfs } from "../../../kernel/fs/vfs.ts";
import { mountRequests } from "../../../kernel/fs/mount-requests.ts";
import { syncAtExit } from "../../../kernel/fs/exit-sync.ts";
import { ExitHooks } from "../../../kernel/process/exit-hooks.ts";
import { MemoryFs } from "../../sim/memory-fs.ts";

test("each request is mounted from its source's mounter, read-only where it says; one that fails leaves EIO and one console line", async () => {
  const vfs = new Vfs(), lines: string[] = [], disk = new MemoryFs();
  disk.seed("hello.txt", "hi");
  await mountRequests(vfs, [
    { source: "disk0", path: "/data", readOnly: false },
    { source: "disk1", path: "/broken", readOnly: false },
    { source: "assets", path: "/app", readOnly: true },
    { source: "nfs", path: "/net", readOnly: false },
    { source: "assets", path: "/data", readOnly: false },
  ], (source) => {
    if (source === "disk0") return async () => disk;
    if (source === "disk1") return async () => {
      throw new Error("not a FAT volume (no boot signature)");
    };
    if (source === "assets") return async () => new MemoryFs();
    return undefined;
  }, (line) => lines.push(line));
  assert.deepEqual(vfs.mounted().map((m) => [m.path, m.readOnly]).sort(), [["/app", true], ["/broken", false], ["/data", false], ["/net", false]]);
  assert.deepEqual(lines, ["toro: fs: assets not mounted: /data is mounted already\n"]);
  assert.equal((await vfs.stat("/data/hello.txt")).size, 2);
  const detail = "disk1 at /broken could not be mounted: not a FAT volume (no boot signature)";
  await assert.rejects(vfs.stat("/broken/x"), { code: "EIO", message: `EIO: i/o error (${detail}), stat '/broken/x'` });
  await assert.rejects(vfs.readdir("/broken"), { code: "EIO", syscall: "scandir" });
  assert.deepEqual(lines.slice(1), [`toro: fs: ${detail}; calls under /broken fail with EIO\n`]);
  await assert.rejects(vfs.stat("/net"), { code: "EIO", message: /this image has no file system for the source "nfs"/ });
  assert.deepEqual((await vfs.readdir("/")).map((e) => e.name).sort(), ["app", "broken", "data", "net"]);
});

test("at exit every mount writes back synchronously; at the loop's end every mount is synced, then unmounted", async () => {
  const vfs = new Vfs(), hooks = new ExitHooks(), lines: string[] = [];
  const a = new MemoryFs(), b = new MemoryFs();
  vfs.mount("/a", a);
  vfs.mount("/b", b);
  b.syncBeforeExit = () => {
    throw new Error("the disk refused the write");
  };
  syncAtExit(vfs, hooks, (line) => lines.push(line));
  hooks.runExitHooks(() => assert.fail("syncAtExit reports its own errors"));
  assert.equal(a.exitSyncs, 1);
  assert.deepEqual(lines, ["toro: fs: writing back /b at exit failed: the disk refused the write\n"]);
  const [beforeExit] = hooks.takeBeforeExitHooks();
  await beforeExit();
  assert.deepEqual([a.syncs, b.syncs, a.isUnmounted, b.isUnmounted], [1, 1, true, true]);
  assert.deepEqual(vfs.mounted(), []);
});
