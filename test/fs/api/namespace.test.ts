/** What toro/fs says where Node has no equivalent to compare with: mounts, read-only volumes, the VFS's own directories. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "../../../kernel/fs/index.ts";
import { useVfs } from "../../../kernel/fs/current-vfs.ts";
import { Vfs } from "../../../kernel/fs/vfs.ts";
import { MemoryFs } from "../../sim/memory-fs.ts";

function mounted() {
  const vfs = new Vfs(), data = new MemoryFs(), app = new MemoryFs();
  app.seed("index.html", "<p>hi</p>");
  app.seed("locked.txt", "fixed", true);
  data.seed("locked.txt", "attribute", true);
  vfs.mount("/data", data);
  vfs.mount("/app", app, { readOnly: true });
  useVfs(vfs);
  return { vfs, data, app };
}

test("/ lists the mount points and is a directory; '..' above a mount's root stays in the namespace", async () => {
  mounted();
  assert.deepEqual((await fs.readdir("/")).sort(), ["app", "data"]);
  const root = await fs.stat("/");
  assert.equal(root.isDirectory(), true);
  assert.equal(root.mode, 0o40755);
  assert.deepEqual((await fs.readdir("/", { withFileTypes: true })).map((d) => [d.name, d.isDirectory(), d.parentPath]).sort(), [["app", true, "/"], ["data", true, "/"]]);
  assert.equal(await fs.readFile("/data/../app/index.html", "utf8"), "<p>hi</p>");
  assert.equal(await fs.readFile("../../app/./index.html", "utf8"), "<p>hi</p>");
  assert.equal(await fs.realpath("/data/../../app"), "/app");
  assert.deepEqual(await fs.readdir("/", { recursive: true }).then((names) => names.sort()), ["app", "app/index.html", "app/locked.txt", "data", "data/locked.txt"]);
});

test("a read-only mount: EROFS for every change, files 0o100444; a read-only file elsewhere: EACCES for writes", async () => {
  mounted();
  await assert.rejects(fs.writeFile("/app/new", "x"), { code: "EROFS", syscall: "open", path: "/app/new", message: "EROFS: read-only file system, open '/app/new'" });
  await assert.rejects(fs.appendFile("/app/index.html", "x"), { code: "EROFS" });
  await assert.rejects(fs.mkdir("/app/dir"), { code: "EROFS", syscall: "mkdir" });
  await assert.rejects(fs.mkdir("/app/a/b", { recursive: true }), { code: "EROFS", syscall: "mkdir", path: "/app/a/b" });
  await assert.rejects(fs.rm("/app/index.html"), { code: "EROFS", syscall: "unlink" });
  await assert.rejects(fs.truncate("/app/index.html"), { code: "EROFS", syscall: "open" });
  await assert.rejects(fs.utimes("/app/index.html", 1, 1), { code: "EROFS", syscall: "utime" });
  await assert.rejects(fs.access("/app/index.html", fs.constants.W_OK), { code: "EROFS", syscall: "access" });
  await fs.access("/app/index.html", fs.constants.R_OK);
  assert.equal((await fs.stat("/app/index.html")).mode, 0o100444);
  assert.equal((await fs.stat("/data/locked.txt")).mode, 0o100444);
  await assert.rejects(fs.writeFile("/data/locked.txt", "x"), { code: "EACCES", syscall: "open", message: "EACCES: permission denied, open '/data/locked.txt'" });
  await assert.rejects(fs.access("/data/locked.txt", fs.constants.W_OK), { code: "EACCES" });
  const handle = await fs.open("/app/index.html");
  assert.equal((await handle.stat()).mode, 0o100444);
  await handle.close();
});

test("rename and copyFile between mounts: EXDEV for rename (as Linux), copyFile copies", async () => {
  mounted();
  await assert.rejects(fs.rename("/app/index.html", "/data/index.html"), {
    code: "EXDEV", syscall: "rename", path: "/app/index.html", dest: "/data/index.html",
    message: "EXDEV: cross-device link not permitted, rename '/app/index.html' -> '/data/index.html'",
  });
  await fs.copyFile("/app/index.html", "/data/index.html");
  assert.equal(await fs.readFile("/data/index.html", "utf8"), "<p>hi</p>");
  assert.notEqual((await fs.stat("/app/index.html")).dev, (await fs.stat("/data/index.html")).dev);
});

test("the VFS's own directories take no writes; mount points are busy", async () => {
  mounted();
  await assert.rejects(fs.writeFile("/top.txt", "x"), { code: "EROFS", path: "/top.txt" });
  await assert.rejects(fs.mkdir("/data"), { code: "EEXIST" });
  assert.equal(await fs.mkdir("/data", { recursive: true }), undefined);
  await assert.rejects(fs.rmdir("/data"), { code: "EBUSY", syscall: "rmdir" });
  await assert.rejects(fs.rename("/data", "/other"), { code: "EBUSY", syscall: "rename" });
  await assert.rejects(fs.stat("/nothing"), { code: "ENOENT", syscall: "stat" });
});

test("await using closes a FileHandle (Symbol.asyncDispose)", async () => {
  const { vfs } = mounted();
  const handle = await fs.open("/app/index.html");
  const fd = handle.fd;
  await (handle as unknown as { [Symbol.asyncDispose](): Promise<void> })[Symbol.asyncDispose]();
  assert.equal(handle.fd, -1);
  await assert.rejects(vfs.fstat(fd), { code: "EBADF" });
});

test("readFile reads past the size stat gave (a file that grew, a file system that reports 0)", async () => {
  const vfs = new Vfs(), fs0 = new MemoryFs();
  const content = Uint8Array.from({ length: 50_000 }, (_, i) => i % 251);
  fs0.seed("grown.bin", content);
  const open = fs0.open.bind(fs0);
  fs0.open = async (path, options) => {
    const file = await open(path, options);
    return { ...file, stat: async () => ({ ...(await file.stat()), size: 10 }) };
  };
  vfs.mount("/", fs0);
  useVfs(vfs);
  assert.deepEqual(new Uint8Array(await fs.readFile("/grown.bin")), content);
  fs0.seed("empty", "");
  assert.equal((await fs.readFile("/empty")).length, 0);
});
