/**
 * The assets archive: written by cli/assets.ts from a host directory, read by
 * kernel/fs/assets/archive.ts, served by the read-only AssetsFileSystem; and
 * bad archives refused with a clear error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAssetsArchive, packageAssets } from "../../../cli/assets.ts";
import { CliError } from "../../../cli/errors.ts";
import { ASSETS_ALIGN, ASSETS_HEADER_BYTES, parseAssetsArchive } from "../../../kernel/fs/assets/archive.ts";
import { AssetsFileSystem } from "../../../kernel/fs/assets/assets-file-system.ts";
import { FsError } from "../../../kernel/fs/errors.ts";
import type { OpenOptions } from "../../../kernel/fs/file-system.ts";

const READ: OpenOptions = { write: false, create: false, exclusive: false, truncate: false };

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "toro-assets-test-"));
}

/** A site: nested directories, an empty file and an empty directory, a binary file past one read chunk, a name outside ASCII. */
function makeSite(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ["index.html", Buffer.from("<h1>hello</h1>\n")],
    ["css/site.css", Buffer.from("body { color: red }\n")],
    ["img/logo.bin", randomBytes(3 * 1024 * 1024 + 5)],
    ["img/deep/empty.txt", Buffer.alloc(0)],
    ["héllo wörld.txt", Buffer.from("é\n")],
  ]);
  for (const [path, bytes] of files) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  mkdirSync(join(root, "empty-dir"));
  utimesSync(join(root, "index.html"), 1_700_000_000, 1_700_000_000.5);
  return files;
}

function archiveOf(dir: string): { archive: Uint8Array; summary: ReturnType<typeof writeAssetsArchive> } {
  const file = join(dir, "..", `${Date.now()}-${Math.random()}.assets`);
  const summary = writeAssetsArchive(dir, file);
  const archive = new Uint8Array(readFileSync(file));
  rmSync(file);
  return { archive, summary };
}

