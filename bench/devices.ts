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
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunOptions } from "../cli/args.ts";
import { build } from "../cli/build.ts";
import { CliError } from "../cli/errors.ts";
import { QEMU, qemuArgs, type VmConfig } from "../cli/qemu.ts";
import { vmConfig } from "../cli/run.ts";
import { BENCH_BUILD, BENCH_DIR, log, parseBenchArgs, qemuVersion, run, start } from "./common.ts";
import { acpiNote, buildInitramfs, type Kernel, linuxArgs, prepareKernel, VIRTIO_TRANSPORT } from "./linux/guest.ts";

const USAGE = "usage: node --import tsx bench/devices.ts [--seconds N] [--machine microvm|q35] [--accel auto|kvm|tcg]";
const TORO_SERVICE = join(BENCH_DIR, "services", "devices.ts");
const LINUX_INIT = join(BENCH_DIR, "services", "linux-init.sh");
/** The Linux guest's round-trip loop, a C program of the baseline and not of Toro. */
const ARP_PINGPONG = join(BENCH_DIR, "linux", "arp-pingpong.c");
/** musl-dev's gcc wrapper (musl-tools' musl-gcc is the same): a static binary needs nothing else in the initramfs. */
const MUSL_GCC = "x86_64-linux-musl-gcc";
const DISK_BYTES = 32 * 1024 * 1024;
const BLOCK_BYTES = 64 * 1024;
/** Enough for Debian's kernel and its initramfs; Toro keeps the memory `toro run` gives it. */
const LINUX_MEMORY_MIB = 256;
/** Past the measuring time, what a guest may take to boot and do its disk work; Linux boots in ~6 s under TCG. */
const TORO_GRACE_MS = 60_000;
const LINUX_GRACE_MS = 120_000;

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

/** The Linux guest's kernel and the initramfs built for this run. */
interface Linux {
  kernel: Kernel;
  initramfs: string;
}

/** A fresh sparse image, so both guests start from the same empty file. */
function freshDisk(path: string): void {
  writeFileSync(path, "");
  truncateSync(path, DISK_BYTES);
}

/** arp-pingpong as a static binary in bench/build/; a compiler error ends the bench with the compiler's message. */
function compileArpPingpong(): string {
  const binary = join(BENCH_BUILD, "arp-pingpong");
  run(MUSL_GCC, ["-static", "-O2", "-Wall", "-o", binary, ARP_PINGPONG]);
  return binary;
}

/** Debian's kernel with an initramfs of busybox, arp-pingpong, linux-init.sh as /init, and the machine's virtio modules. */
function prepareLinux(machine: RunOptions["machine"]): Linux {
  const kernel = prepareKernel();
  const initramfs = buildInitramfs(kernel, `devices-${machine}`, {
    init: LINUX_INIT,
    modules: [VIRTIO_TRANSPORT[machine], "virtio_net", "virtio_blk"],
    files: { "bin/arp-pingpong": compileArpPingpong() },
  });
  return { kernel, initramfs };
}

/** Boots a guest, kills it at its timeout, and returns its JSON line or throws with its console. */
async function runGuest(guest: GuestRun): Promise<Results> {
  const qemu = start(guest.name, QEMU, guest.args);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void qemu.stop();
  }, guest.timeoutMs);
  const { status, signal } = await qemu.ended.finally(() => clearTimeout(timer));
  const results = parseResults(qemu.stdout());
  const ended = timedOut ? `was stopped after ${guest.timeoutMs / 1000} s` : status === null ? `ended by ${signal}` : `ended with status ${status}`;
  if (results && status === guest.status) return results;
  const problem = results ? `QEMU ${ended}; expected status ${guest.status}` : `QEMU ${ended} without a results line`;
  throw new CliError(`${guest.name}: ${problem}\n${qemu.details()}`, 1);
}

function parseResults(output: string): Results | undefined {
  const line = /^\{"roundTrips".*\}\r?$/m.exec(output)?.[0];
  if (!line) return undefined;
  const results = JSON.parse(line) as Results;
  if (!Array.isArray(results.disks) || results.disks.length === 0) return undefined;
  const numbers = [results.roundTrips, results.roundTripSeconds, results.bytes, ...results.disks.flatMap((d) => [d.inFlight, d.writeSeconds, d.readSeconds])];
  return numbers.every((n) => typeof n === "number" && n >= 0) ? results : undefined;
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
  console.log(`bench/devices: Toro and Linux guests on the same QEMU machine, devices and accelerator`);
  console.log(`QEMU ${qemuVersion()}, machine ${vm.machine}, accelerator ${vm.accel}`);
  console.log(`Toro: ${vm.memoryMiB} MiB`);
  const { kernel } = linux;
  console.log(`Linux: ${kernel.version}, busybox-static ${kernel.busyboxVersion}, ${LINUX_MEMORY_MIB} MiB${acpiNote(vm.machine, kernel)}`);
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
  // One fresh image per disk pass of the Toro guest, in its IN_FLIGHT order (1, then 8 requests in flight).
  const disks = ["toro-disk-1.img", "toro-disk-8.img"].flatMap((file) => ["--disk", join(BENCH_BUILD, file)]);
  const { numbers: { seconds }, options } = parseBenchArgs(process.argv.slice(2), USAGE, { seconds: { value: 5, least: 1 } }, [TORO_SERVICE, ...disks]);
  options.args = [String(seconds)];
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
  const theirs = await runGuest({ name: "Linux guest", args: linuxArgs(vm, {
    kernel: linux.kernel,
    initramfs: linux.initramfs,
    memoryMiB: LINUX_MEMORY_MIB,
    cmdline: `console=ttyS0 quiet panic=-1 bench_seconds=${seconds} bench_blocks=${DISK_BYTES / BLOCK_BYTES}`,
    disks: [{ path: linuxDisk, readOnly: false }],
  }), timeoutMs: seconds * 1000 + LINUX_GRACE_MS, status: 0 });

  report(seconds, vm, linux, toro, theirs);
}

main().catch((error) => {
  log(`bench/devices: ${error instanceof CliError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
});
