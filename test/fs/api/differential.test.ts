/**
 * toro/fs against Node's own fs/promises: each scenario runs on a temporary
 * directory with Node and on a VFS with toro/fs (a file system mounted at
 * /data), and must give the same results, the same error codes, syscalls
 * and messages, with the paths mapped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeFs from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as toroFs from "../../../kernel/fs/index.ts";
import { useVfs } from "../../../kernel/fs/current-vfs.ts";
import { Vfs } from "../../../kernel/fs/vfs.ts";
import { mountFat } from "../../../kernel/fs/fat/index.ts";
import type { FileSystem } from "../../../kernel/fs/file-system.ts";
import { MemoryDisk } from "../../sim/memory-disk.ts";
import { MemoryFs } from "../../sim/memory-fs.ts";

type Api = typeof nodeFs;
type Step = (label: string, call: () => Promise<unknown>) => Promise<unknown>;
/** A scenario gets the API, the directory to work in, and `step`, which records a call's result or error. */
type Scenario = (fs: Api, dir: string, step: Step) => Promise<void>;

/** What a result looks like, with the work directory written as DIR. */
function shape(value: unknown, dir: string): unknown {
  const mapped = (text: string) => text.split(dir).join("DIR");
  if (typeof value === "string") return mapped(value);
  // Node's Buffer or the guest's (lib/node/buffer.ts): the same methods either way.
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString("latin1"), buffer: typeof (value as Buffer).readUInt32LE === "function" };
  if (value instanceof Error) {
    const e = value as Error & Record<string, unknown>;
    return {
      error: e.name, code: e.code, syscall: e.syscall, errno: e.errno,
      path: typeof e.path === "string" ? mapped(e.path) : e.path, dest: typeof e.dest === "string" ? mapped(e.dest) : e.dest,
      message: mapped(e.message),
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => shape(item, dir));
    return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown> & { isFile?: () => boolean; isDirectory?: () => boolean };
    if ("mtimeMs" in o && typeof o.isFile === "function") {
      return {
        // A directory's size is the file system's own (4096 on ext4, 0 on FAT): not compared.
        stats: true, isFile: o.isFile(), isDirectory: o.isDirectory!(), size: o.isFile() ? o.size : "-", mode: (o.mode as number).toString(8),
        uid: o.uid, gid: o.gid, blksize: o.blksize, blocks: o.isFile() ? o.blocks : "-",
        dates: [o.atime, o.mtime, o.ctime, o.birthtime].every((d) => d instanceof Date),
        mtimeMatchesDate: Math.abs((o.mtime as Date).getTime() - (o.mtimeMs as number)) < 1,
      };
    }
    if (typeof o.readableWebStream === "function") return "a FileHandle";
    if ("parentPath" in o && typeof o.isFile === "function") {
      return { dirent: o.name, parentPath: mapped(String(o.parentPath)), isFile: o.isFile(), isDirectory: o.isDirectory!(), keys: Object.keys(o).sort() };
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, shape(v, dir)]));
  }
  return value;
}

async function trace(scenario: Scenario, fs: Api, dir: string): Promise<[string, unknown][]> {
  const steps: [string, unknown][] = [];
  const step: Step = async (label, call) => {
    try {
      const result = await call();
      steps.push([label, { ok: shape(result, dir) }]);
      return result;
    } catch (error) {
      steps.push([label, shape(error, dir)]);
      return undefined;
    }
  };
  await scenario(fs, dir, step);
  return steps;
}

