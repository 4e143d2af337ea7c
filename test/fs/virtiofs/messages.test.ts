import { test } from "node:test";
import assert from "node:assert/strict";
import { readUint64, readUint64Exact, writeUint64 } from "../../../kernel/fs/virtiofs/bytes.ts";
import { IN_HEADER_SIZE, InHeader, OUT_HEADER_SIZE, OutHeader } from "../../../kernel/fs/virtiofs/headers.ts";
import { Errno, GETATTR_FH, InitFlag, Opcode, OpenFlag, S_IFDIR, S_IFREG, SetattrValid } from "../../../kernel/fs/virtiofs/protocol.ts";
import { AttrOut, EntryOut, InitOut, OpenOut, readDirents, StatfsOut, WriteOut, writeDirent } from "../../../kernel/fs/virtiofs/replies.ts";
import { BatchForgetIn, CreateIn, cString, ForgetOne, GetattrIn, InitIn, MkdirIn, ReadWriteIn, RenameIn, SetattrIn, splitCStrings } from "../../../kernel/fs/virtiofs/requests.ts";
import * as captured from "./captured.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const ROOT_INO = 4259979;
const HELLO_INO = 4259980;

/** The reply's header checked against what was written, and its body. */
function body(reply: Uint8Array, unique: number): Uint8Array {
  const out = new OutHeader(reply);
  assert.equal(out.check(reply.length), undefined);
  assert.equal(out.unique, unique);
  assert.equal(out.error, 0);
  return out.body;
}

