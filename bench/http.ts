/**
 * bench/http: requests per second and p99 latency, measured with wrk, of one
 * fetch handler (bench/services/http-handler.ts) served three ways, one
 * after the other in the same run on the same machine:
 *
 *   Toro          the handler as a Toro service, booted as `toro run … -p PORT:80` boots it
 *   Linux + Node  Debian's kernel and Node.js in the same QEMU machine, accelerator,
 *                 user network and port forward, 1 vCPU and the same memory
 *   host Node     the host's Node, the ceiling
 *
 * Node serves the handler through bench/services/http-node.ts, a node:http
 * adapter bundled with esbuild. Two workloads: examples/hello-http's "Hello"
 * (GET /) and a 10 KiB body (GET /10k). Each target is checked to answer
 * both correctly, then each workload is warmed up and measured; wrk's socket
 * errors and non-2xx/3xx responses are counted as errors. The targets take
 * turns, so they never compete for the host's CPUs, and the report gives the
 * host's load average, since other work on the host does.
 *
 *   node --import tsx bench/http.ts [--duration S] [--warmup S] [--connections N] [--machine microvm|q35] [--accel auto|kvm|tcg]
 */
import * as esbuild from "esbuild";
import { mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { build } from "../cli/build.ts";
import { CliError } from "../cli/errors.ts";
import { QEMU, qemuArgs, type VmConfig } from "../cli/qemu.ts";
import { vmConfig } from "../cli/run.ts";
import { freePort } from "../test/boot/helpers.ts";
import { BENCH_BUILD, BENCH_DIR, log, parseBenchArgs, qemuVersion, type Running, start } from "./common.ts";
import { acpiNote, buildInitramfs, debianNodePackages, debVersion, type Kernel, linuxArgs, prepareKernel, unpackPackages, VIRTIO_TRANSPORT } from "./linux/guest.ts";
import { cpuSeconds, ensureWrk, errorCount, get, parseWrk, RAMP_GAP_MS, runWrk, WRK_TIMEOUT_S, type WrkResult, wrkVersion, wrkWords } from "./wrk.ts";

const USAGE = "usage: node --import tsx bench/http.ts [--duration S] [--warmup S] [--connections N] [--machine microvm|q35] [--accel auto|kvm|tcg]";
const HANDLER = join(BENCH_DIR, "services", "http-handler.ts");
const NODE_ADAPTER = join(BENCH_DIR, "services", "http-node.ts");
const NODE_BUNDLE = join(BENCH_BUILD, "http-node.cjs");
const LINUX_INIT = join(BENCH_DIR, "services", "linux-http-init.sh");
/** Both guests get this much: Linux needs it for the kernel, Node and the unpacked initramfs (about 100 MB). */
const MEMORY_MIB = 256;
/** How long a target may take to answer its first request: under TCG, Linux boots, unpacks Node and starts it in ~12 s. */
const READY_MS = { toro: 60_000, linux: 300_000, host: 15_000 };
/** At ~100 req/s, a guest's p99 is its 20th slowest request of 20 s. */
const DURATION_S = 20;
const HELLO_BODY = "Hello, world! This is TypeScript on bare (virtual) metal.\n";
const TEN_KIB = 10 * 1024;
/**
 * The Linux guest's command line. rootfstype=ramfs: the initramfs (about
 * 100 MB unpacked) would not fit a tmpfs root, which may take only half the
 * memory ("Initramfs unpacking failed: write error").
 */
const LINUX_CMDLINE = "console=ttyS0 quiet panic=-1 rootfstype=ramfs";
/** The target that is no VM: Node on the host, the ceiling. */
const HOST = "host Node";

interface Workload {
  name: string;
  path: string;
  /** What a correct answer's body looks like. */
  check: (body: string) => boolean;
}

const WORKLOADS: Workload[] = [
  { name: "hello", path: "/", check: (body) => body === HELLO_BODY },
  { name: "10 KiB", path: "/10k", check: (body) => body.length === TEN_KIB },
];

interface WrkSettings {
  seconds: number;
  warmup: number;
  /** Also wrk's threads: wrk-ramp.lua opens one connection per thread. */
  connections: number;
}

/** One target × workload measure: wrk's numbers and the host CPU its server process used meanwhile. */
interface Measure {
  target: string;
  workload: string;
  wrk: WrkResult | undefined;
  /** CPU seconds per second of the server's process (QEMU or Node) while wrk ran. */
  cores: number;
  /** Why there is no measure, or what went wrong during it. */
  problem?: string;
}

/** A server the bench started and measures. */
interface Target {
  name: string;
  port: number;
  process: Running;
  readyMs: number;
  /** One line about what it runs, for the report. */
  about: string;
}

/** The handler with its node:http adapter as one CommonJS file, for Node 18 in the guest and the host's Node. */
async function bundleForNode(): Promise<void> {
  await esbuild.build({ entryPoints: [NODE_ADAPTER], bundle: true, platform: "node", target: "node18", format: "cjs", outfile: NODE_BUNDLE, logLevel: "silent" });
}

/** Debian's kernel with an initramfs of busybox, Debian's Node.js, the bundle and linux-http-init.sh as /init. */
function prepareLinux(machine: VmConfig["machine"]): { kernel: Kernel; initramfs: string; node: string } {
  const kernel = prepareKernel();
  const node = unpackPackages("node", debianNodePackages());
  const initramfs = buildInitramfs(kernel, `http-${machine}`, {
    init: LINUX_INIT,
    modules: [VIRTIO_TRANSPORT[machine], "virtio_net", "virtio_rng"],
    files: { "http-node.cjs": NODE_BUNDLE },
    trees: [{ root: node.root, skip: ["usr/share/doc", "usr/share/man", "usr/share/lintian", "usr/lib/x86_64-linux-gnu/gconv"] }],
    compress: true,
  });
  return { kernel, initramfs, node: `Node ${debVersion(node, "nodejs")} (Debian's nodejs and libnode108)` };
}

/** What is wrong with the target's answers to the workloads, if anything. */
async function checkAnswers(port: number): Promise<string | undefined> {
  for (const workload of WORKLOADS) {
    const answer = await get(port, workload.path);
    if (!answer) return `GET ${workload.path} got no answer`;
    const body = answer.body.toString("utf8");
    if (answer.status !== 200 || !workload.check(body)) return `GET ${workload.path} answered ${answer.status} with ${JSON.stringify(body.slice(0, 80))}`;
  }
  return undefined;
}

/** Starts a target and waits until it answers GET / correctly; throws with its output if it ends or does not answer in time. */
async function startTarget(name: string, port: number, about: string, command: string, args: string[], readyMs: number, env?: NodeJS.ProcessEnv): Promise<Target> {
  const started = performance.now();
  const child = start(name, command, args, env);
  let ended = false;
  child.ended.then(() => (ended = true), () => (ended = true));
  while (!ended && performance.now() - started < readyMs) {
    // A short timeout: a connection QEMU accepted before the guest listened may wait long for its answer.
    const answer = await get(port, "/", 500);
    if (answer?.status === 200 && answer.body.toString("utf8") === HELLO_BODY) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const problem = ended ? "ended before it served" : performance.now() - started >= readyMs ? `did not answer GET / within ${readyMs / 1000} s` : await checkAnswers(port);
  if (problem) {
    await child.stop().catch(() => undefined);
    throw new CliError(`${name} ${problem}\n${child.details()}`, 1);
  }
  const target = { name, port, process: child, readyMs: performance.now() - started, about };
  log(`bench/http: ${name} answers after ${(target.readyMs / 1000).toFixed(1)} s`);
  return target;
}

/** Warms the workload up, then measures it; a target that stops answering is reported, not thrown. */
async function measure(target: Target, workload: Workload, settings: WrkSettings): Promise<Measure> {
  const label = `${target.name}, ${workload.name}`;
  const failed = (problem: string): Measure => {
    log(`bench/http: ${label}: ${problem}`);
    return { target: target.name, workload: workload.name, wrk: undefined, cores: NaN, problem };
  };
  if (settings.warmup > 0) {
    log(`bench/http: ${label}: warming up for ${settings.warmup} s`);
    const warm = await runWrk(target.port, workload.path, settings.warmup, settings.connections);
    if (warm.ended) return failed(`warm-up: ${warm.ended}`);
  }
  const cpuBefore = cpuSeconds(target.process.pid), before = performance.now();
  const { output, ended } = await runWrk(target.port, workload.path, settings.seconds, settings.connections);
  const cores = (cpuSeconds(target.process.pid) - cpuBefore) / ((performance.now() - before) / 1000);
  const result = parseWrk(output);
  if (ended || !result) return failed(ended ?? `cannot read wrk's output:\n${output}`);
  const after = await checkAnswers(target.port);
  const problem = after ? `after the load: ${after}` : undefined;
  const latencies = `p50 ${result.p50Ms.toFixed(1)}, p99 ${result.p99Ms.toFixed(1)}, max ${result.maxMs.toFixed(1)} ms`;
  log(`bench/http: ${label}: ${result.requests} requests in ${result.seconds.toFixed(1)} s, ${result.perSecond.toFixed(0)} req/s, ${latencies}, ${errorCount(result)} errors${problem ? `; ${problem}` : ""}`);
  if (errorCount(result) > 0 || problem) log(`wrk said:\n${output.trimEnd()}`);
  return { target: target.name, workload: workload.name, wrk: result, cores, problem };
}

/** Measures every workload on a target, then stops it; a problem is kept with the target's output for the report. */
async function measureTarget(target: Target, settings: WrkSettings, problems: string[]): Promise<Measure[]> {
  const measures: Measure[] = [];
  for (const workload of WORKLOADS) measures.push(await measure(target, workload, settings));
  await target.process.stop();
  if (measures.some((m) => m.problem || (m.wrk && errorCount(m.wrk) > 0))) {
    problems.push(`${target.name}: ${measures.map((m) => m.problem).filter(Boolean).join("; ") || "errors under load"}\n${target.process.details()}`);
  }
  return measures;
}

function formatRow(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("");
}

/** A guest's vCPUs; host Node is no VM. */
function vcpus(target: string): number | undefined {
  return target === HOST ? undefined : 1;
}

function table(measures: Measure[]): string {
  const widths = [16, 10, 9, 10, 8, 7, 11, 10, 11];
  const header = formatRow(["target", "workload", "req/s", "p99 ms", "errors", "vCPUs", "req/s/vCPU", "host CPU", "req/CPU-s"], widths);
  const lines = measures.map(({ target, workload, wrk, cores }) => {
    const n = vcpus(target);
    if (!wrk) return formatRow([target, workload, "-", "-", "failed", String(n ?? "-"), "-", "-", "-"], widths);
    const perVcpu = n === undefined ? "-" : (wrk.perSecond / n).toFixed(0);
    const cells = [wrk.perSecond.toFixed(0), wrk.p99Ms.toFixed(2), String(errorCount(wrk)), String(n ?? "-"), perVcpu, cores.toFixed(2), (wrk.perSecond / cores).toFixed(0)];
    return formatRow([target, workload, ...cells], widths);
  });
  return [header, ...lines].join("\n");
}

/** Two decimals, or two significant digits for a ratio under 0.1. */
function formatRatio(ratio: number): string {
  return ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function ratios(measures: Measure[], toro: string, others: string[]): string {
  const find = (target: string, workload: string) => measures.find((m) => m.target === target && m.workload === workload)?.wrk;
  const widths = [24, ...others.map((o) => Math.max(14, o.length + 9))];
  const header = formatRow(["", "", ...others.map((o) => `Toro / ${o}`)], [widths[0], 0, ...widths.slice(1)]);
  const lines = WORKLOADS.flatMap(({ name }) => {
    const ours = find(toro, name);
    const ratio = (pick: (w: WrkResult) => number) => others.map((o) => {
      const theirs = find(o, name);
      return ours && theirs ? formatRatio(pick(ours) / pick(theirs)) : "-";
    });
    return [
      formatRow([`${name} req/s`, "", ...ratio((w) => w.perSecond)], [widths[0], 0, ...widths.slice(1)]),
      formatRow([`${name} p99 latency`, "", ...ratio((w) => w.p99Ms)], [widths[0], 0, ...widths.slice(1)]),
    ];
  });
  return [header, ...lines].join("\n");
}

function report(settings: WrkSettings, vm: VmConfig, kernel: Kernel, targets: Target[], measures: Measure[], loadBefore: string): void {
  console.log(`bench/http: one fetch handler served by Toro, by Node in a Linux guest and by Node on the host`);
  console.log(`QEMU ${qemuVersion()}, machine ${vm.machine}, accelerator ${vm.accel}, 1 vCPU and ${MEMORY_MIB} MiB per guest, user networking with a port forward`);
  for (const target of targets) console.log(`${target.name}: ${target.about}; first answer after ${(target.readyMs / 1000).toFixed(1)} s`);
  console.log(`Linux kernel: ${kernel.version}, busybox-static ${kernel.busyboxVersion}${acpiNote(vm.machine, kernel)}`);
  console.log(`wrk ${wrkVersion()}: ${wrkWords(settings.connections, settings.seconds)}, connections opened ${RAMP_GAP_MS} ms apart before the clock starts (wrk-ramp.lua), after ${settings.warmup} s of warm-up per workload`);
  console.log(`workloads: GET / (examples/hello-http's Hello, ${HELLO_BODY.length} bytes), GET /10k (${TEN_KIB} bytes)\n`);
  console.log(table(measures));
  console.log(`\n${ratios(measures, targets[0].name, targets.slice(1).map((t) => t.name))}`);
  console.log(`(req/s: above 1, Toro serves more; p99 latency: below 1, Toro answers sooner)`);
  console.log(`
errors: wrk's socket errors (connect, read, write, and timeout after ${WRK_TIMEOUT_S} s) and responses
with status 400 or more. Both guests have 1 vCPU; host Node runs one JavaScript thread on a
host of ${availableParallelism()} CPUs that it shares with wrk. host CPU: the CPU seconds per second that
the server's process used while wrk ran (for a guest, QEMU's: its vCPU thread and the I/O
thread with the user network), and req/CPU-s the requests per second of that.
host load average (1, 5, 15 min): ${loadBefore} before the first target, ${loadavg().map((n) => n.toFixed(2)).join(" ")} after the last.`);
  const json = measures.map(({ target, workload, wrk, cores }) => ({
    target,
    workload,
    requestsPerSecond: wrk?.perSecond ?? null,
    p50Ms: wrk?.p50Ms ?? null,
    p99Ms: wrk?.p99Ms ?? null,
    maxMs: wrk?.maxMs ?? null,
    errors: wrk ? errorCount(wrk) : null,
    hostCpu: wrk ? Number(cores.toFixed(3)) : null,
  }));
  console.log(`\n${JSON.stringify({ machine: vm.machine, accel: vm.accel, memoryMiB: MEMORY_MIB, ...settings, results: json })}`);
}

async function main(): Promise<void> {
  const [toroPort, linuxPort, hostPort] = [await freePort(), await freePort(), await freePort()];
  const numbers = { duration: { value: DURATION_S, least: 1 }, warmup: { value: 5, least: 0 }, connections: { value: 16, least: 1 } };
  const { numbers: flags, options } = parseBenchArgs(process.argv.slice(2), USAGE, numbers, [HANDLER, "-p", `${toroPort}:80`, "--mem", `${MEMORY_MIB}M`]);
  const settings: WrkSettings = { seconds: flags.duration, warmup: flags.warmup, connections: flags.connections };
  ensureWrk();
  mkdirSync(BENCH_BUILD, { recursive: true });
  const built = await build(HANDLER, join(BENCH_BUILD, "http.elf"), log);
  await bundleForNode();
  const linux = prepareLinux(options.machine);
  // vmConfig chooses the accelerator as `toro run` does; the Linux guest gets the same choice, machine and network.
  const vm = vmConfig(built.image, options, log);
  const linuxVm: VmConfig = { ...vm, forwards: [{ protocol: "tcp", host: linuxPort, guest: 80 }] };

  const targets: Target[] = [], measures: Measure[] = [], problems: string[] = [];
  // Other work on the host (other QEMUs, test suites) takes CPU from the targets: the report shows how much there was.
  const loadBefore = loadavg().map((n) => n.toFixed(2)).join(" ");
  const starts = [
    () => startTarget("Toro", toroPort, `${built.bytes} bytes of image`, QEMU, qemuArgs(vm), READY_MS.toro),
    () => startTarget("Linux + Node", linuxPort, linux.node, QEMU, linuxArgs(linuxVm, { ...linux, memoryMiB: MEMORY_MIB, cmdline: LINUX_CMDLINE, disks: [] }), READY_MS.linux),
    () => startTarget(HOST, hostPort, `Node ${process.version}, the host's`, process.execPath, [NODE_BUNDLE], READY_MS.host, { PORT: String(hostPort), HOST: "127.0.0.1" }),
  ];
  for (const startOne of starts) {
    const target = await startOne();
    targets.push(target);
    measures.push(...await measureTarget(target, settings, problems));
  }
  report(settings, vm, linux.kernel, targets, measures, loadBefore);
  if (problems.length) {
    log(`bench/http: problems under load:\n${problems.join("\n\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  log(`bench/http: ${error instanceof CliError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
});
