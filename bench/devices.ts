/**
 * bench/devices: Toro's virtio-net and virtio-blk against Linux's, in the
 * same QEMU machine with the same devices and accelerator. Each guest
 * measures itself and prints one JSON line: raw frame round trips (an ARP
 * request for the user network's gateway, 10.0.2.2, wait for the reply,
 * again) for a fixed time, then sequential write (with a flush) and read
 * of a fresh raw disk image in 64 KiB requests.
 *
 * The Toro guest is bench/services/devices.ts; it does the disk work twice,
 * with one request in flight (as Linux's dd does) and with 8, each on its
 * own fresh image. The Linux guest is Debian's amd64 kernel with an
 * initramfs built here from busybox-static, bench/linux/arp-pingpong.c
 * (compiled with musl), the virtio modules the machine needs and
 * bench/services/linux-init.sh as /init; the packages come from apt into
 * bench/build/, nothing of them is committed.
 *
 *   node --import tsx bench/devices.ts [--seconds N] [--machine microvm|q35] [--accel auto|kvm|tcg]
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type RunOptions } from "../cli/args.ts";
import { build } from "../cli/build.ts";
import { CliError } from "../cli/errors.ts";
import { QEMU, qemuArgs, type VmConfig } from "../cli/qemu.ts";
import { vmConfig } from "../cli/run.ts";

const USAGE = "usage: node --import tsx bench/devices.ts [--seconds N] [--machine microvm|q35] [--accel auto|kvm|tcg]";
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const BENCH_BUILD = join(BENCH_DIR, "build");
const TORO_SERVICE = join(BENCH_DIR, "services", "devices.ts");
const LINUX_INIT = join(BENCH_DIR, "services", "linux-init.sh");
/** The Linux guest's round-trip loop, a C program of the baseline and not of Toro. */
const ARP_PINGPONG = join(BENCH_DIR, "linux", "arp-pingpong.c");
/** musl-dev's gcc wrapper (musl-tools' musl-gcc is the same): a static binary needs nothing else in the initramfs. */
const MUSL_GCC = "x86_64-linux-musl-gcc";
/** Where the Debian packages are downloaded and unpacked. */
const LINUX_DIR = join(BENCH_BUILD, "linux");
const DISK_BYTES = 32 * 1024 * 1024;
const BLOCK_BYTES = 64 * 1024;
/** Enough for Debian's kernel and its initramfs; Toro keeps the memory `toro run` gives it. */
const LINUX_MEMORY_MIB = 256;
/** Past the measuring time, what a guest may take to boot and do its disk work; Linux boots in ~6 s under TCG. */
const TORO_GRACE_MS = 60_000;
const LINUX_GRACE_MS = 120_000;
/** The modules the Linux guest loads for each machine (their dependencies are found in the .ko files). */
const LINUX_DRIVERS = { microvm: ["virtio_mmio", "virtio_net", "virtio_blk"], q35: ["virtio_pci", "virtio_net", "virtio_blk"] };

const log = (line: string) => process.stderr.write(line + "\n");

/** One sequential write (ending with a flush) and read of the whole image, `inFlight` requests at a time. */
interface DiskPass {
  inFlight: number;
  writeSeconds: number;
  readSeconds: number;
}

/** What each guest prints, as one JSON line. */
interface Results {
  roundTrips: number;
  roundTripSeconds: number;
  /** Bytes written, then read, in each pass. */
  bytes: number;
  /** Toro: 1 and 8 in flight; Linux: dd's 1. */
  disks: DiskPass[];
}

interface GuestRun {
  name: string;
  args: string[];
  timeoutMs: number;
  /** QEMU's exit status when the guest ended as it should. */
  status: number;
}

interface Linux {
  kernel: string;
  initramfs: string;
  /** "6.1.0-56-amd64 (Debian 6.1.192-2)" */
  version: string;
  busybox: string;
  /** Whether virtio-mmio devices can be announced on the command line; else microvm needs ACPI to show them. */
  mmioOnCmdline: boolean;
}

/** --seconds is the bench's own; --machine and --accel go through the CLI's parser, so they mean what they mean to `toro run`. */
function parseBenchArgs(argv: string[]): { seconds: number; options: RunOptions } {
  let seconds = 5;
  const forwarded: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf("=");
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    if (!["--seconds", "--machine", "--accel"].includes(flag)) throw new CliError(`unknown option ${argv[i]}\n${USAGE}`);
    const value = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CliError(`${flag} needs a value`);
    if (flag === "--seconds") {
      seconds = Number(value);
      if (!Number.isInteger(seconds) || seconds < 1) throw new CliError(`--seconds: expected a whole number of at least 1, got "${value}"`);
    } else {
      forwarded.push(flag, value);
    }
  }
  // One fresh image per disk pass of the Toro guest, in its IN_FLIGHT order (1, then 8 requests in flight).
  const disks = ["toro-disk-1.img", "toro-disk-8.img"].flatMap((file) => ["--disk", join(BENCH_BUILD, file)]);
  const command = parseArgs(["run", TORO_SERVICE, ...disks, ...forwarded, "--", String(seconds)]);
  if (command.name !== "run") throw new Error(`parseArgs returned a ${command.name} command for run`);
  return { seconds, options: command.options };
}

