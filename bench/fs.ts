/**
 * bench/fs: the Filesystem unit against Linux's, in one run on the same
 * machine, QEMU, accelerator and FAT image:
 *
 *   Toro          bench/services/fs-toro.ts: the image as --disk, mounted at /data
 *   Linux + Node  Debian's kernel (the image mounted as vfat), bench/linux/fs-io.c
 *                 for the files and Debian's Node for HTTP (bench/services/fs-node.ts)
 *
 * Each guest boots with a fresh copy of the same image (mkfs.fat + mcopy),
 * first runs the file workload (bench/services/fs-workload.ts: sequential
 * and random reads and writes, MB/s) and prints it, then serves the image's
 * www/ over HTTP, where wrk measures a 10 KiB and a 1 MiB file (req/s, MB/s,
 * p99). Afterwards the host reads back, with mtools, what each guest wrote.
 * The guests take turns, so they never compete for the host's CPUs.
 *
 *   node --import tsx bench/fs.ts [--mib N] [--ops N] [--duration S] [--warmup S] [--connections N] [--large-connections N] [--machine microvm|q35] [--accel auto|kvm|tcg]
 */
import * as esbuild from "esbuild";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { build } from "../cli/build.ts";
import { CliError } from "../cli/errors.ts";
import { ensurePlatform } from "../cli/platform.ts";
import { QEMU, qemuArgs, type VmConfig } from "../cli/qemu.ts";
import { vmConfig } from "../cli/run.ts";
import { freePort } from "../test/boot/helpers.ts";
import { BENCH_BUILD, BENCH_DIR, log, parseBenchArgs, qemuVersion, run, type Running, start } from "./common.ts";
import { acpiNote, buildInitramfs, debianNodePackages, debVersion, type Kernel, linuxArgs, prepareKernel, unpackPackages, VIRTIO_TRANSPORT } from "./linux/guest.ts";
import { expectedRandWrite, expectedSeqWrite, FILES, type FsResults, type Pass, RANDOM_BYTES, SEQUENTIAL_BYTES } from "./services/fs-workload.ts";
import { cpuSeconds, ensureWrk, errorCount, get, parseWrk, RAMP_GAP_MS, runWrk, type WrkResult, wrkVersion, wrkWords } from "./wrk.ts";

const USAGE = "usage: node --import tsx bench/fs.ts [--mib N] [--ops N] [--duration S] [--warmup S] [--connections N] [--large-connections N] [--machine microvm|q35] [--accel auto|kvm|tcg]";
const TORO_SERVICE = join(BENCH_DIR, "services", "fs-toro.ts");
const NODE_SERVER = join(BENCH_DIR, "services", "fs-node.ts");
const NODE_BUNDLE = join(BENCH_BUILD, "fs-node.cjs");
const LINUX_INIT = join(BENCH_DIR, "services", "fs-linux-init.sh");
/** The Linux guest's file workload, a C program of the baseline and not of Toro. */
const FS_IO = join(BENCH_DIR, "linux", "fs-io.c");
const MUSL_GCC = "x86_64-linux-musl-gcc";
const FS_BUILD = join(BENCH_BUILD, "fs");
/** Both guests get this much: Linux needs it for the kernel, Node and the unpacked initramfs (about 100 MB). */
const MEMORY_MIB = 256;
/**
 * The image: FAT32 with 4 KiB clusters (a page, and the random passes'
 * block), which takes at least 65525 clusters, so 320 MiB; sparse on the
 * host, and most of it free.
 */
const IMAGE_MIB = 320;
const CLUSTER_SECTORS = 8;
/**
 * The files served over HTTP, from the image's www/, and which of wrk's
 * connection counts each gets: the 1 MiB file fewer, since under TCG a guest
 * sends about 1.3 MB/s in all (curl, 8 at once from Toro: each took 6.5 s),
 * so 8 connections' first answers would all come after a 5 s run ended.
 */
const STATIC_FILES = [
  { name: "10 KiB", path: "/10k.bin", bytes: 10 * 1024, connections: "connections" },
  { name: "1 MiB", path: "/1m.bin", bytes: 1024 * 1024, connections: "largeConnections" },
] as const;
/** How long a guest may take to boot and run the file workload: under TCG, Linux takes ~15 s to boot with Node in its initramfs. */
const WORKLOAD_MS = 600_000;
/** Then to answer its first HTTP request. */
const READY_MS = 60_000;
/**
 * The Linux guest's command line. rootfstype=ramfs: the initramfs (about
 * 100 MB unpacked) would not fit a tmpfs root, which may take only half the
 * memory (bench/http.ts's guest, the same Node). tsc=reliable: under TCG on
 * a busy host the clocksource watchdog finds the TSC off against jiffies and
 * drops it for refined-jiffies, whose 4 ms steps fs-io's CLOCK_MONOTONIC
 * then reads (a run gave 0.016001 s for passes of any length); QEMU's TCG
 * TSC follows the host's clock, as Toro's performance.now() does.
 */
