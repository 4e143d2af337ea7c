import { test } from "node:test";
import assert from "node:assert/strict";
import type { FuseDevice } from "../../../kernel/devices/fuse-device.ts";
import { FsError } from "../../../kernel/fs/errors.ts";
import type { FileSystem, OpenOptions } from "../../../kernel/fs/file-system.ts";
import { OutHeader } from "../../../kernel/fs/virtiofs/headers.ts";
import { mountFuseDevice } from "../../../kernel/fs/virtiofs/mount.ts";
import { Opcode } from "../../../kernel/fs/virtiofs/protocol.ts";
import { InitOut } from "../../../kernel/fs/virtiofs/replies.ts";
import { MemoryFuseDevice } from "./memory-device.ts";
import { MemoryFuseServer, type MemoryServerOptions } from "./memory-server.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);
const READ: OpenOptions = { write: false, create: false, exclusive: false, truncate: false };
const WRITE: OpenOptions = { write: true, create: true, exclusive: false, truncate: true };

async function mounted(options: MemoryServerOptions = {}, readOnly = false) {
  const server = new MemoryFuseServer(options);
  const device = new MemoryFuseDevice(server);
  const fs = await mountFuseDevice(device, { readOnly });
  return { server, device, fs };
}

async function writeFile(fs: FileSystem, path: string[], content: Uint8Array | string): Promise<void> {
  const file = await fs.open(path, WRITE);
  await file.write(0, typeof content === "string" ? bytes(content) : content);
  await file.close();
}

async function readFile(fs: FileSystem, path: string[]): Promise<Uint8Array> {
  const file = await fs.open(path, READ);
  const { size } = await file.stat();
  const into = new Uint8Array(size + 10);
  const count = await file.read(0, into);
  await file.close();
  return into.subarray(0, count);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error) => error instanceof FsError && error.code === code);
}

