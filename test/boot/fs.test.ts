import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../cli/build.ts";
import { outcomeOfQemuStatus } from "../../cli/exit-codes.ts";
import { encodeMount } from "../../kernel/fs/mount-parameter.ts";
import { bootDirect, service, toro } from "./helpers.ts";

/** Boot an image with this kernel command line: its console and exit code. */
async function boot(image: string, cmdline: string) {
  const vm = bootDirect({ image, cmdline });
  let out = "";
  vm.stdout.setEncoding("utf8");
  vm.stdout.on("data", (d) => (out += d));
  const status = await new Promise<number | null>((resolve) => vm.on("close", resolve));
  return { out, outcome: outcomeOfQemuStatus(status) };
}

test("node:fs/promises, fs/promises, toro/fs and fs's promises are one module; a mount that fails gives EIO saying why, once on the console", async () => {
  const { image } = await build(service("fs-modules"), join(mkdtempSync(join(tmpdir(), "toro-fs-")), "fs-modules.elf"));
  const { out, outcome } = await boot(image, encodeMount({ source: "disk7", path: "/data", readOnly: false }));
  assert.deepEqual(outcome, { kind: "exited", code: 0 }, out);
  const why = "disk7 at /data could not be mounted: the VM has no disk7 (it has 0 disks)";
  assert.equal(out, [
    "one module: true",
    'root: ["data"] directory=true',
    `toro: fs: ${why}; calls under /data fail with EIO`,
    `EIO open /data/missing.txt: EIO: i/o error (${why}), open '/data/missing.txt'`,
    "EROFS open /top.txt: EROFS: read-only file system, open '/top.txt'",
    `EIO scandir /data: EIO: i/o error (${why}), scandir '/data'`,
    "",
  ].join("\n"));
});

