import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveServiceEntry } from "../../cli/build.ts";
import { CliError } from "../../cli/errors.ts";
import { imageEnd, leastMemoryMiB } from "../../cli/image.ts";

const scratch = () => mkdtempSync(join(tmpdir(), "toro-pieces-"));
const fails = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof CliError && message.test(e.message));

test("a service directory's entry: package.json main, else main.ts, else index.ts", () => {
  const dir = scratch();
  writeFileSync(join(dir, "index.ts"), "");
  assert.equal(resolveServiceEntry(dir).entry, join(dir, "index.ts"));
  writeFileSync(join(dir, "main.ts"), "");
  assert.equal(resolveServiceEntry(dir).entry, join(dir, "main.ts"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "server.ts"), "");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ main: "src/server.ts" }));
  const resolved = resolveServiceEntry(dir);
  assert.equal(resolved.entry, join(dir, "src", "server.ts"));
  assert.equal(resolved.dir, dir);
});

test("a file service is named after the file", () => {
  const dir = scratch();
  writeFileSync(join(dir, "api.ts"), "");
  assert.deepEqual(resolveServiceEntry(join(dir, "api.ts")), { entry: join(dir, "api.ts"), name: "api", dir });
});

test("what is not a service is said clearly", () => {
  const dir = scratch();
  fails(() => resolveServiceEntry(join(dir, "nope.ts")), /no such file or directory/);
  fails(() => resolveServiceEntry(dir), /needs a main\.ts or index\.ts/);
  writeFileSync(join(dir, "notes.txt"), "");
  fails(() => resolveServiceEntry(join(dir, "notes.txt")), /a service is a \.ts or \.js file/);
  writeFileSync(join(dir, "package.json"), "{ not json");
  fails(() => resolveServiceEntry(dir), /package\.json: not valid JSON/);
});

/** A minimal ELF64 header with one PT_LOAD program header. */
function elf(paddr: bigint, memsz: bigint, machine = 62): Buffer {
  const b = Buffer.alloc(64 + 56);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b.writeUInt16LE(machine, 18);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  b.writeUInt32LE(1, 64);
  b.writeBigUInt64LE(paddr, 64 + 24);
  b.writeBigUInt64LE(memsz, 64 + 40);
  return b;
}

test("an image's end and the least memory it needs come from its program headers", () => {
  const dir = scratch();
  const path = join(dir, "a.elf");
  writeFileSync(path, elf(0x100000n, 0x180000n));
  assert.equal(imageEnd(path), 0x280000);
  assert.equal(leastMemoryMiB(path), 3);
});

test("files that are not Toro images are refused", () => {
  const dir = scratch();
  const write = (name: string, data: Buffer | string) => (writeFileSync(join(dir, name), data), join(dir, name));
  fails(() => imageEnd(write("text.elf", "hello, not an image, just some text that is long enough to read")), /not an ELF file/);
  fails(() => imageEnd(write("arm.elf", elf(0x100000n, 0x1000n, 183))), /not a 64-bit x86 ELF/);
  fails(() => imageEnd(write("cut.elf", elf(0x100000n, 0x1000n).subarray(0, 80))), /truncated ELF program headers/);
});

test("QEMU gets the virtio devices for the machine type, with commas in paths escaped", async () => {
  const { deviceArgs } = await import("../../cli/qemu.ts");
  const base = { image: "x.elf", memoryMiB: 32, accel: "tcg" as const, cmdline: "" };
  const microvm = deviceArgs({ ...base, machine: "microvm", net: { mode: "user" }, forwards: [{ protocol: "tcp", host: 8080, guest: 80 }], disks: [{ path: "/d,1.img", readOnly: true }] });
  assert.deepEqual(microvm, [
    "-global", "virtio-mmio.force-legacy=false",
    "-device", "virtio-rng-device",
    "-netdev", "user,id=net0,hostfwd=tcp::8080-:80", "-device", "virtio-net-device,netdev=net0",
    "-drive", "if=none,id=disk0,file=/d,,1.img,format=raw,readonly=on", "-device", "virtio-blk-device,drive=disk0",
  ]);
  const q35 = deviceArgs({ ...base, machine: "q35", net: { mode: "none" }, forwards: [], disks: [{ path: "w.img", readOnly: false }] });
  assert.deepEqual(q35, [
    "-device", "virtio-rng-pci,disable-legacy=on",
    "-drive", "if=none,id=disk0,file=w.img,format=raw,discard=unmap", "-device", "virtio-blk-pci,disable-legacy=on,drive=disk0",
  ]);
  const tap = deviceArgs({ ...base, machine: "microvm", net: { mode: "tap", ifname: "tap3" }, forwards: [], disks: [] });
  assert.deepEqual(tap.slice(4), ["-netdev", "tap,id=net0,ifname=tap3,script=no,downscript=no", "-device", "virtio-net-device,netdev=net0"]);
  // --net slirp is what --net user falls back to; passt takes its end of a socket pair on PASST_FD.
  const slirp = deviceArgs({ ...base, machine: "microvm", net: { mode: "slirp" }, forwards: [{ protocol: "udp", host: 5353, guest: 53 }], disks: [] });
  assert.deepEqual(slirp.slice(4, 6), ["-netdev", "user,id=net0,hostfwd=udp::5353-:53"]);
  const passt = deviceArgs({ ...base, machine: "microvm", net: { mode: "passt" }, forwards: [{ protocol: "tcp", host: 8080, guest: 80 }], disks: [] });
  assert.deepEqual(passt.slice(4), ["-netdev", "stream,id=net0,server=off,addr.type=fd,addr.str=3", "-device", "virtio-net-device,netdev=net0"]);
  const captured = deviceArgs({ ...base, machine: "microvm", net: { mode: "user" }, forwards: [], disks: [], capture: "/tmp/a,b.pcap" });
  assert.deepEqual(captured.slice(8), ["-object", "filter-dump,id=capture0,netdev=net0,file=/tmp/a,,b.pcap"]);
  // Tests that play the other end of the cable get the frames as UDP datagrams.
  const udp = deviceArgs({ ...base, machine: "q35", net: { mode: "udp", localPort: 4001, remotePort: 4002 }, forwards: [], disks: [] });
  assert.deepEqual(udp.slice(2), [
    "-netdev", "dgram,id=net0,local.type=inet,local.host=127.0.0.1,local.port=4001,remote.type=inet,remote.host=127.0.0.1,remote.port=4002",
    "-device", "virtio-net-pci,disable-legacy=on,netdev=net0",
  ]);
});

test("the bundle runs as an async function whose promise is the script's value, every line keeping its number", async () => {
  const { asyncProgram } = await import("../../cli/build.ts");
  const { runInNewContext } = await import("node:vm");
  const bundle = "const a = await Promise.resolve(20);\nresult.value = a + 1;\n// a last line comment";
  const program = asyncProgram(bundle);
  assert.deepEqual(program.split("\n").slice(1, 3), bundle.split("\n").slice(1, 3));
  const result = { value: 0 };
  await runInNewContext(program, { result });
  assert.equal(result.value, 21);
  await assert.rejects(runInNewContext(asyncProgram("await null;\nthrow new RangeError('late');"), {}), { message: "late" });
});
