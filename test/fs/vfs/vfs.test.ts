import { test } from "node:test";
import assert from "node:assert/strict";
import { Vfs, type OpenFlags } from "../../../kernel/fs/vfs.ts";
import { NodeFsError } from "../../../kernel/fs/errors.ts";
import { resolvePath } from "../../../kernel/fs/path.ts";
import { MemoryFs } from "../../sim/memory-fs.ts";

const READ: OpenFlags = { read: true, write: false, append: false, create: false, exclusive: false, truncate: false };
const WRITE: OpenFlags = { read: false, write: true, append: false, create: true, exclusive: false, truncate: true };
const APPEND: OpenFlags = { read: false, write: true, append: true, create: true, exclusive: false, truncate: false };
const text = (s: string) => new TextEncoder().encode(s);

/** Rejects with a NodeFsError of this code, syscall and path (and dest). */
async function rejectsWith(promise: Promise<unknown>, code: string, syscall: string, path?: string, dest?: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof NodeFsError, `not a NodeFsError: ${String(error)}`);
    assert.deepEqual([error.code, error.syscall, error.path, error.dest], [code, syscall, path, dest]);
    return true;
  });
}

async function readAll(vfs: Vfs, path: string): Promise<string> {
  const fd = await vfs.open(path, READ);
  const buffer = new Uint8Array(4096);
  const count = await vfs.read(fd, buffer, null);
  await vfs.close(fd);
  return new TextDecoder().decode(buffer.subarray(0, count));
}

async function writeAll(vfs: Vfs, path: string, content: string, flags = WRITE): Promise<void> {
  const fd = await vfs.open(path, flags);
  await vfs.write(fd, text(content), null);
  await vfs.close(fd);
}

test("paths resolve lexically against /: '.', '..', repeated slashes, never above the root", () => {
  assert.deepEqual(resolvePath("/a//b/./c/").names, ["a", "b", "c"]);
  assert.deepEqual(resolvePath("a/b/../c").names, ["a", "c"]);
  assert.deepEqual(resolvePath("../../..").names, []);
  assert.deepEqual(resolvePath("/data/../../etc").names, ["etc"]);
  assert.equal(resolvePath("/a/b/").mustBeDirectory, true);
  assert.equal(resolvePath("/a/b/.").mustBeDirectory, true);
  assert.equal(resolvePath("/a/b").mustBeDirectory, false);
  assert.equal(resolvePath("/").mustBeDirectory, false);
});

test("the longest mount point wins, and nested mounts show in their parent's listing", async () => {
  const vfs = new Vfs(), root = new MemoryFs(), data = new MemoryFs(), deep = new MemoryFs();
  root.seed("data/hidden.txt", "under the mount");
  root.seed("top.txt", "root");
  data.seed("x.txt", "data");
  deep.seed("y.txt", "deep");
  vfs.mount("/", root);
  vfs.mount("/data", data);
  vfs.mount("/data/sub/deep", deep);
  assert.equal(await readAll(vfs, "/top.txt"), "root");
  assert.equal(await readAll(vfs, "/data/x.txt"), "data");
  assert.equal(await readAll(vfs, "data/sub/deep/y.txt"), "deep");
  await rejectsWith(readAll(vfs, "/data/hidden.txt"), "ENOENT", "open", "/data/hidden.txt");
  // /data/sub does not exist on data's file system: the VFS shows it, as the way to /data/sub/deep.
  assert.deepEqual((await vfs.readdir("/data")).map((e) => e.name).sort(), ["sub", "x.txt"]);
  assert.deepEqual(await vfs.readdir("/data/sub"), [{ name: "deep", kind: "directory" }]);
  assert.equal((await vfs.stat("/data/sub")).kind, "directory");
  assert.deepEqual((await vfs.readdir("/")).map((e) => e.name).sort(), ["data", "top.txt"]);
});

test("'..' at a mount's root goes to the parent in the namespace, not above the file system's root", async () => {
  const vfs = new Vfs(), a = new MemoryFs(), b = new MemoryFs();
  a.seed("file", "in a");
  b.seed("file", "in b");
  vfs.mount("/a", a);
  vfs.mount("/b", b);
  assert.equal(await readAll(vfs, "/a/../b/file"), "in b");
  assert.equal(await readAll(vfs, "/a/../../../a/file"), "in a");
  assert.equal(await vfs.realpath("/a/./../b//file"), "/b/file");
});

