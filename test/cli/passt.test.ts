import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { Writable } from "node:stream";
import { join } from "node:path";
import {
  busyForward, gatewayArpRequest, isGatewayArpReply, onPath, passtArgs, passtMessages, streamFrame, takeStreamFrames,
} from "../../cli/passt.ts";
import { userNetwork } from "../../cli/run.ts";
import { CliError } from "../../cli/errors.ts";
import type { VmConfig } from "../../cli/qemu.ts";

test("passt's arguments: slirp's addresses, the -p ports per protocol, \"none\" for a protocol without", () => {
  assert.deepEqual(passtArgs([{ protocol: "tcp", host: 8080, guest: 80 }, { protocol: "tcp", host: 2222, guest: 22 }, { protocol: "udp", host: 5353, guest: 53 }]), [
    "--foreground", "--quiet", "--fd", "3", "--ipv4-only",
    "--address", "10.0.2.15", "--netmask", "24", "--gateway", "10.0.2.2", "--mac-addr", "52:55:0a:00:02:02",
    "--dns-forward", "10.0.2.3",
    "--tcp-ports", "8080:80,2222:22", "--udp-ports", "5353:53",
  ]);
  assert.deepEqual(passtArgs([]).slice(-4), ["--tcp-ports", "none", "--udp-ports", "none"]);
});

test("stream frames: a big-endian length, then the frame; a partial frame waits for its rest", () => {
  const one = streamFrame(Uint8Array.of(1, 2, 3));
  assert.deepEqual([...one], [0, 0, 0, 3, 1, 2, 3]);
  const two = Buffer.concat([one, streamFrame(Uint8Array.of(9)), Buffer.from([0, 0, 0, 5, 7])]);
  const { frames, rest } = takeStreamFrames(two);
  assert.deepEqual(frames.map((f) => [...f]), [[1, 2, 3], [9]]);
  assert.deepEqual([...rest], [0, 0, 0, 5, 7]);
  assert.deepEqual(takeStreamFrames(Buffer.from([0, 0])).frames, []);
});

test("the ARP probe asks for the gateway from 0.0.0.0, and only a reply about the gateway counts", () => {
  const request = gatewayArpRequest();
  assert.equal(request.length, 60);
  assert.equal(request.subarray(6, 12).toString("hex"), "525400123456");
  assert.equal(request.readUInt16BE(12), 0x0806);
  assert.equal(request.readUInt16BE(20), 1, "a request");
  assert.deepEqual([...request.subarray(28, 32)], [0, 0, 0, 0]);
  assert.deepEqual([...request.subarray(38, 42)], [10, 0, 2, 2]);
  assert.equal(isGatewayArpReply(request), false, "a request is no reply");
  const reply = Buffer.from(request);
  reply.writeUInt16BE(2, 20);
  reply.set([10, 0, 2, 2], 28);
  assert.equal(isGatewayArpReply(reply), true);
  reply.set([10, 0, 2, 3], 28);
  assert.equal(isGatewayArpReply(reply), false, "a reply about another address");
  assert.equal(isGatewayArpReply(reply.subarray(0, 30)), false, "a runt");
});

test("passt's messages lose its syslog complaints and its change of user", () => {
  const stderr = "Failed to send 47 bytes to syslog\nDon't run as root. Changing to nobody...\nFailed to send 42 bytes to syslog\nExternal interface not usable\n";
  assert.equal(passtMessages(stderr), "External interface not usable");
});

test("onPath finds executables in $PATH only", () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-path-"));
  writeFileSync(join(dir, "tool"), "#!/bin/sh\n");
  writeFileSync(join(dir, "data"), "");
  chmodSync(join(dir, "tool"), 0o755);
  assert.equal(onPath("tool", `/nonexistent:${dir}`), true);
  assert.equal(onPath("data", dir), false, "not executable");
  assert.equal(onPath("tool", "/nonexistent"), false);
});

test("busyForward names a forwarded port the host already holds (passt would go on without it)", async () => {
  const server = createServer().listen(0, "0.0.0.0");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const held = { protocol: "tcp" as const, host: port, guest: 80 };
    assert.deepEqual(await busyForward([{ protocol: "udp", host: port, guest: 53 }, held]), held);
  } finally {
    server.close();
  }
  assert.equal(await busyForward([{ protocol: "tcp", host: port, guest: 80 }]), undefined);
});