/** A request built with the emitters must be the captured one byte for byte. */
function request(fields: { opcode: number; unique: number; nodeid: number }, ...parts: Uint8Array[]): Uint8Array {
  const length = IN_HEADER_SIZE + parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(length);
  InHeader.emit(bytes, { ...fields, length, uid: 0, gid: 0, pid: 1 });
  let at = IN_HEADER_SIZE;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

test("INIT: the request asks for 7.31 with four flags; virtiofsd's reply is 7.36 with its limits", () => {
  const init = new Uint8Array(InitIn.SIZE);
  Object.assign(new InitIn(init), { major: 7, minor: 31, maxReadahead: 0, flags: InitFlag.ASYNC_READ | InitFlag.ATOMIC_O_TRUNC | InitFlag.BIG_WRITES | InitFlag.MAX_PAGES });
  assert.deepEqual(request({ opcode: Opcode.INIT, unique: 1, nodeid: 1 }, init), captured.INIT_REQUEST);
  const header = new InHeader(captured.INIT_REQUEST);
  assert.deepEqual([header.length, header.opcode, header.unique, header.nodeid, header.uid, header.gid, header.pid], [56, 26, 1, 1, 0, 0, 1]);

  const reply = new InitOut(body(captured.INIT_REPLY, 1));
  assert.equal(reply.bytes.length, InitOut.SIZE);
  assert.deepEqual([reply.major, reply.minor, reply.maxWrite, reply.timeGran, reply.maxPages], [7, 36, 1 << 20, 1, 256]);
  assert.equal(reply.flags, 0x400029, "all four flags granted");
});

test("GETATTR of the root and LOOKUP of hello.txt: the attributes of the host's directory and file", () => {
  const getattr = new Uint8Array(GetattrIn.SIZE);
  assert.deepEqual(request({ opcode: Opcode.GETATTR, unique: 2, nodeid: 1 }, getattr), captured.GETATTR_ROOT_REQUEST);
  const root = new AttrOut(body(captured.GETATTR_ROOT_REPLY, 2)).attr;
  assert.equal(root.ino, ROOT_INO);
  assert.equal(root.mode, S_IFDIR | 0o755);
  assert.equal(root.nlink, 2);

  const lookup = new InHeader(captured.LOOKUP_HELLO_REQUEST);
  assert.equal(lookup.opcode, Opcode.LOOKUP);
  assert.equal(text(captured.LOOKUP_HELLO_REQUEST.subarray(IN_HEADER_SIZE)), "hello.txt\0");
  assert.deepEqual(request({ opcode: Opcode.LOOKUP, unique: lookup.unique, nodeid: 1 }, cString("hello.txt")), captured.LOOKUP_HELLO_REQUEST);
  const entry = new EntryOut(body(captured.LOOKUP_HELLO_REPLY, lookup.unique));
  assert.equal(entry.bytes.length, EntryOut.SIZE);
  assert.equal(entry.nodeid, 2);
  assert.equal(entry.entryValid, 0, "cache=none: nothing may be cached");
  const attr = entry.attr;
  assert.deepEqual([attr.ino, attr.size, attr.blocks, attr.mode, attr.nlink, attr.uid, attr.blksize], [HELLO_INO, 12, 8, S_IFREG | 0o644, 1, 0, 4096]);
  assert.deepEqual([attr.mtime, attr.mtimensec], [1796418626, 720818701]);
});

test("READDIR: the entries, their types, and ext4's 63-bit cookies exactly; from the last cookie, nothing", () => {
  const read = new ReadWriteIn(captured.READDIR_FIRST_REQUEST.subarray(IN_HEADER_SIZE));
  assert.equal(read.directoryOffset, 0n);
  assert.equal(read.size, 64 * 1024);
  const dirents = readDirents(body(captured.READDIR_FIRST_REPLY, new InHeader(captured.READDIR_FIRST_REQUEST).unique));
  assert.ok(Array.isArray(dirents));
  assert.deepEqual(dirents.map((d) => [text(d.name), d.ino, d.type, d.offset]), [
    [".", ROOT_INO, 4, 0x51370ec3133b3f98n],
    ["hello.txt", HELLO_INO, 8, 0x583a64d73040ba1en],
    ["..", ROOT_INO, 4, 0x7fffffffffffffffn],
  ]);
  assert.notEqual(BigInt(readUint64(captured.READDIR_FIRST_REPLY, 16 + 32 + 8)), 0x583a64d73040ba1en, "a double would round the cookie");

  const next = new ReadWriteIn(captured.READDIR_END_REQUEST.subarray(IN_HEADER_SIZE));
  assert.equal(next.directoryOffset, 0x7fffffffffffffffn, "the next READDIR starts from the last entry's cookie");
  assert.deepEqual(readDirents(body(captured.READDIR_END_REPLY, new InHeader(captured.READDIR_END_REQUEST).unique)), []);

  // Written back, the entries are virtiofsd's bytes.
  const rebuilt = new Uint8Array(120 - OUT_HEADER_SIZE);
  let at = 0;
  for (const dirent of dirents) at += writeDirent(rebuilt, at, dirent);
  assert.equal(at, rebuilt.length);
  assert.deepEqual(rebuilt, captured.READDIR_FIRST_REPLY.subarray(OUT_HEADER_SIZE));
});

test("READDIR replies that run past their end are reported, not read", () => {
  const reply = captured.READDIR_FIRST_REPLY.subarray(OUT_HEADER_SIZE);
  assert.match(String(readDirents(reply.subarray(0, 20))), /has 20 bytes, less than its 24-byte header/);
  assert.match(String(readDirents(reply.subarray(0, 40))), /at byte 32 has 8 bytes/);
  const lying = Uint8Array.from(reply);
  lying[16] = 200; // the first name's length
  assert.match(String(readDirents(lying)), /a name of 200 bytes/);
  lying[16] = 0;
  assert.match(String(readDirents(lying)), /a name of 0 bytes/);
});

test("OPEN, READ: the file handle, and the 12 bytes of hello.txt", () => {
  const read = new ReadWriteIn(captured.READ_HELLO_REQUEST.subarray(IN_HEADER_SIZE));
  // Handle 0 again: the directory's was released first, and virtiofsd reuses the index.
  assert.deepEqual([read.fh, read.offset, read.size, read.flags], [0, 0, 64, OpenFlag.RDONLY]);
  const unique = new InHeader(captured.READ_HELLO_REQUEST).unique;
  assert.equal(text(body(captured.READ_HELLO_REPLY, unique)), "hello, toro\n");
  const opendir = new OpenOut(body(captured.OPENDIR_REPLY, new InHeader(captured.OPENDIR_REQUEST).unique));
  assert.equal(opendir.fh, 0);
});

test("CREATE, WRITE, SETATTR of the size: what the client sends, and the node, handle and counts virtiofsd gives", () => {
  const create = new CreateIn(captured.CREATE_NEW_REQUEST.subarray(IN_HEADER_SIZE));
  assert.equal(create.flags, OpenFlag.RDWR | OpenFlag.CREAT | OpenFlag.EXCL);
  assert.deepEqual([create.mode, create.umask], [0o644, 0]);
  const [name] = splitCStrings(captured.CREATE_NEW_REQUEST.subarray(IN_HEADER_SIZE + CreateIn.SIZE), 1)!;
  assert.equal(text(name), "new.txt");
  const reply = body(captured.CREATE_NEW_REPLY, new InHeader(captured.CREATE_NEW_REQUEST).unique);
  assert.equal(reply.length, EntryOut.SIZE + OpenOut.SIZE);
  const entry = new EntryOut(reply);
  assert.deepEqual([entry.nodeid, entry.attr.size, entry.attr.mode], [2, 0, S_IFREG | 0o644]);
  assert.equal(new OpenOut(reply.subarray(EntryOut.SIZE)).fh, 0);

  const write = new ReadWriteIn(captured.WRITE_NEW_REQUEST.subarray(IN_HEADER_SIZE));
  assert.deepEqual([write.fh, write.offset, write.size, write.flags], [0, 0, 4, create.flags]);
  assert.equal(text(captured.WRITE_NEW_REQUEST.subarray(IN_HEADER_SIZE + ReadWriteIn.SIZE)), "toro");
  assert.equal(new WriteOut(body(captured.WRITE_NEW_REPLY, new InHeader(captured.WRITE_NEW_REQUEST).unique)).size, 4);

  const setattr = new SetattrIn(captured.SETATTR_SIZE_REQUEST.subarray(IN_HEADER_SIZE));
  assert.deepEqual([setattr.valid, setattr.fh, setattr.size], [SetattrValid.SIZE | SetattrValid.FH, 0, 2]);
  const after = new AttrOut(body(captured.SETATTR_SIZE_REPLY, new InHeader(captured.SETATTR_SIZE_REQUEST).unique)).attr;
  assert.equal(after.size, 2);
});

test("MKDIR, RENAME, SETATTR of the times: the layouts virtiofsd acted on", () => {
  const mkdir = new MkdirIn(captured.MKDIR_DIR_REQUEST.subarray(IN_HEADER_SIZE));
  assert.deepEqual([mkdir.mode, mkdir.umask], [0o755, 0]);
  assert.equal(text(captured.MKDIR_DIR_REQUEST.subarray(IN_HEADER_SIZE + MkdirIn.SIZE)), "dir\0");
  assert.equal(new EntryOut(body(captured.MKDIR_DIR_REPLY, new InHeader(captured.MKDIR_DIR_REQUEST).unique)).attr.mode, S_IFDIR | 0o755);

  const rename = new InHeader(captured.RENAME_NEW_REQUEST);
  assert.deepEqual([rename.opcode, rename.nodeid], [Opcode.RENAME, 1]);
  const renameIn = new RenameIn(captured.RENAME_NEW_REQUEST.subarray(IN_HEADER_SIZE));
  assert.equal(renameIn.newdir, 3);
  assert.deepEqual(splitCStrings(captured.RENAME_NEW_REQUEST.subarray(IN_HEADER_SIZE + RenameIn.SIZE), 2)!.map(text), ["new.txt", "moved.txt"]);
  const newdir = new Uint8Array(RenameIn.SIZE);
  new RenameIn(newdir).newdir = 3;
  assert.deepEqual(request({ opcode: Opcode.RENAME, unique: rename.unique, nodeid: 1 }, newdir, cString("new.txt"), cString("moved.txt")), captured.RENAME_NEW_REQUEST);
  assert.deepEqual(body(captured.RENAME_NEW_REPLY, rename.unique), new Uint8Array(0));

  const times = new SetattrIn(captured.SETATTR_TIMES_REQUEST.subarray(IN_HEADER_SIZE));
  assert.equal(times.valid, SetattrValid.ATIME | SetattrValid.MTIME);
  assert.deepEqual([times.atime, times.atimensec, times.mtime, times.mtimensec], [1700000000, 123e6, 1700000000, 456e6]);
  const attr = new AttrOut(body(captured.SETATTR_TIMES_REPLY, new InHeader(captured.SETATTR_TIMES_REQUEST).unique)).attr;
  assert.deepEqual([attr.atime, attr.atimensec, attr.mtime, attr.mtimensec], [1700000000, 123e6, 1700000000, 456e6]);
});

test("STATFS, SYNCFS, and an ENOENT reply: a bare header with the negated errno", () => {
  const statfs = new StatfsOut(body(captured.STATFS_REPLY, new InHeader(captured.STATFS_REQUEST).unique));
  assert.deepEqual([statfs.blocks, statfs.bfree, statfs.bavail, statfs.bsize, statfs.namelen, statfs.frsize], [66053021, 59619690, 20164397, 4096, 255, 4096]);
  assert.equal(captured.STATFS_REQUEST.length, IN_HEADER_SIZE, "STATFS has no body");
  assert.equal(new InHeader(captured.SYNCFS_REQUEST).opcode, Opcode.SYNCFS);
  assert.deepEqual(body(captured.SYNCFS_REPLY, new InHeader(captured.SYNCFS_REQUEST).unique), new Uint8Array(0));

  const missing = new OutHeader(captured.LOOKUP_MISSING_REPLY);
  assert.equal(missing.check(captured.LOOKUP_MISSING_REPLY.length), undefined);
  assert.deepEqual([missing.length, missing.error, missing.unique], [16, -Errno.ENOENT, new InHeader(captured.LOOKUP_MISSING_REQUEST).unique]);
});

test("BATCH_FORGET: a count, then (node, lookups) pairs", () => {
  const header = new InHeader(captured.BATCH_FORGET_REQUEST);
  assert.deepEqual([header.opcode, header.nodeid, header.length], [Opcode.BATCH_FORGET, 0, 64]);
  const batch = captured.BATCH_FORGET_REQUEST.subarray(IN_HEADER_SIZE);
  assert.equal(new BatchForgetIn(batch).count, 1);
  const one = new ForgetOne(batch.subarray(BatchForgetIn.SIZE));
  assert.deepEqual([one.nodeid, one.nlookup], [2, 1]);
});

test("reply headers that do not add up are caught by check()", () => {
  const reply = Uint8Array.from(captured.LOOKUP_HELLO_REPLY);
  const out = new OutHeader(reply);
  assert.match(String(out.check(10)), /needs a 16-byte header/);
  out.length = reply.length + 1;
  assert.match(String(out.check(reply.length)), /the device wrote 144/);
  out.length = 8;
  assert.match(String(out.check(reply.length)), /shorter than its header/);
  out.length = reply.length;
  out.error = 3;
  assert.match(String(out.check(reply.length)), /not 0 or a negated errno/);
  assert.equal(GETATTR_FH, 1);
});

test("64-bit fields: exact below 2^53, BigInt for cookies, -1 as all ones", () => {
  const bytes = new Uint8Array(8);
  writeUint64(bytes, 0, 2 ** 53 - 1);
  assert.equal(readUint64(bytes, 0), 2 ** 53 - 1);
  writeUint64(bytes, 0, -1);
  assert.deepEqual([...bytes], [255, 255, 255, 255, 255, 255, 255, 255]);
  assert.equal(readUint64Exact(bytes, 0), 0xffffffffffffffffn);
});