test("round trip: every file and directory comes back, bytes, kinds and times, each file aligned in the archive", () => {
  const root = scratch();
  try {
    const site = join(root, "site");
    mkdirSync(site);
    const files = makeSite(site);
    const { archive, summary } = archiveOf(site);
    assert.equal(summary.bytes, archive.byteLength);
    assert.equal(summary.files, files.size);
    assert.equal(summary.directories, 4); // css, empty-dir, img, img/deep
    const entries = parseAssetsArchive(archive);
    const read = new Map(entries.filter((e) => e.kind === "file").map((e) => [e.path.join("/"), e]));
    assert.deepEqual([...read.keys()].sort(), [...files.keys()].sort());
    for (const [path, bytes] of files) {
      const entry = read.get(path)!;
      assert.deepEqual(Buffer.from(entry.bytes), bytes, path);
      // A view of the archive, not a copy, starting aligned.
      assert.equal(entry.bytes.buffer, archive.buffer);
      assert.equal(entry.bytes.byteOffset % ASSETS_ALIGN, 0);
    }
    assert.deepEqual(entries.filter((e) => e.kind === "directory").map((e) => e.path.join("/")).sort(), ["css", "empty-dir", "img", "img/deep"].sort());
    assert.equal(read.get("index.html")!.mtimeMs, statSync(join(site, "index.html")).mtimeMs);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("an empty directory makes an archive with no entries", () => {
  const root = scratch();
  try {
    const { archive } = archiveOf(root);
    assert.deepEqual(parseAssetsArchive(archive), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the writer refuses a symlink and a missing directory, naming the path", () => {
  const root = scratch();
  try {
    writeFileSync(join(root, "a"), "a");
    symlinkSync("a", join(root, "link"));
    assert.throws(() => writeAssetsArchive(root, join(tmpdir(), "never.assets")), (e: unknown) => e instanceof CliError && /link is a symbolic link/.test(e.message));
    assert.throws(() => writeAssetsArchive(join(root, "nope"), join(tmpdir(), "never.assets")), /--assets .*nope: no such directory/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('package.json\'s "assets" is relative to the package; a bad value is a clear error', () => {
  const root = scratch();
  try {
    assert.equal(packageAssets(root), undefined);
    writeFileSync(join(root, "package.json"), JSON.stringify({ assets: "public" }));
    assert.equal(packageAssets(root), join(root, "public"));
    writeFileSync(join(root, "package.json"), JSON.stringify({ assets: 3 }));
    assert.throws(() => packageAssets(root), /"assets" must name a directory/);
    writeFileSync(join(root, "package.json"), "{");
    assert.throws(() => packageAssets(root), /not valid JSON/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FsError, `an FsError, not ${error}`);
    return error.code;
  }
  return "resolved";
}

test("the file system: stat, readdir, open and read at any position, EROFS for every write, EBADF after close, EIO after unmount", async () => {
  const root = scratch();
  try {
    const files = makeSite(root);
    const { archive } = archiveOf(root);
    const fs = new AssetsFileSystem(parseAssetsArchive(archive));
    assert.equal(fs.type, "assets");
    assert.equal(fs.readOnly, true);

    const rootStat = await fs.stat([]);
    assert.equal(rootStat.kind, "directory");
    assert.equal(rootStat.ino, 1);
    const index = await fs.stat(["index.html"]);
    assert.deepEqual({ kind: index.kind, size: index.size, readOnly: index.readOnly }, { kind: "file", size: files.get("index.html")!.length, readOnly: true });
    assert.equal(index.mtimeMs, statSync(join(root, "index.html")).mtimeMs);
    assert.equal((await fs.stat(["img", "deep"])).kind, "directory");
    const inos = await Promise.all(["index.html", "css", "css/site.css", "img/logo.bin"].map(async (p) => (await fs.stat(p.split("/"))).ino));
    assert.equal(new Set([1, ...inos]).size, 5, "inode numbers are unique");
    assert.equal(await code(fs.stat(["missing"])), "ENOENT");
    assert.equal(await code(fs.stat(["index.html", "x"])), "ENOTDIR");

    assert.deepEqual(await fs.readdir([]), [
      { name: "css", kind: "directory" }, { name: "empty-dir", kind: "directory" }, { name: "héllo wörld.txt", kind: "file" },
      { name: "img", kind: "directory" }, { name: "index.html", kind: "file" },
    ]);
    assert.deepEqual(await fs.readdir(["empty-dir"]), []);
    assert.equal(await code(fs.readdir(["index.html"])), "ENOTDIR");
    assert.equal(await code(fs.readdir(["nope"])), "ENOENT");

    const logo = files.get("img/logo.bin")!;
    const file = await fs.open(["img", "logo.bin"], READ);
    assert.equal((await file.stat()).size, logo.length);
    const chunk = new Uint8Array(1000);
    assert.equal(await file.read(0, chunk), 1000);
    assert.deepEqual(Buffer.from(chunk), logo.subarray(0, 1000));
    assert.equal(await file.read(logo.length - 10, chunk), 10, "a read at the end gets what is left");
    assert.deepEqual(Buffer.from(chunk.subarray(0, 10)), logo.subarray(logo.length - 10));
    assert.equal(await file.read(logo.length, chunk), 0);
    assert.equal(await file.read(logo.length + 100, chunk), 0);
    assert.equal(await code(file.write(0, new Uint8Array(1))), "EROFS");
    assert.equal(await code(file.truncate(0)), "EROFS");
    await file.sync();
    await file.close();
    assert.equal(await code(file.read(0, chunk)), "EBADF");
    assert.equal(await code(file.close()), "EBADF");

    const empty = await fs.open(["img", "deep", "empty.txt"], READ);
    assert.equal(await empty.read(0, chunk), 0);
    const dir = await fs.open(["css"], READ);
    assert.equal(await code(dir.read(0, chunk)), "EISDIR");

    const write = { ...READ, write: true };
    assert.equal(await code(fs.open(["index.html"], write)), "EROFS");
    assert.equal(await code(fs.open(["index.html"], { ...READ, truncate: true })), "EROFS");
    assert.equal(await code(fs.open(["new.txt"], { ...write, create: true })), "EROFS");
    assert.equal(await code(fs.open(["index.html"], { ...write, create: true, exclusive: true })), "EEXIST");
    assert.equal(await code(fs.open(["css"], write)), "EISDIR");
    assert.equal(await code(fs.open(["nope"], READ)), "ENOENT");
    assert.equal(await code(fs.open(["nope", "x"], { ...write, create: true })), "EROFS");
    assert.equal(await code(fs.mkdir(["new"])), "EROFS");
    assert.equal(await code(fs.rmdir(["empty-dir"])), "EROFS");
    assert.equal(await code(fs.unlink(["index.html"])), "EROFS");
    assert.equal(await code(fs.rename(["index.html"], ["other.html"])), "EROFS");
    assert.equal(await code(fs.utimes(["index.html"], 0, 0)), "EROFS");

    const total = [...files.values()].reduce((n, b) => n + b.length, 0);
    assert.deepEqual(await fs.statfs(), { blockSize: 4096, blocks: Math.ceil(total / 4096), freeBlocks: 0 });
    await fs.sync();
    await fs.unmount();
    assert.equal(await code(fs.stat([])), "EIO");
    assert.equal(await code(fs.readdir([])), "EIO");
    assert.equal(await code(empty.read(0, chunk)), "EIO");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** An archive with this index (and `data` bytes of data), for the refusals. */
function craft(index: unknown, data = 0, patch?: (bytes: Uint8Array) => void): Uint8Array {
  const json = Buffer.from(typeof index === "string" ? index : JSON.stringify(index));
  const start = Math.ceil((ASSETS_HEADER_BYTES + json.length) / ASSETS_ALIGN) * ASSETS_ALIGN;
  const bytes = new Uint8Array(start + data);
  bytes.set(Buffer.from("TOROASET"), 0);
  new DataView(bytes.buffer).setUint32(8, 1, true);
  new DataView(bytes.buffer).setUint32(12, json.length, true);
  bytes.set(json, ASSETS_HEADER_BYTES);
  patch?.(bytes);
  return bytes;
}

test("bad archives are refused with an EIO that says what is wrong", () => {
  const file = (path: string, offset = 0, size = 4) => ({ path, kind: "file", mtimeMs: 0, offset, size });
  const good = craft({ dataBytes: 16, entries: [{ path: "d", kind: "directory", mtimeMs: 0 }, file("d/a")] }, 16);
  assert.equal(parseAssetsArchive(good).length, 2, "the control case parses");
  const cases: [string, Uint8Array, RegExp][] = [
    ["too short", new Uint8Array(8), /less than its 16-byte header/],
    ["bad magic", craft({ dataBytes: 0, entries: [] }, 0, (b) => (b[0] = 0x58)), /does not start with TOROASET/],
    ["a later version", craft({ dataBytes: 0, entries: [] }, 0, (b) => (b[8] = 9)), /format version 9/],
    ["index past the end", craft({ dataBytes: 0, entries: [] }, 0, (b) => new DataView(b.buffer).setUint32(12, 1e6, true)), /runs past its end/],
    ["index not JSON", craft("{not json", 0), /not UTF-8 JSON/],
    ["index not UTF-8", craft('{"a":"\u0000"}', 0, (b) => (b[ASSETS_HEADER_BYTES + 6] = 0xff)), /not UTF-8 JSON/],
    ["no entries", craft({ dataBytes: 0 }), /no dataBytes and entries/],
    ["truncated data", good.subarray(0, good.length - 1), /its index says/],
    ["an entry without a path", craft({ dataBytes: 0, entries: [{ kind: "directory", mtimeMs: 0 }] }), /entry 0 has no path/],
    ["a .. in a path", craft({ dataBytes: 16, entries: [file("../etc")] }, 16), /bad path "..\/etc"/],
    ["an empty name", craft({ dataBytes: 16, entries: [file("a//b")] }, 16), /bad path/],
    ["twice", craft({ dataBytes: 16, entries: [file("a"), file("a")] }, 16), /listed twice/],
    ["a file before its directory", craft({ dataBytes: 16, entries: [file("d/a")] }, 16), /comes before its directory/],
    ["a file under a file", craft({ dataBytes: 16, entries: [file("a"), file("a/b")] }, 16), /comes before its directory/],
    ["bytes outside the data", craft({ dataBytes: 16, entries: [file("a", 14, 4)] }, 16), /not within the data/],
    ["a negative size", craft({ dataBytes: 16, entries: [file("a", 0, -1)] }, 16), /not within the data/],
    ["an unknown kind", craft({ dataBytes: 0, entries: [{ path: "a", kind: "symlink", mtimeMs: 0 }] }), /of kind "symlink"/],
    ["no time", craft({ dataBytes: 0, entries: [{ path: "a", kind: "directory" }] }), /has no mtimeMs/],
  ];
  for (const [what, archive, message] of cases) {
    assert.throws(() => parseAssetsArchive(archive), (e: unknown) => {
      assert.ok(e instanceof FsError, what);
      assert.equal(e.code, "EIO", what);
      assert.match(e.message, /the image's assets archive is corrupt: /, what);
      assert.match(e.message, message, what);
      return true;
    });
  }
});