const passtInstalled = spawnSync("sh", ["-c", "command -v passt"]).status === 0;
const io = { stdout: process.stdout, stderr: process.stderr };
const vm = (net: VmConfig["net"], cmdline = "toro.epoch_ms=1"): VmConfig =>
  ({ image: "x.elf", memoryMiB: 32, accel: "tcg", machine: "microvm", cmdline, net, forwards: [], disks: [] });

test("--net user and --net passt start passt, which answers; a guest on DHCP is told slirp's DNS forwarder", async () => {
  assert.ok(passtInstalled, "passt is not installed (./toro setup installs it)");
  for (const mode of ["user", "passt"] as const) {
    const { vm: chosen, passt } = await userNetwork(vm({ mode }), io);
    assert.ok(passt, `${mode}: passt runs`);
    passt.qemuEnd.destroy(); // as QEMU ending would: passt quits
    assert.equal(await passt.exited, 0);
    assert.deepEqual(chosen.net, { mode: "passt" });
    assert.equal(chosen.cmdline, "toro.epoch_ms=1 toro.dns=10.0.2.3");
  }
  const { vm: chosen, passt } = await userNetwork(vm({ mode: "passt" }, "toro.ip=10.0.2.99/24 toro.dns=10.0.2.2"), io);
  passt!.qemuEnd.destroy();
  await passt!.exited;
  assert.equal(chosen.cmdline, "toro.ip=10.0.2.99/24 toro.dns=10.0.2.2", "a static address keeps its own DNS");
});

test("--net slirp, tap and none start no passt", async () => {
  for (const net of [{ mode: "slirp" }, { mode: "tap", ifname: "tap0" }, { mode: "none" }] as const) {
    const chosen = await userNetwork(vm(net), io);
    assert.deepEqual(chosen, { vm: vm(net) });
  }
});

test("a forwarded port in use is a clear error before passt starts", async () => {
  const server = createServer().listen(0, "0.0.0.0");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    await assert.rejects(userNetwork({ ...vm({ mode: "passt" }), forwards: [{ protocol: "tcp", host: port, guest: 80 }] }, io),
      new RegExp(`-p ${port}:80: the host's TCP port ${port} is in use`));
  } finally {
    server.close();
  }
});

/** Run `body` with $PATH holding only a directory with a fake passt (a shell script) and the system's directories without Debian's. */
async function withPath<T>(passtScript: string | undefined, body: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "toro-fake-passt-"));
  if (passtScript !== undefined) {
    writeFileSync(join(dir, "passt"), `#!/bin/sh\n${passtScript}\n`);
    chmodSync(join(dir, "passt"), 0o755);
  }
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

/** A writable that keeps what is written to it. */
function collector() {
  let text = "";
  return { text: () => text, stream: new Writable({ write(chunk, _encoding, done) { text += chunk; done(); } }) };
}

test("--net user without passt installed is slirp, silently", async () => {
  const stderr = collector();
  const chosen = await withPath(undefined, () => userNetwork(vm({ mode: "user" }), { stdout: process.stdout, stderr: stderr.stream }));
  assert.deepEqual(chosen, { vm: vm({ mode: "user" }) });
  assert.equal(stderr.text(), "");
});

test("a passt that does not work: --net user falls back to slirp and says why, --net passt is an error", async () => {
  const failing = "echo 'Failed to send 30 bytes to syslog' >&2; echo 'External interface not usable' >&2; exit 1";
  const stderr = collector();
  const chosen = await withPath(failing, () => userNetwork(vm({ mode: "user" }), { stdout: process.stdout, stderr: stderr.stream }));
  assert.deepEqual(chosen, { vm: vm({ mode: "user" }) });
  assert.equal(stderr.text(), "toro: passt does not work here (passt exited (code 1): External interface not usable); the user network is QEMU's slirp\n");
  await withPath(failing, () => assert.rejects(userNetwork(vm({ mode: "passt" }), io),
    (error: CliError) => error.exitCode === 126 && error.message === "--net passt: passt exited (code 1): External interface not usable"));
});

test("--net passt without passt installed is a usage error naming what to install", async () => {
  await withPath(undefined, () => assert.rejects(userNetwork(vm({ mode: "passt" }), io), (error: CliError) => error.exitCode === 2 &&
    error.message === "--net passt: passt is not installed (./toro setup installs Debian's passt; --net slirp is QEMU's own user network)"));
});