const LINUX_CMDLINE = "console=ttyS0 quiet panic=-1 rootfstype=ramfs tsc=reliable";
const TORO = "Toro", LINUX = "Linux + Node";

interface Settings {
  /** Each workload file's size. */
  bytes: number;
  /** Random reads, and as many random writes. */
  ops: number;
  seconds: number;
  warmup: number;
  /** wrk's connections (and threads) for the 10 KiB file, and for the 1 MiB file. */
  connections: number;
  largeConnections: number;
}

/** The image as both guests get it, and the files the bench put on it. */
interface Image {
  path: string;
  /** Path on the image → content. */
  files: Map<string, Buffer>;
  mkfsVersion: string;
}

/** One target × file measure over HTTP. */
interface HttpMeasure {
  file: (typeof STATIC_FILES)[number];
  wrk?: WrkResult;
  /** CPU seconds per second of the guest's QEMU while wrk ran. */
  cores: number;
}

/** What a guest gave, or where it stopped. */
interface GuestReport {
  name: string;
  about: string;
  fs?: FsResults;
  http: HttpMeasure[];
  /** The Linux guest's clocksource, which fs-io's CLOCK_MONOTONIC reads. */
  clock?: string;
  /** From QEMU's start to the workload's line, and to the first HTTP answer. */
  workloadMs?: number;
  readyMs?: number;
  problems: string[];
}

/** Debian's dosfstools and mtools make the image and read it back; installed where missing, as the bench does with wrk. */
function ensureFatTools(): void {
  const missing = [["mkfs.fat", "dosfstools"], ["mcopy", "mtools"]].filter(([tool]) => spawnSync(tool, ["--version"]).error !== undefined).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`bench/fs: installing ${missing.join(", ")}`);
  run("apt-get", ["install", "-y", "-qq", ...missing]);
}

/**
 * The FAT32 image both guests get a copy of: www/10k.bin and www/1m.bin for
 * HTTP, and the workload's files of `bytes` each, random bytes all, put on
 * it with mcopy.
 */
function makeImage(bytes: number): Image {
  const tree = join(FS_BUILD, "tree"), path = join(FS_BUILD, "image.img");
  rmSync(FS_BUILD, { recursive: true, force: true });
  mkdirSync(join(tree, "www"), { recursive: true });
  const files = new Map<string, Buffer>();
  for (const file of STATIC_FILES) files.set(`www${file.path}`, randomBytes(file.bytes));
  for (const name of [FILES.seqRead, FILES.randRead, FILES.randWrite]) files.set(name, randomBytes(bytes));
  for (const [name, content] of files) writeFileSync(join(tree, name), content);
  writeFileSync(path, "");
  truncateSync(path, IMAGE_MIB * 1024 * 1024);
  const mkfs = run("mkfs.fat", ["-F", "32", "-s", String(CLUSTER_SECTORS), "-n", "BENCHFS", path]);
  run("mcopy", ["-i", path, "-s", "-Q", join(tree, "www"), join(tree, FILES.seqRead), join(tree, FILES.randRead), join(tree, FILES.randWrite), "::/"]);
  return { path, files, mkfsVersion: /mkfs\.fat (\S+)/.exec(mkfs)?.[1] ?? "?" };
}

/** A guest's own copy of the image at `copy`, so each starts from the same bytes. */
function copyImage(image: Image, copy: string): string {
  // The image is sparse: copy only its data, or each copy would write 320 MiB.
  run("cp", ["--sparse=always", image.path, copy]);
  return copy;
}

/** fs-io as a static binary in bench/build/; a compiler error ends the bench with the compiler's message. */
function compileFsIo(): string {
  const binary = join(BENCH_BUILD, "fs-io");
  run(MUSL_GCC, ["-static", "-O2", "-Wall", "-o", binary, FS_IO]);
  return binary;
}