/** A fresh sparse image, so both guests start from the same empty file. */
function freshDisk(path: string): void {
  writeFileSync(path, "");
  truncateSync(path, DISK_BYTES);
}

function run(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new CliError(`${command} ${args.join(" ")} failed: ${(r.error?.message ?? r.stderr).trim()}`, 1);
  return r.stdout;
}

/** The versioned package behind linux-image-amd64, e.g. linux-image-6.1.0-56-amd64. */
function kernelPackage(): string {
  const find = () => /Depends: (linux-image-\S+-amd64)/.exec(run("apt-cache", ["depends", "linux-image-amd64"]))?.[1];
  let found = find();
  if (!found) {
    // A machine that never ran apt-get update has no package lists yet.
    run("apt-get", ["update", "-qq"]);
    found = find();
  }
  if (!found) throw new CliError("apt-cache cannot resolve linux-image-amd64", 1);
  return found;
}

/** Downloads and unpacks the kernel and busybox-static once; later runs reuse bench/build/linux/. */
function unpackPackages(): { root: string; debs: string[] } {
  const root = join(LINUX_DIR, "root"), debsDir = join(LINUX_DIR, "debs");
  // Written last, so an interrupted download or unpacking is started over.
  const done = join(LINUX_DIR, "unpacked");
  const debs = () => readdirSync(debsDir).filter((f) => f.endsWith(".deb")).map((f) => join(debsDir, f));
  if (existsSync(done)) return { root, debs: debs() };
  rmSync(LINUX_DIR, { recursive: true, force: true });
  mkdirSync(debsDir, { recursive: true });
  const packages = [kernelPackage(), "busybox-static"];
  log(`bench/devices: downloading and unpacking ${packages.join(", ")}`);
  run("apt-get", ["download", "-qq", ...packages], debsDir);
  for (const deb of debs()) run("dpkg", ["-x", deb, root]);
  writeFileSync(done, "");
  return { root, debs: debs() };
}

function debVersion(debs: string[], prefix: string): string {
  const deb = debs.find((d) => basename(d).startsWith(prefix));
  return deb ? run("dpkg-deb", ["-f", deb, "Version"]).trim() : "?";
}

/** Every module file under the package's lib/modules/<version>/kernel, by module name ("-" and "_" are one to modprobe). */
function moduleFiles(modulesDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of readdirSync(join(modulesDir, "kernel"), { recursive: true, encoding: "utf8" })) {
    if (file.endsWith(".ko")) files.set(basename(file, ".ko").replace(/-/g, "_"), join(modulesDir, "kernel", file));
  }
  return files;
}

/** The modules to insmod for `wanted`, each after those its .modinfo "depends=" names; built-in ones are left out. */
function moduleOrder(modulesDir: string, wanted: string[]): { name: string; file: string }[] {
  const files = moduleFiles(modulesDir);
  const builtin = new Set(readFileSync(join(modulesDir, "modules.builtin"), "utf8").split("\n").map((l) => basename(l, ".ko").replace(/-/g, "_")));
  const order: { name: string; file: string }[] = [];
  const visit = (name: string) => {
    if (builtin.has(name) || order.some((m) => m.name === name)) return;
    const file = files.get(name);
    if (!file) throw new CliError(`the Linux package has no module ${name}`, 1);
    const depends = /depends=([\w,-]*)\0/.exec(readFileSync(file, "latin1"))?.[1] ?? "";
    depends.split(",").filter(Boolean).forEach((d) => visit(d.replace(/-/g, "_")));
    order.push({ name, file });
  };
  wanted.forEach(visit);
  return order;
}

/** arp-pingpong as a static binary in bench/build/; a compiler error ends the bench with the compiler's message. */
function compileArpPingpong(): string {
  const binary = join(BENCH_BUILD, "arp-pingpong");
  run(MUSL_GCC, ["-static", "-O2", "-Wall", "-o", binary, ARP_PINGPONG]);
  return binary;
}