/** Let batched FORGETs (sent a microtask after the call that dropped them) reach the server. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

test("mounting: INIT first, then the root's owner becomes the caller of every later request", async () => {
  const { server, fs } = await mounted();
  assert.deepEqual(server.opcodes.slice(0, 2), [Opcode.INIT, Opcode.GETATTR]);
  assert.equal(fs.type, "virtiofs");
  await fs.stat([]);
  assert.deepEqual(server.lastCaller, { uid: 1000, gid: 1000 });
});

test("a file written through the file system is on the host whole, and reads back", async () => {
  const { server, fs } = await mounted();
  await writeFile(fs, ["hello.txt"], "hello, host\n");
  assert.equal(text(server.find("hello.txt")!.data), "hello, host\n");
  assert.equal(text(await readFile(fs, ["hello.txt"])), "hello, host\n");
  const stat = await fs.stat(["hello.txt"]);
  assert.equal(stat.kind, "file");
  assert.equal(stat.size, 12);
  assert.equal(stat.readOnly, false);
  assert.equal(stat.mtimeMs, server.clock);
});

test("what the host changes is seen at once: nothing is cached in the guest", async () => {
  const { server, fs } = await mounted();
  server.writeFile("notes/a.txt", "first");
  assert.equal(text(await readFile(fs, ["notes", "a.txt"])), "first");
  server.writeFile("notes/a.txt", "second version");
  assert.equal(text(await readFile(fs, ["notes", "a.txt"])), "second version");
  server.root.children.get("notes")!.children.delete("a.txt");
  await rejectsWith(fs.stat(["notes", "a.txt"]), "ENOENT");
});

test("writes and reads bigger than one message go in pieces of at most max_write", async () => {
  const { server, fs } = await mounted({ maxWrite: 16 * 1024 });
  const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
  await writeFile(fs, ["big.bin"], big);
  assert.deepEqual(server.find("big.bin")!.data, big);
  assert.ok(server.opcodes.filter((op) => op === Opcode.WRITE).length >= 7);
  assert.deepEqual(await readFile(fs, ["big.bin"]), big);
});

test("write at an offset past the end fills with zeros; truncate cuts and grows", async () => {
  const { server, fs } = await mounted();
  const file = await fs.open(["sparse"], WRITE);
  await file.write(4, bytes("abc"));
  assert.deepEqual([...server.find("sparse")!.data], [0, 0, 0, 0, 97, 98, 99]);
  await file.truncate(5);
  assert.equal((await file.stat()).size, 5);
  const into = new Uint8Array(10);
  assert.equal(await file.read(3, into), 2);
  assert.deepEqual([...into.subarray(0, 2)], [0, 97]);
  assert.equal(await file.read(5, into), 0, "at the end");
  await file.close();
  await rejectsWith(file.read(0, into), "EBADF");
});

test("open: create, exclusive, truncate, missing files and directories", async () => {
  const { server, fs } = await mounted();
  server.writeFile("kept.txt", "keep me");
  await rejectsWith(fs.open(["missing"], READ), "ENOENT");
  await rejectsWith(fs.open(["kept.txt"], { ...WRITE, exclusive: true }), "EEXIST");
  const appended = await fs.open(["kept.txt"], { write: true, create: true, exclusive: false, truncate: false });
  await appended.write(7, bytes("!"));
  await appended.close();
  assert.equal(text(server.find("kept.txt")!.data), "keep me!");
  await writeFile(fs, ["kept.txt"], "new");
  assert.equal(text(server.find("kept.txt")!.data), "new", "truncated first");
  await rejectsWith(fs.open(["no-dir", "file"], WRITE), "ENOENT");
  await rejectsWith(fs.open(["kept.txt", "below"], READ), "ENOTDIR");

  await fs.mkdir(["dir"]);
  await rejectsWith(fs.open(["dir"], WRITE), "EISDIR");
  const directory = await fs.open(["dir"], READ);
  assert.equal((await directory.stat()).kind, "directory");
  await rejectsWith(directory.read(0, new Uint8Array(4)), "EISDIR");
  await directory.close();
  const reader = await fs.open(["kept.txt"], READ);
  await rejectsWith(reader.write(0, bytes("x")), "EBADF");
  await reader.close();
});

test("readdir: names and kinds, without . and .., over several READDIR replies", async () => {
  const { server, fs } = await mounted({ readdirBytes: 200 });
  for (let i = 0; i < 40; i++) server.writeFile(`many/file-${i}.txt`, String(i));
  await fs.mkdir(["many", "sub"]);
  const entries = await fs.readdir(["many"]);
  assert.equal(entries.length, 41);
  assert.deepEqual(entries.find((entry) => entry.name === "sub"), { name: "sub", kind: "directory" });
  assert.deepEqual(entries.find((entry) => entry.name === "file-39.txt"), { name: "file-39.txt", kind: "file" });
  assert.ok(server.opcodes.filter((op) => op === Opcode.READDIR).length > 3);
  await rejectsWith(fs.readdir(["many", "file-1.txt"]), "ENOTDIR");
  await rejectsWith(fs.readdir(["nothing"]), "ENOENT");
});

test("readdir of a server that gives no entry types asks for each entry's kind", async () => {
  const { server, fs } = await mounted({ untypedDirents: true });
  server.writeFile("d/file", "x");
  await fs.mkdir(["d", "inner"]);
  const entries = await fs.readdir(["d"]);
  assert.deepEqual(entries.sort((a, b) => a.name.localeCompare(b.name)), [{ name: "file", kind: "file" }, { name: "inner", kind: "directory" }]);
});

test("mkdir, rmdir, unlink: Linux's errors", async () => {
  const { server, fs } = await mounted();
  await fs.mkdir(["a"]);
  await rejectsWith(fs.mkdir(["a"]), "EEXIST");
  await rejectsWith(fs.mkdir(["x", "y"]), "ENOENT");
  await writeFile(fs, ["a", "f"], "1");
  await rejectsWith(fs.rmdir(["a"]), "ENOTEMPTY");
  await rejectsWith(fs.rmdir(["a", "f"]), "ENOTDIR");
  await rejectsWith(fs.unlink(["a"]), "EISDIR");
  await fs.unlink(["a", "f"]);
  await rejectsWith(fs.unlink(["a", "f"]), "ENOENT");
  await fs.rmdir(["a"]);
  assert.equal(server.find("a"), undefined);
});

test("rename: within a directory, across directories, replacing a file, and the refusals", async () => {
  const { server, fs } = await mounted();
  await writeFile(fs, ["one"], "1");
  await writeFile(fs, ["two"], "2");
  await fs.mkdir(["dir"]);
  await fs.rename(["one"], ["uno"]);
  assert.equal(server.find("one"), undefined);
  assert.equal(text(server.find("uno")!.data), "1");
  await fs.rename(["uno"], ["dir", "moved"]);
  assert.equal(text(server.find("dir/moved")!.data), "1");
  await fs.rename(["two"], ["dir", "moved"]);
  assert.equal(text(server.find("dir/moved")!.data), "2", "the existing file is replaced");
  await rejectsWith(fs.rename(["dir"], ["dir", "inside"]), "EINVAL");
  await rejectsWith(fs.rename(["nothing"], ["other"]), "ENOENT");
  await fs.mkdir(["empty"]);
  await rejectsWith(fs.rename(["empty"], ["dir", "moved"]), "ENOTDIR");
  await rejectsWith(fs.rename(["dir"], ["empty2", "x"]), "ENOENT");
});

test("utimes sets both times; statfs reports the host's counts", async () => {
  const { fs } = await mounted();
  await writeFile(fs, ["t"], "");
  await fs.utimes(["t"], 1_000_000_123, 2_000_000_456);
  const stat = await fs.stat(["t"]);
  assert.equal(stat.atimeMs, 1_000_000_123);
  assert.equal(stat.mtimeMs, 2_000_000_456);
  assert.deepEqual(await fs.statfs(), { blockSize: 4096, blocks: 1000, freeBlocks: 500 });
});

test("a read-only mount refuses every change with EROFS and reads as before", async () => {
  const server = new MemoryFuseServer();
  server.writeFile("r.txt", "read me");
  const fs = await mountFuseDevice(new MemoryFuseDevice(server), { readOnly: true });
  assert.equal(fs.readOnly, true);
  assert.equal(text(await readFile(fs, ["r.txt"])), "read me");
  assert.equal((await fs.stat(["r.txt"])).readOnly, true);
  await rejectsWith(fs.open(["r.txt"], WRITE), "EROFS");
  await rejectsWith(fs.open(["new"], { ...READ, create: true }), "EROFS");
  await rejectsWith(fs.mkdir(["d"]), "EROFS");
  await rejectsWith(fs.unlink(["r.txt"]), "EROFS");
  await rejectsWith(fs.rmdir(["r.txt"]), "EROFS");
  await rejectsWith(fs.rename(["r.txt"], ["s.txt"]), "EROFS");
  await rejectsWith(fs.utimes(["r.txt"], 0, 0), "EROFS");
  assert.equal(text(server.find("r.txt")!.data), "read me");
});

test("sync is SYNCFS, or FSYNC of each open file where the host lacks it", async () => {
  for (const noSyncfs of [false, true]) {
    const { server, fs } = await mounted({ noSyncfs });
    const a = await fs.open(["a"], WRITE);
    const b = await fs.open(["b"], WRITE);
    server.opcodes.length = 0;
    await fs.sync();
    assert.deepEqual(server.opcodes, noSyncfs ? [Opcode.SYNCFS, Opcode.FSYNC, Opcode.FSYNC] : [Opcode.SYNCFS]);
    await a.sync();
    await a.close();
    await b.close();
  }
});

test("no references leak: every LOOKUP is forgotten and every handle released once the calls are done", async () => {
  const { server, fs } = await mounted();
  await fs.mkdir(["d"]);
  await fs.mkdir(["d", "e"]);
  await writeFile(fs, ["d", "e", "f"], "deep");
  await readFile(fs, ["d", "e", "f"]);
  await fs.readdir(["d", "e"]);
  await fs.stat(["d", "e", "f"]);
  await rejectsWith(fs.stat(["d", "nothing", "f"]), "ENOENT");
  await rejectsWith(fs.open(["d", "e", "f"], { ...WRITE, exclusive: true }), "EEXIST");
  await fs.rename(["d", "e", "f"], ["g"]);
  await fs.utimes(["g"], 0, 0);
  const open = await fs.open(["g"], READ);
  await settled();
  assert.deepEqual(server.outstanding, { lookups: 1, handles: 1 }, "the open file holds its node and handle");
  await open.close();
  await fs.unlink(["g"]);
  await settled();
  assert.deepEqual(server.outstanding, { lookups: 0, handles: 0 });
  assert.ok(server.opcodes.includes(Opcode.BATCH_FORGET));
});

test("unmount closes what is open, ends the session, and later calls are EIO", async () => {
  const { server, fs } = await mounted();
  await fs.open(["left-open"], WRITE);
  await fs.unmount();
  assert.deepEqual(server.outstanding, { lookups: 0, handles: 0 });
  assert.equal(server.opcodes.at(-1), Opcode.DESTROY);
  await rejectsWith(fs.stat([]), "EIO");
  await rejectsWith(fs.readdir([]), "EIO");
});

test("names with NUL or slash are EINVAL, names past 255 bytes ENAMETOOLONG, before anything is sent", async () => {
  const { server, fs } = await mounted();
  const sent = server.opcodes.length;
  await rejectsWith(fs.stat(["a\0b"]), "EINVAL");
  await rejectsWith(fs.mkdir(["a/b"]), "EINVAL");
  await rejectsWith(fs.open(["é".repeat(128)], WRITE), "ENAMETOOLONG");
  assert.deepEqual(server.opcodes.slice(sent).filter((op) => op !== Opcode.GETATTR), [], "no name reached the host");
});

/** A device that lets a test rewrite the server's replies. */
class TamperingDevice implements FuseDevice {
  readonly name = "fs0";
  readonly tag = "share";
  readonly maxMessageBytes: number;
  constructor(private readonly inner: MemoryFuseDevice, private readonly tamper: (opcode: number, reply: Uint8Array) => Uint8Array) {
    this.maxMessageBytes = inner.maxMessageBytes;
  }
  async request(parts: readonly Uint8Array[], replyLength: number): Promise<Uint8Array> {
    const opcode = new DataView(parts[0].buffer, parts[0].byteOffset).getUint32(4, true);
    return this.tamper(opcode, await this.inner.request(parts, replyLength));
  }
  post(parts: readonly Uint8Array[]): void {
    this.inner.post(parts);
  }
}