/** A fresh FAT volume made by Debian's mkfs.fat, on a disk in memory. */
async function fatVolume(fatBits: 16 | 32): Promise<FileSystem> {
  const dir = mkdtempSync(join(tmpdir(), "toro-fat-"));
  const image = join(dir, "disk.img");
  try {
    execFileSync("mkfs.fat", ["-C", "-F", String(fatBits), image, fatBits === 32 ? "40960" : "16384"], { stdio: "ignore" });
    return await mountFat(new MemoryDisk(new Uint8Array(readFileSync(image))), { writeBackDelayMs: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BACKENDS: Record<string, () => Promise<FileSystem>> = {
  memory: async () => new MemoryFs(),
  fat16: () => fatVolume(16),
  fat32: () => fatVolume(32),
};

async function compare(scenario: Scenario, backend: () => Promise<FileSystem>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "toro-fs-"));
  try {
    const expected = await trace(scenario, nodeFs, dir);
    const vfs = new Vfs();
    vfs.mount("/data", await backend());
    useVfs(vfs);
    const actual = await trace(scenario, toroFs as unknown as Api, "/data");
    // The steps that differ, by label, so a failure says which call.
    const differing = expected.filter(([label, result], i) => actual[i]?.[0] !== label || !isDeepStrictEqual(actual[i][1], result));
    assert.deepEqual(differing.map(([label]) => [label, actual.find((a) => a[0] === label)?.[1]]), differing);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scenarios: Record<string, Scenario> = {
  async "readFile and writeFile: strings, encodings, buffers, typed arrays, DataViews, iterables"(fs, d, step) {
    await step("write string", () => fs.writeFile(`${d}/a.txt`, "héllo wörld"));
    await step("read buffer", () => fs.readFile(`${d}/a.txt`));
    await step("read utf8", () => fs.readFile(`${d}/a.txt`, "utf8"));
    await step("read latin1 object", () => fs.readFile(`${d}/a.txt`, { encoding: "latin1" }));
    await step("read hex", () => fs.readFile(`${d}/a.txt`, { encoding: "hex", flag: "r" }));
    await step("write hex", () => fs.writeFile(`${d}/h`, "68656c6c6f", "hex"));
    await step("read h", () => fs.readFile(`${d}/h`, "utf8"));
    await step("write base64", () => fs.writeFile(`${d}/b`, "aGk=", { encoding: "base64" }));
    await step("read b", () => fs.readFile(`${d}/b`, "utf8"));
    await step("write Uint16Array", () => fs.writeFile(`${d}/u16`, new Uint16Array([0x4142, 0x4344])));
    await step("read u16", () => fs.readFile(`${d}/u16`));
    await step("write DataView", () => fs.writeFile(`${d}/dv`, new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)));
    await step("read dv", () => fs.readFile(`${d}/dv`));
    await step("write array", () => fs.writeFile(`${d}/it`, ["one ", Buffer.from("two "), new Uint8Array([51])]));
    async function* chunks() {
      yield "async ";
      yield Buffer.from("chunks");
    }
    await step("write async iterable", () => fs.writeFile(`${d}/ait`, chunks()));
    await step("read it", () => fs.readFile(`${d}/it`, "utf8"));
    await step("read ait", () => fs.readFile(`${d}/ait`, "utf8"));
    await step("write replaces", () => fs.writeFile(`${d}/a.txt`, "short"));
    await step("read replaced", () => fs.readFile(`${d}/a.txt`, "utf8"));
    await step("write flag wx on existing", () => fs.writeFile(`${d}/a.txt`, "x", { flag: "wx" }));
    await step("write flag a", () => fs.writeFile(`${d}/a.txt`, "+more", { flag: "a" }));
    await step("read appended", () => fs.readFile(`${d}/a.txt`, "utf8"));
    await step("empty file", () => fs.writeFile(`${d}/empty`, ""));
    await step("read empty", () => fs.readFile(`${d}/empty`));
    await step("big file", () => fs.writeFile(`${d}/big`, Buffer.alloc(200_000, "xyz")));
    await step("read big", async () => (await fs.readFile(`${d}/big`)).length);
    await step("read missing", () => fs.readFile(`${d}/nope`));
    await step("read a directory", () => fs.readFile(d));
    await step("read through a file", () => fs.readFile(`${d}/a.txt/x`));
    await step("read with a trailing slash", () => fs.readFile(`${d}/a.txt/`));
    await step("write into a missing directory", () => fs.writeFile(`${d}/no/such`, "x"));
    await step("write a directory", () => fs.writeFile(d, "x"));
    await step("write a number", () => fs.writeFile(`${d}/n`, 42 as never));
    await step("path of a wrong type", () => fs.readFile(42 as never));
    await step("path with NUL", () => fs.readFile(`${d}/a\0b`));
    await step("bad flag", () => fs.readFile(`${d}/a.txt`, { flag: "q" }));
    await step("read via URL", () => fs.readFile(new URL(`file://${d}/a.txt`), "utf8"));
    await step("read via Buffer path", () => fs.readFile(Buffer.from(`${d}/a.txt`), "utf8"));
    await step("aborted signal", () => fs.readFile(`${d}/a.txt`, { signal: AbortSignal.abort() }));
  },

  async "appendFile creates and appends"(fs, d, step) {
    await step("append new", () => fs.appendFile(`${d}/log`, "one\n"));
    await step("append more", () => fs.appendFile(`${d}/log`, Buffer.from("two\n")));
    await step("append with encoding", () => fs.appendFile(`${d}/log`, "7468726565", "hex"));
    await step("read", () => fs.readFile(`${d}/log`, "utf8"));
    await step("append to a directory", () => fs.appendFile(d, "x"));
  },

  async "readdir: names, withFileTypes, recursive, errors"(fs, d, step) {
    await fs.mkdir(`${d}/sub/deeper`, { recursive: true });
    await fs.writeFile(`${d}/f1`, "1");
    await fs.writeFile(`${d}/sub/f2`, "2");
    await fs.writeFile(`${d}/sub/deeper/f3`, "3");
    await step("names", () => fs.readdir(d));
    await step("names with a trailing slash", () => fs.readdir(`${d}/`));
    await step("dirents", () => fs.readdir(d, { withFileTypes: true }));
    await step("recursive", () => fs.readdir(d, { recursive: true }));
    await step("recursive dirents", () => fs.readdir(`${d}/sub`, { recursive: true, withFileTypes: true }));
    await step("encoding string", () => fs.readdir(`${d}/sub`, "utf8"));
    await step("empty", async () => (await fs.readdir(`${d}/sub/deeper`)).length);
    await step("missing", () => fs.readdir(`${d}/nope`));
    await step("a file", () => fs.readdir(`${d}/f1`));
  },

  async "stat and lstat"(fs, d, step) {
    await fs.writeFile(`${d}/f`, "12345");
    await fs.mkdir(`${d}/dir`);
    await step("stat file", () => fs.stat(`${d}/f`));
    await step("stat dir", () => fs.stat(`${d}/dir`));
    await step("lstat file", () => fs.lstat(`${d}/f`));
    await step("stat missing", () => fs.stat(`${d}/nope`));
    await step("lstat missing", () => fs.lstat(`${d}/nope`));
    await step("stat through a file", () => fs.stat(`${d}/f/x`));
    await step("stat dotted", () => fs.stat(`${d}/dir/../f`));
    await step("stat file slash", () => fs.stat(`${d}/f/`));
    await step("isSymbolicLink", async () => (await fs.stat(`${d}/f`)).isSymbolicLink());
  },

  async "mkdir: plain and recursive, the first directory made"(fs, d, step) {
    await step("mkdir", () => fs.mkdir(`${d}/a`));
    await step("mkdir again", () => fs.mkdir(`${d}/a`));
    await step("mkdir missing parent", () => fs.mkdir(`${d}/x/y`));
    await step("recursive", () => fs.mkdir(`${d}/a/b/c`, { recursive: true }));
    await step("recursive existing", () => fs.mkdir(`${d}/a/b`, { recursive: true }));
    await fs.writeFile(`${d}/file`, "");
    await step("recursive on a file", () => fs.mkdir(`${d}/file`, { recursive: true }));
    await step("recursive under a file", () => fs.mkdir(`${d}/file/x/y`, { recursive: true }));
    await step("plain on a file", () => fs.mkdir(`${d}/file`));
    await step("mode ignored", () => fs.mkdir(`${d}/m`, 0o700));
    await step("listing", () => fs.readdir(d, { recursive: true }));
  },

  async "rm, rmdir and unlink"(fs, d, step) {
    await fs.mkdir(`${d}/tree/a/b`, { recursive: true });
    await fs.writeFile(`${d}/tree/a/f`, "x");
    await fs.writeFile(`${d}/tree/a/b/g`, "y");
    await fs.writeFile(`${d}/file`, "z");
    await step("rm a directory without recursive", () => fs.rm(`${d}/tree`));
    await step("rm missing", () => fs.rm(`${d}/nope`));
    await step("rm missing forced", () => fs.rm(`${d}/nope`, { force: true }));
    await step("rm file", () => fs.rm(`${d}/file`));
    await step("file gone", () => fs.stat(`${d}/file`));
    await step("rmdir not empty", () => fs.rmdir(`${d}/tree`));
    await step("rmdir a file", async () => {
      await fs.writeFile(`${d}/f2`, "");
      return fs.rmdir(`${d}/f2`);
    });
    await step("unlink a directory", () => fs.unlink(`${d}/tree`));
    await step("unlink missing", () => fs.unlink(`${d}/nope`));
    await step("unlink file", () => fs.unlink(`${d}/f2`));
    await step("rm recursive", () => fs.rm(`${d}/tree`, { recursive: true }));
    await step("rmdir missing", () => fs.rmdir(`${d}/tree`));
    await step("rmdir empty", async () => {
      await fs.mkdir(`${d}/empty`);
      return fs.rmdir(`${d}/empty`);
    });
    await step("left", () => fs.readdir(d));
  },

  async "rename: files, directories, replacing, errors"(fs, d, step) {
    await fs.writeFile(`${d}/a`, "A");
    await fs.writeFile(`${d}/b`, "B");
    await fs.mkdir(`${d}/dir/inner`, { recursive: true });
    await fs.mkdir(`${d}/emptydir`);
    await step("rename", () => fs.rename(`${d}/a`, `${d}/c`));
    await step("old gone", () => fs.readFile(`${d}/a`));
    await step("replace a file", () => fs.rename(`${d}/c`, `${d}/b`));
    await step("b is A", () => fs.readFile(`${d}/b`, "utf8"));
    await step("into a directory", () => fs.rename(`${d}/b`, `${d}/dir/inner/b`));
    await step("missing source", () => fs.rename(`${d}/nope`, `${d}/x`));
    await step("missing target parent", () => fs.rename(`${d}/dir/inner/b`, `${d}/no/b`));
    await step("directory over a non-empty one", () => fs.rename(`${d}/emptydir`, `${d}/dir`));
    await step("file over a directory", () => fs.rename(`${d}/dir/inner/b`, `${d}/emptydir`));
    await fs.writeFile(`${d}/file`, "");
    await step("directory over a file", () => fs.rename(`${d}/emptydir`, `${d}/file`));
    await step("directory into itself", () => fs.rename(`${d}/dir`, `${d}/dir/inner/x`));
    await step("directory over an empty one", () => fs.rename(`${d}/dir/inner`, `${d}/emptydir`));
    await step("directory moved", () => fs.readdir(`${d}/emptydir`));
    await step("to itself", () => fs.rename(`${d}/file`, `${d}/file`));
    await step("listing", () => fs.readdir(d, { recursive: true }));
  },

  async "copyFile, with COPYFILE_EXCL"(fs, d, step) {
    await fs.writeFile(`${d}/src`, "copy me");
    await fs.mkdir(`${d}/dir`);
    await step("copy", () => fs.copyFile(`${d}/src`, `${d}/dst`));
    await step("read copy", () => fs.readFile(`${d}/dst`, "utf8"));
    await step("copy over", async () => {
      await fs.writeFile(`${d}/src`, "changed");
      return fs.copyFile(`${d}/src`, `${d}/dst`);
    });
    await step("read over", () => fs.readFile(`${d}/dst`, "utf8"));
    await step("exclusive on existing", () => fs.copyFile(`${d}/src`, `${d}/dst`, fs.constants.COPYFILE_EXCL));
    await step("exclusive new", () => fs.copyFile(`${d}/src`, `${d}/new`, fs.constants.COPYFILE_EXCL));
    await step("missing source", () => fs.copyFile(`${d}/nope`, `${d}/x`));
    await step("a directory", () => fs.copyFile(`${d}/dir`, `${d}/x`));
    await step("onto itself", () => fs.copyFile(`${d}/src`, `${d}/src`));
    await step("still there", () => fs.readFile(`${d}/src`, "utf8"));
    await step("large", async () => {
      await fs.writeFile(`${d}/large`, Buffer.alloc(300_000, "ab"));
      await fs.copyFile(`${d}/large`, `${d}/large2`);
      return Buffer.from(await fs.readFile(`${d}/large2`)).equals(Buffer.alloc(300_000, "ab"));
    });
  },

  async "access, truncate, utimes, realpath"(fs, d, step) {
    await fs.writeFile(`${d}/f`, "0123456789");
    await fs.mkdir(`${d}/dir`);
    await step("access", () => fs.access(`${d}/f`));
    await step("access R_OK|W_OK", () => fs.access(`${d}/f`, fs.constants.R_OK | fs.constants.W_OK));
    await step("access X_OK file", () => fs.access(`${d}/f`, fs.constants.X_OK));
    await step("access X_OK dir", () => fs.access(`${d}/dir`, fs.constants.X_OK));
    await step("access missing", () => fs.access(`${d}/nope`));
    await step("truncate", () => fs.truncate(`${d}/f`, 4));
    await step("truncated", () => fs.readFile(`${d}/f`, "utf8"));
    await step("extend", () => fs.truncate(`${d}/f`, 6));
    await step("extended", () => fs.readFile(`${d}/f`));
    await step("truncate to 0", () => fs.truncate(`${d}/f`));
    await step("size 0", async () => (await fs.stat(`${d}/f`)).size);
    await step("truncate missing", () => fs.truncate(`${d}/nope`));
    await step("truncate a directory", () => fs.truncate(`${d}/dir`));
    // Times FAT holds exactly: after 1980, even seconds, access times on a day's start.
    await step("utimes numbers", () => fs.utimes(`${d}/f`, 1614816000, 1614834368));
    await step("times", async () => {
      const s = await fs.stat(`${d}/f`);
      return [s.atimeMs, s.mtimeMs, s.mtime.toISOString()];
    });
    await step("utimes dates", () => fs.utimes(`${d}/f`, new Date("2020-01-02T00:00:00Z"), new Date("2021-01-02T03:04:06Z")));
    await step("times2", async () => (await fs.stat(`${d}/f`)).mtime.toISOString());
    await step("utimes missing", () => fs.utimes(`${d}/nope`, 1, 1));
    await step("realpath", () => fs.realpath(`${d}/dir/../f`));
    await step("realpath dir slash", () => fs.realpath(`${d}/dir/`));
    await step("realpath missing", () => fs.realpath(`${d}/nope`));
  },

  async "open flags and FileHandle read/write in both forms"(fs, d, step) {
    await fs.writeFile(`${d}/f`, "hello world");
    const h = (await step("open r", () => fs.open(`${d}/f`))) as nodeFs.FileHandle;
    await step("fd is a number", async () => typeof h.fd === "number" && h.fd >= 0);
    await step("read()", async () => {
      const r = await h.read();
      return [r.bytesRead, r.buffer.length, r.buffer.subarray(0, r.bytesRead)];
    });
    await step("read at end", async () => (await h.read(Buffer.alloc(4), 0, 4, null)).bytesRead);
    await step("read positional", () => h.read(Buffer.alloc(5), 0, 5, 6));
    await step("read offset", () => h.read(Buffer.alloc(8, "-"), 2, 3, 0));
    await step("read options object", () => h.read({ buffer: Buffer.alloc(3), position: 1 }));
    await step("read buffer + options", () => h.read(Buffer.alloc(4), { position: 2, length: 2 }));
    await step("read into Uint8Array", async () => {
      const r = await h.read(new Uint8Array(3), 0, 3, 0);
      return [r.bytesRead, Array.from(r.buffer)];
    });
    await step("read out of range", () => h.read(Buffer.alloc(2), 0, 5, 0));
    await step("write on r", () => h.write("x"));
    await step("truncate on r", () => h.truncate(1));
    await step("readFile on r (from position)", async () => {
      const g = await fs.open(`${d}/f`, "r");
      await g.read(Buffer.alloc(6), 0, 6, null);
      const rest = await g.readFile("utf8");
      await g.close();
      return rest;
    });
    await step("stat", () => h.stat());
    await step("close", () => h.close());
    await step("fd after close", async () => h.fd);
    await step("read after close", () => h.read(Buffer.alloc(1), 0, 1, 0));
    await step("stat after close", () => h.stat());
    await step("readFile after close", () => h.readFile());
    await step("close again", () => h.close());

    const w = (await step("open w+", () => fs.open(`${d}/f`, "w+"))) as nodeFs.FileHandle;
    await step("truncated by w+", async () => (await w.stat()).size);
    await step("write string", () => w.write("abcdef"));
    await step("write string at position", () => w.write("XY", 1));
    await step("write string encoding", () => w.write("7a7a", null, "hex"));
    await step("write buffer", () => w.write(Buffer.from("123456"), 1, 3));
    await step("write buffer at position", () => w.write(Buffer.from("Q"), 0, 1, 0));
    await step("write buffer options", () => w.write(Buffer.from("++"), { position: 20 } as never));
    await step("read it back", () => w.read(Buffer.alloc(32), 0, 32, 0));
    await step("truncate", () => w.truncate(3));
    await step("writeFile on handle", () => w.writeFile("tail"));
    await step("sync", () => w.sync());
    await step("datasync", () => w.datasync());
    await step("utimes on handle", () => w.utimes(1614816000, 1614834370));
    await step("handle stat", async () => (await w.stat()).mtimeMs);
    await step("close w", () => w.close());
    await step("content", () => fs.readFile(`${d}/f`));

    await step("open wx existing", () => fs.open(`${d}/f`, "wx"));
    await step("open ax existing", () => fs.open(`${d}/f`, "ax"));
    await step("open r missing", () => fs.open(`${d}/nope`));
    await step("open r+ missing", () => fs.open(`${d}/nope`, "r+"));
    await step("open w dir", () => fs.open(d, "w"));
    await step("open bad flag", () => fs.open(`${d}/f`, "rw"));
    const a = (await step("open a", () => fs.open(`${d}/log`, "a"))) as nodeFs.FileHandle;
    await step("append 1", () => a.write("first,"));
    await step("append at position is at the end", () => a.write("second", 0));
    await step("appendFile on handle", () => a.appendFile("!"));
    await a.close();
    await step("log", () => fs.readFile(`${d}/log`, "utf8"));
    const ap = (await step("open a+", () => fs.open(`${d}/log`, "a+"))) as nodeFs.FileHandle;
    await step("a+ reads from the start", () => ap.read(Buffer.alloc(5), 0, 5, null));
    await step("a+ writes at the end", () => ap.write("#"));
    await ap.close();
    await step("log2", () => fs.readFile(`${d}/log`, "utf8"));
    const { O_WRONLY, O_CREAT, O_EXCL, O_RDWR, O_TRUNC, O_APPEND } = fs.constants;
    const n = (await step("numeric create", () => fs.open(`${d}/num`, O_WRONLY | O_CREAT | O_EXCL))) as nodeFs.FileHandle;
    await step("numeric write", () => n.write("num"));
    await n.close();
    await step("numeric excl again", () => fs.open(`${d}/num`, O_WRONLY | O_CREAT | O_EXCL));
    const rw = (await step("numeric rdwr trunc", () => fs.open(`${d}/num`, O_RDWR | O_TRUNC))) as nodeFs.FileHandle;
    await step("numeric empty", async () => (await rw.stat()).size);
    await rw.close();
    const na = (await step("numeric append", () => fs.open(`${d}/num`, O_WRONLY | O_APPEND))) as nodeFs.FileHandle;
    await step("numeric appended", async () => {
      await na.write("ab");
      await na.write("cd", 0);
      await na.close();
      return fs.readFile(`${d}/num`, "utf8");
    });
    const dh = (await step("open a directory", () => fs.open(d))) as nodeFs.FileHandle;
    await step("read a directory handle", () => dh.read(Buffer.alloc(1), 0, 1, 0));
    await step("readFile a directory handle", () => dh.readFile());
    await step("directory handle stat", async () => (await dh.stat()).isDirectory());
    await dh.close();
  },

  async "readFile and writeFile given a FileHandle"(fs, d, step) {
    const h = await fs.open(`${d}/f`, "w+");
    await step("writeFile handle", () => fs.writeFile(h, "via handle"));
    await step("appendFile handle", () => fs.appendFile(h, "+"));
    await step("readFile handle at end", () => fs.readFile(h, "utf8"));
    await step("readFile from 0", async () => {
      await h.read(Buffer.alloc(0), 0, 0, 0);
      const g = await fs.open(`${d}/f`);
      const text = await fs.readFile(g, { encoding: "utf8" });
      await g.close();
      return text;
    });
    await h.close();
  },

  async "readableWebStream streams the file"(fs, d, step) {
    const big = Buffer.alloc(150_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await fs.writeFile(`${d}/big`, big);
    const h = await fs.open(`${d}/big`);
    await step("stream", async () => {
      const parts: Uint8Array[] = [];
      for await (const chunk of h.readableWebStream() as unknown as AsyncIterable<ArrayBuffer | Uint8Array>) {
        parts.push(chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk);
      }
      return Buffer.concat(parts).equals(big);
    });
    await h.close();
  },
};

for (const [backend, make] of Object.entries(BACKENDS)) {
  for (const [name, scenario] of Object.entries(scenarios)) test(`${backend}: ${name}`, () => compare(scenario, make));
}

test("constants are Node's", () => {
  for (const [name, value] of Object.entries(toroFs.constants)) assert.equal(value, (nodeFs.constants as Record<string, number>)[name], name);
});

test("the module exports what node:fs/promises does of the issue's set, and its default export is the same functions", () => {
  const names = ["access", "appendFile", "constants", "copyFile", "lstat", "mkdir", "open", "readdir", "readFile", "realpath", "rename", "rm", "rmdir", "stat", "truncate", "unlink", "utimes", "writeFile"];
  assert.deepEqual(Object.keys(toroFs).filter((name) => name !== "default").sort(), [...names].sort());
  for (const name of names) {
    assert.equal(typeof (nodeFs as Record<string, unknown>)[name], typeof (toroFs as Record<string, unknown>)[name], name);
    assert.equal((toroFs.default as Record<string, unknown>)[name], (toroFs as Record<string, unknown>)[name], name);
  }
});