/** An initramfs: busybox, arp-pingpong, /init, and the machine's virtio modules with the order to load them in. */
function buildInitramfs(root: string, modulesDir: string, machine: keyof typeof LINUX_DRIVERS): string {
  const dir = join(LINUX_DIR, `initramfs-${machine}`);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["bin", "modules", "proc", "sys", "dev", "tmp"]) mkdirSync(join(dir, sub), { recursive: true });
  const busybox = join(root, "bin", "busybox");
  copyFileSync(busybox, join(dir, "bin", "busybox"));
  copyFileSync(compileArpPingpong(), join(dir, "bin", "arp-pingpong"));
  copyFileSync(LINUX_INIT, join(dir, "init"));
  chmodSync(join(dir, "init"), 0o755);
  const modules = moduleOrder(modulesDir, LINUX_DRIVERS[machine]);
  for (const m of modules) copyFileSync(m.file, join(dir, "modules", `${m.name}.ko`));
  writeFileSync(join(dir, "modules", "order"), modules.map((m) => m.name).join("\n") + "\n");
  const archive = `${dir}.cpio`;
  // busybox's own cpio writes the newc format the kernel unpacks; no cpio package needed.
  run("sh", ["-c", `find . | '${busybox}' cpio -o -H newc > '${archive}'`], dir);
  return archive;
}

function prepareLinux(machine: keyof typeof LINUX_DRIVERS): Linux {
  const { root, debs } = unpackPackages();
  const [release] = readdirSync(join(root, "lib", "modules"));
  const config = readFileSync(join(root, "boot", `config-${release}`), "utf8");
  return {
    kernel: join(root, "boot", `vmlinuz-${release}`),
    initramfs: buildInitramfs(root, join(root, "lib", "modules", release), machine),
    version: `${release} (Debian ${debVersion(debs, "linux-image")})`,
    busybox: debVersion(debs, "busybox"),
    mmioOnCmdline: /^CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y$/m.test(config),
  };
}

/**
 * Toro's QEMU command line with Linux's kernel, initramfs, memory and disk.
 * On microvm, a kernel that cannot take the virtio_mmio.device= words QEMU
 * adds to the command line finds the devices only in ACPI tables, so ACPI is
 * turned on for it (Toro boots with it off). Linux also gets the legacy PIC:
 * when its TSC calibration against the PIT fails, as it does under TCG on a
 * busy host, it needs PIT interrupts through the 8259 to set up its timers,
 * and without them it stalls at time zero.
 */
function linuxArgs(toro: VmConfig, linux: Linux, seconds: number, disk: string): string[] {
  const cmdline = `console=ttyS0 quiet panic=-1 bench_seconds=${seconds} bench_blocks=${DISK_BYTES / BLOCK_BYTES}`;
  const vm: VmConfig = { ...toro, image: linux.kernel, memoryMiB: LINUX_MEMORY_MIB, cmdline, disks: [{ path: disk, readOnly: false }] };
  const args = qemuArgs(vm);
  if (vm.machine === "microvm") {
    const m = args.indexOf("-M") + 1;
    args[m] = args[m].replace("pic=off", "pic=on");
    if (!linux.mmioOnCmdline) args[m] = args[m].replace("acpi=off", "acpi=on");
  }
  return [...args, "-initrd", linux.initramfs];
}

/** Boots a guest, kills it at its timeout, and returns its JSON line or throws with its console. */
function runGuest(guest: GuestRun): Promise<Results> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, guest.args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, guest.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new CliError(`cannot start ${QEMU}: ${error.message}`, 1));
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const results = parseResults(stdout);
      const ended = timedOut ? `was stopped after ${guest.timeoutMs / 1000} s` : status === null ? `ended by ${signal}` : `ended with status ${status}`;
      if (results && status === guest.status) return resolve(results);
      const problem = results ? `QEMU ${ended}; expected status ${guest.status}` : `QEMU ${ended} without a results line`;
      const details = [`console:\n${stdout.trimEnd() || "(nothing)"}`, ...(stderr.trim() ? [`QEMU said:\n${stderr.trim()}`] : [])];
      reject(new CliError(`${guest.name}: ${problem}\n${details.join("\n")}`, 1));
    });
  });
}

function parseResults(output: string): Results | undefined {
  const line = /^\{"roundTrips".*\}\r?$/m.exec(output)?.[0];
  if (!line) return undefined;
  const results = JSON.parse(line) as Results;
  if (!Array.isArray(results.disks) || results.disks.length === 0) return undefined;
  const numbers = [results.roundTrips, results.roundTripSeconds, results.bytes, ...results.disks.flatMap((d) => [d.inFlight, d.writeSeconds, d.readSeconds])];
  return numbers.every((n) => typeof n === "number" && n >= 0) ? results : undefined;
}

function qemuVersion(): string {
  return /version (\S+)/.exec(run(QEMU, ["--version"]))?.[1] ?? "?";
}