test("a server that breaks the protocol gives EIO, not a crash", async () => {
  const cases: [string, (opcode: number, reply: Uint8Array) => Uint8Array][] = [
    ["another request's ID", (opcode, reply) => (opcode === Opcode.LOOKUP ? (new OutHeader(reply).unique += 1000, reply) : reply)],
    ["a reply shorter than an entry", (opcode, reply) => (opcode === Opcode.LOOKUP ? (new OutHeader(reply).length = 40, reply.subarray(0, 40)) : reply)],
    ["a length beyond what was written", (opcode, reply) => (opcode === Opcode.LOOKUP ? (new OutHeader(reply).length = reply.length + 8, reply) : reply)],
    ["a positive error", (opcode, reply) => (opcode === Opcode.LOOKUP ? (new OutHeader(reply).error = 5, reply) : reply)],
    ["an errno without a code", (opcode, reply) => (opcode === Opcode.LOOKUP ? (new OutHeader(reply).error = -40, reply.subarray(0, 16)) : reply)],
  ];
  for (const [what, tamper] of cases) {
    const server = new MemoryFuseServer();
    server.writeFile("f", "x");
    const fs = await mountFuseDevice(new TamperingDevice(new MemoryFuseDevice(server), tamper), { readOnly: false });
    await assert.rejects(fs.stat(["f"]), (error) => error instanceof FsError && error.code === "EIO", what);
  }
});

test("a host speaking another FUSE major, or a minor before 7.31, is refused at mount", async () => {
  for (const [major, minor] of [[8, 0], [7, 26]]) {
    const device = new TamperingDevice(new MemoryFuseDevice(new MemoryFuseServer()), (opcode, reply) => {
      if (opcode === Opcode.INIT) {
        const init = new InitOut(reply.subarray(16));
        init.major = major;
        init.minor = minor;
      }
      return reply;
    });
    await assert.rejects(mountFuseDevice(device, { readOnly: false }), (error) => error instanceof FsError && error.code === "EIO" && /FUSE/.test(error.message));
  }
});