test("without a root mount, / is a directory of the VFS's own listing the mount points, and takes no writes", async () => {
  const vfs = new Vfs();
  vfs.mount("/data", new MemoryFs());
  vfs.mount("/srv/www", new MemoryFs());
  assert.equal((await vfs.stat("/")).kind, "directory");
  assert.deepEqual((await vfs.readdir("/")).map((e) => e.name).sort(), ["data", "srv"]);
  assert.deepEqual(await vfs.readdir("/srv"), [{ name: "www", kind: "directory" }]);
  await rejectsWith(vfs.stat("/nothing"), "ENOENT", "stat", "/nothing");
  await rejectsWith(vfs.open("/new.txt", WRITE), "EROFS", "open", "/new.txt");
  await rejectsWith(vfs.mkdir("/srv"), "EEXIST", "mkdir", "/srv");
  await rejectsWith(vfs.mkdir("/other"), "EROFS", "mkdir", "/other");
  await rejectsWith(vfs.rmdir("/data"), "EBUSY", "rmdir", "/data");
  await rejectsWith(vfs.rmdir("/srv"), "EBUSY", "rmdir", "/srv");
  await rejectsWith(vfs.open("/", WRITE), "EISDIR", "open", "/");
});

test("rename across mounts is EXDEV; a mount point cannot be renamed", async () => {
  const vfs = new Vfs(), a = new MemoryFs(), b = new MemoryFs();
  a.seed("f", "x");
  vfs.mount("/a", a);
  vfs.mount("/b", b);
  await rejectsWith(vfs.rename("/a/f", "/b/f"), "EXDEV", "rename", "/a/f", "/b/f");
  await rejectsWith(vfs.rename("/a", "/c"), "EBUSY", "rename", "/a", "/c");
  await vfs.rename("/a/f", "/a/g");
  assert.equal(await readAll(vfs, "/a/g"), "x");
  await rejectsWith(vfs.rename("/a/f", "/a/h"), "ENOENT", "rename", "/a/f", "/a/h");
});

test("a read-only mount refuses every write with EROFS, and still reads and looks up first", async () => {
  const vfs = new Vfs(), fs = new MemoryFs();
  fs.seed("f.txt", "hello");
  fs.seed("dir/inner", "i");
  vfs.mount("/ro", fs, { readOnly: true });
  assert.equal(await readAll(vfs, "/ro/f.txt"), "hello");
  await rejectsWith(vfs.open("/ro/f.txt", WRITE), "EROFS", "open", "/ro/f.txt");
  await rejectsWith(vfs.open("/ro/new", WRITE), "EROFS", "open", "/ro/new");
  await rejectsWith(vfs.open("/ro/missing", READ), "ENOENT", "open", "/ro/missing");
  await rejectsWith(vfs.mkdir("/ro/d"), "EROFS", "mkdir", "/ro/d");
  await rejectsWith(vfs.mkdir("/ro/dir"), "EEXIST", "mkdir", "/ro/dir");
  await rejectsWith(vfs.unlink("/ro/f.txt"), "EROFS", "unlink", "/ro/f.txt");
  await rejectsWith(vfs.unlink("/ro/nope"), "ENOENT", "unlink", "/ro/nope");
  await rejectsWith(vfs.rmdir("/ro/dir"), "EROFS", "rmdir", "/ro/dir");
  await rejectsWith(vfs.rename("/ro/f.txt", "/ro/g"), "EROFS", "rename", "/ro/f.txt", "/ro/g");
  await rejectsWith(vfs.utimes("/ro/f.txt", 0, 0), "EROFS", "utime", "/ro/f.txt");
  await rejectsWith(vfs.access("/ro/f.txt", 2), "EROFS", "access", "/ro/f.txt");
  assert.equal((await vfs.stat("/ro/f.txt")).readOnly, true);
  assert.deepEqual(fs.calls, ["open f.txt"]);
});

test("each fd has its own position; explicit positions leave it; append mode writes at the end", async () => {
  const vfs = new Vfs(), fs = new MemoryFs();
  vfs.mount("/", fs);
  await writeAll(vfs, "/f", "0123456789");
  const a = await vfs.open("/f", READ), b = await vfs.open("/f", READ);
  assert.notEqual(a, b);
  const buf = new Uint8Array(3);
  await vfs.read(a, buf, null);
  assert.equal(new TextDecoder().decode(buf), "012");
  await vfs.read(a, buf, 7);
  assert.equal(new TextDecoder().decode(buf), "789");
  await vfs.read(a, buf, null);
  assert.equal(new TextDecoder().decode(buf), "345");
  await vfs.read(b, buf, null);
  assert.equal(new TextDecoder().decode(buf), "012");
  await vfs.close(a);
  await vfs.close(b);
  const w = await vfs.open("/f", APPEND);
  await vfs.write(w, text("AB"), 0);
  await vfs.write(w, text("CD"), null);
  await vfs.close(w);
  assert.equal(await readAll(vfs, "/f"), "0123456789ABCD");
  // Writes without a position go on where the last ended, even issued at once.
  const fd = await vfs.open("/g", WRITE);
  await Promise.all(["a", "b", "c"].map((s) => vfs.write(fd, text(s), null)));
  await vfs.close(fd);
  assert.equal(await readAll(vfs, "/g"), "abc");
});