/** A table row; `linux` is missing where the Linux guest does not measure the same thing. */
interface Row {
  label: string;
  toro: number;
  linux?: number;
  decimals: number;
}

/** The round trips, then a write and a read row for each of Toro's disk passes, beside Linux's pass with as many requests in flight. */
function rows(toro: Results, linux: Results): Row[] {
  const perSecond = (r: Results) => r.roundTrips / r.roundTripSeconds;
  const mbps = (r: Results, seconds: number) => r.bytes / seconds / 1e6;
  const disk = (label: string, pick: (d: DiskPass) => number) => toro.disks.map((pass) => {
    const theirs = linux.disks.find((d) => d.inFlight === pass.inFlight);
    return { label: `${label}, ${pass.inFlight} in flight`, toro: mbps(toro, pick(pass)), linux: theirs && mbps(linux, pick(theirs)), decimals: 1 };
  });
  return [
    { label: "ARP round trips per second", toro: perSecond(toro), linux: perSecond(linux), decimals: 0 },
    ...disk("virtio-blk write MB/s", (d) => d.writeSeconds),
    ...disk("virtio-blk read MB/s", (d) => d.readSeconds),
  ];
}

function table(toro: Results, linux: Results): string {
  const header = `${"".padEnd(40)}${"Toro".padStart(10)}${"Linux".padStart(10)}${"Toro/Linux".padStart(12)}`;
  const lines = rows(toro, linux).map(({ label, toro, linux, decimals }) => {
    const theirs = linux === undefined ? "-" : linux.toFixed(decimals);
    const ratio = linux === undefined ? "-" : (toro / linux).toFixed(2);
    return `  ${label.padEnd(38)}${toro.toFixed(decimals).padStart(10)}${theirs.padStart(10)}${ratio.padStart(12)}`;
  });
  return [header, ...lines].join("\n");
}

function report(seconds: number, vm: VmConfig, linux: Linux, toro: Results, theirs: Results): void {
  const acpi = vm.machine === "microvm" && !linux.mmioOnCmdline ? "; its microvm has acpi=on (no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES)" : "";
  console.log(`bench/devices: Toro and Linux guests on the same QEMU machine, devices and accelerator`);
  console.log(`QEMU ${qemuVersion()}, machine ${vm.machine}, accelerator ${vm.accel}`);
  console.log(`Toro: ${vm.memoryMiB} MiB`);
  console.log(`Linux: ${linux.version}, busybox-static ${linux.busybox}, ${LINUX_MEMORY_MIB} MiB${acpi}`);
  console.log(`round trips: ${seconds} s each (Toro ${toro.roundTrips}, Linux ${theirs.roundTrips})`);
  console.log(`disk: sequential over a ${DISK_BYTES / 1024 / 1024} MiB raw image, ${BLOCK_BYTES / 1024} KiB requests, the write ends with a flush\n`);
  console.log(table(toro, theirs));
  console.log(`
Round trips: one loop on each side that sends the request, waits for the reply and times
itself (Linux: bench/linux/arp-pingpong.c, one process, AF_PACKET, CLOCK_MONOTONIC).
Disk: Linux's dd with O_DIRECT keeps one request in flight, so Toro is compared with it
at one; Linux is not measured at 8. Each Toro pass writes its own fresh image.`);
}

async function main(): Promise<void> {
  const { seconds, options } = parseBenchArgs(process.argv.slice(2));
  mkdirSync(BENCH_BUILD, { recursive: true });
  const built = await build(TORO_SERVICE, join(BENCH_BUILD, "devices.elf"), log);
  const linux = prepareLinux(options.machine);
  const linuxDisk = join(BENCH_BUILD, "linux-disk.img");
  for (const disk of [...options.disks.map((d) => d.path), linuxDisk]) freshDisk(disk);
  // vmConfig chooses the accelerator as `toro run` does; the Linux guest gets the same choice and machine.
  const vm = vmConfig(built.image, options, log);

  log(`bench/devices: Toro guest (${seconds} s of round trips, then the disk)`);
  // exit(0) in the guest: isa-debug-exit makes that QEMU status ((0 + 1) << 1) | 1.
  const toro = await runGuest({ name: "Toro guest", args: qemuArgs(vm), timeoutMs: seconds * 1000 + TORO_GRACE_MS, status: 3 });
  log(`bench/devices: Linux guest`);
  // poweroff -f: QEMU ends with status 0.
  const theirs = await runGuest({ name: "Linux guest", args: linuxArgs(vm, linux, seconds, linuxDisk), timeoutMs: seconds * 1000 + LINUX_GRACE_MS, status: 0 });

  report(seconds, vm, linux, toro, theirs);
}

main().catch((error) => {
  log(`bench/devices: ${error instanceof CliError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
});