/** Debian's kernel with an initramfs of busybox, fs-io, Debian's Node.js with fs-node, the modules for virtio and vfat, and fs-linux-init.sh as /init. */
async function prepareLinux(machine: VmConfig["machine"]): Promise<{ kernel: Kernel; initramfs: string; node: string }> {
  await esbuild.build({ entryPoints: [NODE_SERVER], bundle: true, platform: "node", target: "node18", format: "cjs", outfile: NODE_BUNDLE, logLevel: "silent" });
  const kernel = prepareKernel();
  const node = unpackPackages("node", debianNodePackages());
  const initramfs = buildInitramfs(kernel, `fs-${machine}`, {
    init: LINUX_INIT,
    // vfat asks for its code page and character set (cp437, ascii with utf8 on: Debian's defaults) when it mounts.
    modules: [VIRTIO_TRANSPORT[machine], "virtio_net", "virtio_rng", "virtio_blk", "vfat", "nls_cp437", "nls_ascii", "nls_utf8"],
    files: { "bin/fs-io": compileFsIo(), "fs-node.cjs": NODE_BUNDLE },
    trees: [{ root: node.root, skip: ["usr/share/doc", "usr/share/man", "usr/share/lintian", "usr/lib/x86_64-linux-gnu/gconv"] }],
    compress: true,
  });
  return { kernel, initramfs, node: `Node ${debVersion(node, "nodejs")} (Debian's) with node:http and fs.createReadStream` };
}

