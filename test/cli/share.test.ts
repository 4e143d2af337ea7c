import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../../cli/args.ts";
import { CliError } from "../../cli/errors.ts";
import { qemuArgs, type VmConfig } from "../../cli/qemu.ts";
import { parseShare, shareMountWords, shareQemuArgs } from "../../cli/share.ts";
import { checkShares, findVirtiofsd, virtiofsdArgs } from "../../cli/virtiofs.ts";
import { parseMounts } from "../../kernel/fs/mount-parameter.ts";

test("--share HOSTDIR:/PATH[,ro]: the host directory ends at the last ':/', the guest path is normalized", () => {
  assert.deepEqual(parseShare("./site:/srv/www"), { hostDir: "./site", path: "/srv/www", readOnly: false });
  assert.deepEqual(parseShare("/home/a:b/dir:/data/,ro"), { hostDir: "/home/a:b/dir", path: "/data", readOnly: true });
  assert.deepEqual(parseShare("d://x//y"), { hostDir: "d", path: "/x/y", readOnly: false });
  for (const bad of ["dir", "dir:data", ":/data", "dir:/", "dir:/a/../b", "dir:/./a"]) {
    assert.throws(() => parseShare(bad), CliError, bad);
  }
});

test("run takes repeated --share flags; other commands refuse them", () => {
  const command = parseArgs(["run", "svc", "--share", "a:/one", "--share=b:/two,ro"]);
  assert.equal(command.name, "run");
  if (command.name !== "run") return;
  assert.deepEqual(command.options.shares, [
    { hostDir: "a", path: "/one", readOnly: false },
    { hostDir: "b", path: "/two", readOnly: true },
  ]);
  assert.throws(() => parseArgs(["build", "svc", "--share", "a:/one"]), /option of run/);
});

test("each share becomes a toro.mount= word for virtiofs.shareN, which the guest's parser reads back", () => {
  const shares = [parseShare("a:/one"), parseShare("b:/two words,ro")];
  const words = shareMountWords(shares);
  const { mounts, errors } = parseMounts(words.map((word) => word.slice("toro.mount=".length)));
  assert.deepEqual(errors, []);
  assert.deepEqual(mounts, [
    { source: "virtiofs.share0", path: "/one", readOnly: false },
    { source: "virtiofs.share1", path: "/two words", readOnly: true },
  ]);
});

test("QEMU gets shared memfd RAM of the VM's size and one vhost-user-fs device per share, by machine type", () => {
  const sockets = [{ tag: "share0", socket: "/tmp/t,1/share0.sock" }];
  const microvm = shareQemuArgs("microvm", 64, sockets);
  assert.equal(microvm.machineOption, ",memory-backend=toro-ram");
  assert.deepEqual(microvm.args, [
    "-object", "memory-backend-memfd,id=toro-ram,size=64M,share=on",
    "-chardev", "socket,id=fs0,path=/tmp/t,,1/share0.sock",
    "-device", "vhost-user-fs-device,chardev=fs0,tag=share0",
  ]);
  assert.equal(shareQemuArgs("q35", 128, sockets).args.at(-1), "vhost-user-fs-pci,chardev=fs0,tag=share0");
  assert.deepEqual(shareQemuArgs("microvm", 64, []), { machineOption: "", args: [] });

  const vm: VmConfig = {
    image: "i.elf", memoryMiB: 64, accel: "tcg", machine: "microvm", cmdline: "", net: { mode: "none" }, forwards: [], disks: [], shareSockets: sockets,
  };
  const args = qemuArgs(vm);
  assert.match(args[args.indexOf("-M") + 1], /^microvm,.*,memory-backend=toro-ram$/);
  assert.ok(args.includes("vhost-user-fs-device,chardev=fs0,tag=share0"));
  assert.ok(!qemuArgs({ ...vm, shareSockets: undefined }).some((arg) => arg.includes("memory-backend")), "no shares, no shared RAM");
});

test("virtiofsd's command line for the Rust daemon and for QEMU's C one", () => {
  assert.deepEqual(virtiofsdArgs("rust", "/t/s.sock", "/srv", false), ["--socket-path=/t/s.sock", "--shared-dir=/srv", "--cache=never", "--sandbox=none"]);
  assert.deepEqual(virtiofsdArgs("c", "/t/s.sock", "/srv", true), ["--socket-path=/t/s.sock", "-o", "source=/srv", "-o", "cache=none", "-o", "sandbox=namespace", "-o", "log_level=warn"]);
});

test("without virtiofsd, --share is one clear error (exit 2) naming what to install; a missing directory too", () => {
  const dir = mkdtempSync(join(tmpdir(), "toro-share-test-"));
  const saved = process.env.TORO_VIRTIOFSD;
  try {
    process.env.TORO_VIRTIOFSD = join(dir, "no-virtiofsd");
    assert.equal(findVirtiofsd(), undefined);
    assert.throws(() => checkShares([{ hostDir: dir, path: "/d", readOnly: false }]), (error) =>
      error instanceof CliError && error.exitCode === 2 && /needs virtiofsd.*apt-get install virtiofsd/.test(error.message));
    assert.throws(() => checkShares([{ hostDir: join(dir, "missing"), path: "/d", readOnly: false }]), /no such directory/);
    const fake = join(dir, "virtiofsd");
    writeFileSync(fake, "#!/bin/sh\n");
    chmodSync(fake, 0o755);
    process.env.TORO_VIRTIOFSD = fake;
    assert.equal(checkShares([{ hostDir: dir, path: "/d", readOnly: false }]), fake);
    assert.equal(checkShares([]), undefined, "no shares, no daemon needed");
  } finally {
    if (saved === undefined) delete process.env.TORO_VIRTIOFSD;
    else process.env.TORO_VIRTIOFSD = saved;
  }
});