test("after close an fd is EBADF with Node's syscall names and no path; fds are reused lowest first", async () => {
  const vfs = new Vfs();
  vfs.mount("/", new MemoryFs());
  const fd = await vfs.open("/f", WRITE);
  assert.equal(fd, 3);
  await vfs.close(fd);
  await rejectsWith(vfs.read(fd, new Uint8Array(1), null), "EBADF", "read");
  await rejectsWith(vfs.write(fd, text("x"), null), "EBADF", "write");
  await rejectsWith(vfs.fstat(fd), "EBADF", "fstat");
  await rejectsWith(vfs.close(fd), "EBADF", "close");
  const read = await vfs.open("/f", READ);
  assert.equal(read, 3);
  await rejectsWith(vfs.write(read, text("x"), null), "EBADF", "write");
  const dir = await vfs.open("/", READ);
  await rejectsWith(vfs.read(dir, new Uint8Array(1), null), "EISDIR", "read");
  assert.equal((await vfs.fstat(dir)).kind, "directory");
});

test("the POSIX answers: ENOTDIR, EISDIR, ENOTEMPTY, EEXIST, EINVAL, a trailing slash on a file", async () => {
  const vfs = new Vfs();
  vfs.mount("/", new MemoryFs());
  await writeAll(vfs, "/file", "x");
  await vfs.mkdir("/dir");
  await writeAll(vfs, "/dir/inner", "y");
  await rejectsWith(vfs.stat("/file/"), "ENOTDIR", "stat", "/file/");
  await rejectsWith(vfs.stat("/file/x"), "ENOTDIR", "stat", "/file/x");
  await rejectsWith(vfs.readdir("/file"), "ENOTDIR", "scandir", "/file");
  await rejectsWith(vfs.open("/dir", WRITE), "EISDIR", "open", "/dir");
  await rejectsWith(vfs.unlink("/dir"), "EISDIR", "unlink", "/dir");
  await rejectsWith(vfs.rmdir("/dir"), "ENOTEMPTY", "rmdir", "/dir");
  await rejectsWith(vfs.rmdir("/file"), "ENOTDIR", "rmdir", "/file");
  await rejectsWith(vfs.mkdir("/file"), "EEXIST", "mkdir", "/file");
  await rejectsWith(vfs.mkdir("/missing/d"), "ENOENT", "mkdir", "/missing/d");
  await rejectsWith(vfs.rename("/dir", "/dir/sub"), "EINVAL", "rename", "/dir", "/dir/sub");
  await rejectsWith(vfs.open("/file", { ...WRITE, exclusive: true }), "EEXIST", "open", "/file");
  await vfs.rename("/file", "/file");
  assert.equal(await readAll(vfs, "/file"), "x");
});

test("a file system's unexpected failure is EIO with what went wrong; Node's other messages carry no detail", async () => {
  const vfs = new Vfs(), fs = new MemoryFs();
  fs.stat = async () => {
    throw new Error("sector 7: the device reported an error");
  };
  vfs.mount("/bad", fs);
  await assert.rejects(vfs.stat("/bad/x"), {
    code: "EIO", syscall: "stat", path: "/bad/x",
    message: "EIO: i/o error (sector 7: the device reported an error), stat '/bad/x'",
  });
  const good = new Vfs();
  good.mount("/", new MemoryFs());
  await assert.rejects(good.stat("/nope"), { message: "ENOENT: no such file or directory, stat '/nope'", errno: -2 });
});

test("unmount closes the mount's fds, syncs and unmounts; syncAll and syncBeforeExit reach every mount", async () => {
  const vfs = new Vfs(), a = new MemoryFs(), b = new MemoryFs();
  vfs.mount("/a", a);
  vfs.mount("/b", b);
  await vfs.syncAll();
  vfs.syncBeforeExit((line) => assert.fail(line));
  assert.deepEqual([a.syncs, b.syncs, a.exitSyncs, b.exitSyncs], [1, 1, 1, 1]);
  const fd = await vfs.open("/a/f", WRITE);
  await vfs.unmount("/a");
  assert.equal(a.isUnmounted, true);
  await rejectsWith(vfs.write(fd, text("x"), null), "EBADF", "write");
  await rejectsWith(vfs.stat("/a/f"), "ENOENT", "stat", "/a/f");
  assert.deepEqual(vfs.mounted().map((m) => m.path), ["/b"]);
  assert.throws(() => vfs.mount("/b", new MemoryFs()), { code: "EBUSY" });
});