/** The workload's line on a guest's console, once it is there and whole. */
function workloadLine(console: string): FsResults | undefined {
  const line = /^\{"fsio":.*\}\r?$/m.exec(console)?.[0];
  if (!line) return undefined;
  const { fsio } = JSON.parse(line) as { fsio: FsResults };
  const passes = [fsio.seqRead, fsio.randRead, fsio.seqWrite, fsio.randWrite];
  return passes.every((p) => p && [p.bytes, p.ops, p.seconds].every((n) => typeof n === "number" && n >= 0)) ? fsio : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What is wrong with the guest's answers for the static files, if anything. */
async function checkFiles(port: number, image: Image): Promise<string | undefined> {
  for (const file of STATIC_FILES) {
    const answer = await get(port, file.path, 30_000);
    if (!answer) return `GET ${file.path} got no answer`;
    if (answer.status !== 200) return `GET ${file.path} answered ${answer.status}`;
    if (!answer.body.equals(image.files.get(`www${file.path}`)!)) return `GET ${file.path} answered ${answer.body.length} bytes that are not the file's ${file.bytes}`;
  }
  return undefined;
}

/** Warms one file up, then measures it. */
async function measureFile(guest: Running, port: number, file: HttpMeasure["file"], settings: Settings, problems: string[]): Promise<HttpMeasure> {
  const label = `${guest.name}, ${file.name}`;
  const connections = settings[file.connections];
  if (settings.warmup > 0) {
    log(`bench/fs: ${label}: warming up for ${settings.warmup} s`);
    const warm = await runWrk(port, file.path, settings.warmup, connections);
    if (warm.ended) {
      problems.push(`${label}: warm-up: ${warm.ended}`);
      return { file, cores: NaN };
    }
  }
  const cpuBefore = cpuSeconds(guest.pid), before = performance.now();
  const { output, ended } = await runWrk(port, file.path, settings.seconds, connections);
  const cores = (cpuSeconds(guest.pid) - cpuBefore) / ((performance.now() - before) / 1000);
  const result = parseWrk(output);
  if (ended || !result) {
    problems.push(`${label}: ${ended ?? `cannot read wrk's output:\n${output}`}`);
    return { file, cores };
  }
  if (result.requests === 0) {
    problems.push(`${label}: no request was answered within the ${settings.seconds} s run (a longer --duration, or fewer connections, gives it time)`);
    return { file, cores };
  }
  log(`bench/fs: ${label}: ${result.requests} requests in ${result.seconds.toFixed(1)} s, ${result.perSecond.toFixed(1)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, ${errorCount(result)} errors`);
  if (errorCount(result) > 0) problems.push(`${label}: ${errorCount(result)} errors under load; wrk said:\n${output.trimEnd()}`);
  return { file, wrk: result, cores };
}

/**
 * Boots a guest, waits for its workload line, then for it to serve, and
 * measures the static files; every problem is kept in the report, with the
 * console, and the guest is stopped.
 */
async function runGuest(name: string, about: string, args: string[], port: number, image: Image, settings: Settings): Promise<GuestReport> {
  const report: GuestReport = { name, about, http: [], problems: [] };
  const started = performance.now();
  const guest = start(name, QEMU, args);
  let ended = false;
  guest.ended.then(() => (ended = true), () => (ended = true));
  const elapsed = () => performance.now() - started;
  log(`bench/fs: ${name}: booting, then the file workload`);
  while (!ended && elapsed() < WORKLOAD_MS && !(report.fs = workloadLine(guest.stdout()))) await sleep(200);
  if (report.fs) {
    report.workloadMs = elapsed();
    log(`bench/fs: ${name}: file workload done after ${(report.workloadMs / 1000).toFixed(1)} s`);
    const deadline = elapsed() + READY_MS;
    while (!ended && elapsed() < deadline && (await get(port, STATIC_FILES[0].path, 1000))?.status !== 200) await sleep(200);
    const problem = ended ? "ended before it served" : elapsed() >= deadline ? `did not serve within ${READY_MS / 1000} s of the workload` : await checkFiles(port, image);
    if (problem) report.problems.push(problem);
    else {
      report.readyMs = elapsed();
      for (const file of STATIC_FILES) report.http.push(await measureFile(guest, port, file, settings, report.problems));
      const after = await checkFiles(port, image);
      if (after) report.problems.push(`after the load: ${after}`);
    }
  } else {
    report.problems.push(ended ? "ended without the file workload's line" : `no file workload line within ${WORKLOAD_MS / 1000} s`);
  }
  await guest.stop();
  report.clock = /^clocksource: (\S+)/m.exec(guest.stdout())?.[1];
  if (report.problems.length) report.problems.push(guest.details());
  return report;
}

/** A file off the image, with mtools. */
function readBack(imagePath: string, name: string): Buffer {
  const out = join(FS_BUILD, "read-back");
  run("mcopy", ["-n", "-o", "-i", imagePath, `::${name}`, out]);
  return readFileSync(out);
}

/** What is wrong with what the guest wrote on its image, if anything: read back on the host, after the guest ended. */
function checkWrites(imagePath: string, image: Image, settings: Settings): string | undefined {
  const seq = readBack(imagePath, FILES.seqWrite);
  if (!seq.equals(expectedSeqWrite(settings.bytes))) return `${FILES.seqWrite} does not hold what the sequential write wrote (${seq.length} bytes)`;
  const rand = readBack(imagePath, FILES.randWrite);
  if (!rand.equals(expectedRandWrite(image.files.get(FILES.randWrite)!, settings.ops))) return `${FILES.randWrite} does not hold what the random writes wrote`;
  return undefined;
}

const mb = (bytes: number, seconds: number) => bytes / seconds / 1e6;

/** Two decimals, or two significant digits for a ratio under 0.1. */
function formatRatio(ratio: number): string {
  return !Number.isFinite(ratio) ? "-" : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function httpTable(guests: GuestReport[]): string {
  const widths = [16, 8, 10, 9, 9, 10, 10, 8, 10];
  const row = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("");
  const lines = [row(["target", "file", "requests", "req/s", "MB/s", "p50 ms", "p99 ms", "errors", "host CPU"])];
  for (const guest of guests) {
    for (const file of STATIC_FILES) {
      const m = guest.http.find((h) => h.file === file);
      const w = m?.wrk;
      lines.push(w ? row([guest.name, file.name, String(w.requests), w.perSecond.toFixed(1), mb(w.perSecond * file.bytes, 1).toFixed(2), w.p50Ms.toFixed(1), w.p99Ms.toFixed(1), String(errorCount(w)), m.cores.toFixed(2)])
        : row([guest.name, file.name, "-", "-", "-", "-", "-", "failed", "-"]));
    }
  }
  const [toro, linux] = guests.map((g) => (file: HttpMeasure["file"]) => g.http.find((h) => h.file === file)?.wrk);
  lines.push("", `${"".padEnd(24)}${"Toro / Linux + Node".padStart(20)}`);
  for (const file of STATIC_FILES) {
    const [ours, theirs] = [toro(file), linux(file)];
    lines.push(`${`${file.name} req/s`.padEnd(24)}${formatRatio(ours && theirs ? ours.perSecond / theirs.perSecond : NaN).padStart(20)}`);
    lines.push(`${`${file.name} p99 latency`.padEnd(24)}${formatRatio(ours && theirs ? ours.p99Ms / theirs.p99Ms : NaN).padStart(20)}`);
  }
  return lines.join("\n");
}

const PASSES: { key: keyof FsResults; label: string }[] = [
  { key: "seqRead", label: `sequential read, ${SEQUENTIAL_BYTES / 1024} KiB` },
  { key: "randRead", label: `random read, ${RANDOM_BYTES / 1024} KiB` },
  { key: "seqWrite", label: `sequential write, ${SEQUENTIAL_BYTES / 1024} KiB` },
  { key: "randWrite", label: `random write, ${RANDOM_BYTES / 1024} KiB` },
];

function fsTable(guests: GuestReport[]): string {
  const [toro, linux] = guests;
  const cell = (p: Pass | undefined, pick: (p: Pass) => number, decimals: number) => (p ? pick(p).toFixed(decimals) : "-");
  const ratio = (a: Pass | undefined, b: Pass | undefined) => formatRatio(a && b ? mb(a.bytes, a.seconds) / mb(b.bytes, b.seconds) : NaN);
  const lines = [`${"".padEnd(30)}${"Toro MB/s".padStart(11)}${"Linux MB/s".padStart(12)}${"Toro/Linux".padStart(12)}${"Toro op/s".padStart(11)}${"Linux op/s".padStart(12)}`];
  for (const { key, label } of PASSES) {
    const [ours, theirs] = [toro.fs?.[key], linux.fs?.[key]];
    const speed = (p: Pass) => mb(p.bytes, p.seconds), rate = (p: Pass) => p.ops / p.seconds;
    lines.push(`${label.padEnd(30)}${cell(ours, speed, 2).padStart(11)}${cell(theirs, speed, 2).padStart(12)}${ratio(ours, theirs).padStart(12)}${cell(ours, rate, 0).padStart(11)}${cell(theirs, rate, 0).padStart(12)}`);
  }
  return lines.join("\n");
}

function report(settings: Settings, vm: VmConfig, kernel: Kernel, image: Image, guests: GuestReport[], loadBefore: string): void {
  console.log(`bench/fs: static files over HTTP and file I/O on one FAT image, Toro against Linux + Node, in one run`);
  console.log(`QEMU ${qemuVersion()}, machine ${vm.machine}, accelerator ${vm.accel}, 1 vCPU and ${MEMORY_MIB} MiB per guest, user networking with a port forward`);
  console.log(`image: FAT32 (mkfs.fat ${image.mkfsVersion}), ${IMAGE_MIB} MiB, ${CLUSTER_SECTORS * 512 / 1024} KiB clusters, files put on with mcopy; each guest boots with its own copy, on virtio-blk with QEMU's default cache`);
  for (const guest of guests) {
    const times = guest.workloadMs === undefined ? "" : `; file workload done ${(guest.workloadMs / 1000).toFixed(1)} s after QEMU started${guest.readyMs === undefined ? "" : `, serving at ${(guest.readyMs / 1000).toFixed(1)} s`}`;
    console.log(`${guest.name}: ${guest.about}${guest.clock ? `, clocksource ${guest.clock}` : ""}${times}`);
  }
  console.log(`Linux kernel: ${kernel.version}, busybox-static ${kernel.busyboxVersion}${acpiNote(vm.machine, kernel)}`);
  const words = STATIC_FILES.map((file) => `${wrkWords(settings[file.connections], settings.seconds)} for ${file.name}`).join(", ");
  console.log(`wrk ${wrkVersion()}: ${words}; connections opened ${RAMP_GAP_MS} ms apart (wrk-ramp.lua), after ${settings.warmup} s of warm-up per file\n`);
  console.log(`HTTP: GET of a file in the image's www/ (MB/s: of the file's bytes)`);
  console.log(httpTable(guests));
  console.log(`(req/s: above 1, Toro serves more; p99 latency: below 1, Toro answers sooner)\n`);
  console.log(`file I/O: ${settings.bytes / 1024 / 1024} MiB files; ${settings.ops} random reads and ${settings.ops} random writes, each of a different block`);
  console.log(fsTable(guests));
  console.log(`
Each guest runs the file workload first, in a fresh boot, on files it has not touched:
sequential read of one file, random reads of another (each block once, shuffled), a new file
written sequentially, then random writes into a third (each block once), writes timed until
sync()/fsync() returned. So neither cache can answer a read twice or end a write early.
Linux: bench/linux/fs-io.c reads with O_DIRECT (the page cache is bypassed; one request per
read()) and writes through the page cache, timed until fsync(). Toro: toro/fs FileHandle
read()/write() at explicit positions through its FAT driver's block cache, timed until sync().
The host then reads back what each guest wrote, with mtools.
host load average (1, 5, 15 min): ${loadBefore} before the first guest, ${loadavg().map((n) => n.toFixed(2)).join(" ")} after the last.`);
  const json = guests.map((g) => ({
    target: g.name,
    fs: g.fs ?? null,
    http: STATIC_FILES.map((file) => {
      const m = g.http.find((h) => h.file === file), w = m?.wrk;
      return { file: file.path, bytes: file.bytes, requestsPerSecond: w?.perSecond ?? null, p50Ms: w?.p50Ms ?? null, p99Ms: w?.p99Ms ?? null, errors: w ? errorCount(w) : null, hostCpu: m && w ? Number(m.cores.toFixed(3)) : null };
    }),
  }));
  console.log(`\n${JSON.stringify({ machine: vm.machine, accel: vm.accel, memoryMiB: MEMORY_MIB, ...settings, results: json })}`);
}

async function main(): Promise<void> {
  const [toroPort, linuxPort] = [await freePort(), await freePort()];
  const numbers = {
    mib: { value: 8, least: 1 },
    ops: { value: 256, least: 1 },
    duration: { value: 5, least: 1 },
    warmup: { value: 2, least: 0 },
    connections: { value: 8, least: 1 },
    "large-connections": { value: 2, least: 1 },
  };
  const toroImage = join(FS_BUILD, "toro.img");
  const runArgs = [TORO_SERVICE, "--disk", toroImage, "-p", `${toroPort}:80`, "--mem", `${MEMORY_MIB}M`];
  const { numbers: flags, options } = parseBenchArgs(process.argv.slice(2), USAGE, numbers, runArgs);
  const settings: Settings = { bytes: flags.mib * 1024 * 1024, ops: flags.ops, seconds: flags.duration, warmup: flags.warmup, connections: flags.connections, largeConnections: flags["large-connections"] };
  options.args = [String(settings.bytes), String(settings.ops)];
  ensureWrk();
  ensureFatTools();
  mkdirSync(BENCH_BUILD, { recursive: true });
  const image = makeImage(settings.bytes);
  copyImage(image, toroImage);
  const linuxImage = copyImage(image, join(FS_BUILD, "linux.img"));
  const linux = await prepareLinux(options.machine);
  const guests: GuestReport[] = [];
  const loadBefore = loadavg().map((n) => n.toFixed(2)).join(" ");

  // The Toro guest: a build that fails (a missing part of the Filesystem unit) is reported, and Linux is still measured.
  let vm: VmConfig;
  try {
    const built = await build(TORO_SERVICE, join(BENCH_BUILD, "fs.elf"), log);
    // vmConfig chooses the accelerator as `toro run` does; the Linux guest gets the same choice, machine and network.
    vm = vmConfig(built.image, options, log);
    guests.push(await runGuest(TORO, `${built.bytes} bytes of image, toro/fs and serveStatic`, qemuArgs(vm), toroPort, image, settings));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    // The Linux guest still needs the machine and accelerator `toro run` would choose: those of the platform's reference guest.
    vm = vmConfig(ensurePlatform(log).referenceImage, options, log);
    guests.push({ name: TORO, about: "not built", http: [], problems: [`cannot build ${TORO_SERVICE}: ${error.message}`] });
  }
  const linuxVm: VmConfig = { ...vm, forwards: [{ protocol: "tcp", host: linuxPort, guest: 80 }] };
  const cmdline = `${LINUX_CMDLINE} bench_bytes=${settings.bytes} bench_ops=${settings.ops}`;
  const linuxQemu = linuxArgs(linuxVm, { ...linux, memoryMiB: MEMORY_MIB, cmdline, disks: [{ path: linuxImage, readOnly: false }] });
  guests.push(await runGuest(LINUX, linux.node, linuxQemu, linuxPort, image, settings));

  for (const [guest, path] of [[guests[0], toroImage], [guests[1], linuxImage]] as const) {
    if (!guest.fs) continue;
    const wrong = checkWrites(path, image, settings);
    if (wrong) guest.problems.push(`on its image afterwards: ${wrong}`);
  }
  report(settings, vm, linux.kernel, image, guests, loadBefore);
  const problems = guests.filter((g) => g.problems.length).map((g) => `${g.name}: ${g.problems.join("\n")}`);
  if (problems.length) {
    log(`bench/fs: problems:\n${problems.join("\n\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  log(`bench/fs: ${error instanceof CliError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
});