test("a disk that holds no FAT volume does not end the VM: calls under its mount fail with EIO saying why", async () => {
  const image = join(mkdtempSync(join(tmpdir(), "toro-zeros-")), "zeros.img");
  writeFileSync(image, Buffer.alloc(1 << 20));
  const r = await toro(["run", service("fs-modules"), "--disk", image, "--net", "none", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.split("\n");
  assert.match(lines[2], /^toro: fs: disk0 at \/data could not be mounted: .*not a FAT volume.*; calls under \/data fail with EIO$/);
  assert.match(lines[3], /^EIO open \/data\/missing\.txt: EIO: i\/o error \(disk0 at \/data could not be mounted: .*not a FAT volume.*\), open '\/data\/missing\.txt'$/);
  assert.equal(lines.filter((line) => line.startsWith("toro: fs:")).length, 1);
});

test("an image's assets are mounted read-only at /app: read, listed, stat'd and streamed through node:fs/promises", async () => {
  const assets = mkdtempSync(join(tmpdir(), "toro-assets-"));
  mkdirSync(join(assets, "css"));
  writeFileSync(join(assets, "index.html"), "<h1>hi</h1>");
  writeFileSync(join(assets, "css", "site.css"), "body { margin: 0 }\n");
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
  writeFileSync(join(assets, "big.bin"), big);
  let sum = 0;
  for (const byte of big) sum = (sum + byte) % 65521;
  const r = await toro(["run", service("fs-assets"), "--assets", assets, "--net", "none", "--timeout", "60s"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, [
    'listing: ["big.bin","css","css/site.css","index.html"]',
    "index: <h1>hi</h1>",
    "css: size=19 file=true mode=100444",
    `big: 300000 bytes, sum ${sum}`,
    "EROFS: read-only file system, open '/app/new.txt'",
    'root: ["app"]',
    "",
  ].join("\n"));
});

/** A file of the FAT image as mtools reads it on the host. MTOOLS_SKIP_CHECK: mtools refuses a volume whose FAT marks it dirty. */
function mtoolsRead(image: string, path: string, dirty = false): Buffer | undefined {
  const out = join(mkdtempSync(join(tmpdir(), "toro-mcopy-")), "file");
  const r = spawnSync("mcopy", ["-n", "-i", image, `::${path}`, out], { env: { ...process.env, ...(dirty ? { MTOOLS_SKIP_CHECK: "1" } : {}) } });
  return r.status === 0 ? readFileSync(out) : undefined;
}

const pattern = (size: number) => Buffer.from(Uint8Array.from({ length: size }, (_, i) => (i * 13 + 5) & 0xff));

test("every function of toro/fs on a FAT disk; the files it wrote read back on the host with mtools, and fsck.fat finds the volume clean", async () => {
  const image = join(mkdtempSync(join(tmpdir(), "toro-fsdisk-")), "disk.img");
  const made = await toro(["disk", "create", image, "--size", "64M"]);
  assert.equal(made.code, 0, made.stderr);
  const r = await toro(["run", service("fs-api"), "--disk", `${image},mount=/data`, "--net", "none", "--timeout", "120s", "--", "end"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, [
    "made: /data/keep",
    'readFile: "hello from toro\\nand more\\n"',
    "readFile buffer: 25 bytes",
    'readdir: ["Long File Name.txt","keep"]',
    'recursive: ["big.bin","hello.txt","nested","nested/deep"]',
    "dirents: big.bin:file:/data/keep hello.txt:file:/data/keep nested:dir:/data/keep",
    "stat: size=200000 file=true mode=100644 mtime=true",
    "lstat dir: true",
    "copyFile excl: EEXIST EEXIST: file already exists, copyfile '/data/keep/hello.txt' -> '/data/keep/copy.txt'",
    "access: ENOENT ENOENT: no such file or directory, access '/data/keep/copy.txt'",
    'truncated: "hello"',
    "utimes: 2024-05-06T07:08:10.000Z",
    "realpath: /data/keep/nested",
    "rm dir: ERR_FS_EISDIR Path is a directory: rm returned EISDIR (is a directory) /data/tree",
    "rmdir: ENOTEMPTY ENOTEMPTY: directory not empty, rmdir '/data/keep'",
    "readFile: ENOENT ENOENT: no such file or directory, open '/data/missing'",
    "mkdir: EEXIST EEXIST: file already exists, mkdir '/data/keep'",
    "write: 10",
    "read: 10 012AB56789",
    "handle stat: 12",
    "after close: EBADF file closed",
    'handle readFile: "012AB567\\u0000\\u0000!?"',
    "stream: 200000 bytes, same=true",
    'append: "one\\ntwo\\n"',
    "done",
    "",
  ].join("\n"));
  // The service ended by itself: every mount was synced and unmounted, so the volume is clean.
  const fsck = spawnSync("fsck.fat", ["-n", image], { encoding: "utf8" });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  assert.doesNotMatch(fsck.stdout, /dirty/i);
  assert.equal(mtoolsRead(image, "/keep/hello.txt")?.toString(), "hello from toro\nand more\n");
  assert.equal(mtoolsRead(image, "/Long File Name.txt")?.toString(), "chunks of an iterable");
  assert.ok(mtoolsRead(image, "/keep/big.bin")?.equals(pattern(200_000)), "big.bin as written");
  assert.equal(mtoolsRead(image, "/keep/nested/moved.txt")?.toString(), "hello");
  assert.equal(mtoolsRead(image, "/keep/log.txt")?.toString(), "one\ntwo\n");
  assert.equal(mtoolsRead(image, "/tree"), undefined);
  const listing = execFileSync("mdir", ["-b", "-/", "-i", image, "::/keep"], { encoding: "utf8" });
  assert.match(listing, /keep\/nested\/moved\.txt/);
});

test("exit() right after a write still puts it on the disk, the volume clean (written back synchronously); an uncaught error does not (as a power loss)", async () => {
  const image = join(mkdtempSync(join(tmpdir(), "toro-fsdisk-")), "disk.img");
  assert.equal((await toro(["disk", "create", image, "--size", "16M"])).code, 0);
  const exited = await toro(["run", service("fs-api"), "--disk", `${image},mount=/data`, "--net", "none", "--timeout", "60s", "--", "exit"]);
  assert.equal(exited.code, 0, exited.stdout + exited.stderr);
  // exit() wrote the cache back and marked the volume clean, synchronously.
  assert.equal(mtoolsRead(image, "/exit.txt")?.toString(), "written before exit\n");
  const fsck = spawnSync("fsck.fat", ["-n", image], { encoding: "utf8" });
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
  assert.doesNotMatch(fsck.stdout, /dirty/i);
  const crashed = await toro(["run", service("fs-api"), "--disk", `${image},mount=/data`, "--net", "none", "--timeout", "60s", "--", "crash"]);
  assert.equal(crashed.code, 1, crashed.stdout + crashed.stderr);
  assert.match(crashed.stdout, /Uncaught Error: crash before any sync/);
  assert.equal(mtoolsRead(image, "/crash.txt", true), undefined);
  assert.equal(mtoolsRead(image, "/exit.txt", true)?.toString(), "written before exit\n");
});
