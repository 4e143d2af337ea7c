/**
 * bench/boot: how fast examples/hello boots, seen from the host (spawn →
 * first console byte, → the service's main, → QEMU's exit) and from inside
 * the guest (the TSC timeline `toro.trace` prints). The reference guest, the
 * least a PVH guest can do, is booted the same way, so our numbers read as
 * a multiple of what QEMU itself costs. Also: the image's size and the
 * least memory it boots in.
 *
 *   node --import tsx bench/boot.ts [--runs N] [--machine microvm|q35] [--accel auto|kvm|tcg]
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROBE_SUCCESS_STATUS } from "../cli/accel.ts";
import { build } from "../cli/build.ts";
import { CliError } from "../cli/errors.ts";
import { outcomeOfQemuStatus } from "../cli/exit-codes.ts";
import { TORO_ROOT } from "../cli/paths.ts";
import { ensurePlatform } from "../cli/platform.ts";
import { QEMU, qemuArgs, type VmConfig } from "../cli/qemu.ts";
import { vmConfig } from "../cli/run.ts";
import { BENCH_BUILD, log, parseBenchArgs, qemuVersion } from "./common.ts";

const USAGE = "usage: node --import tsx bench/boot.ts [--runs N] [--machine microvm|q35] [--accel auto|kvm|tcg]";
const HELLO_DIR = join(TORO_ROOT, "examples", "hello");
/** Our own image path, so a bench never overwrites the one `toro run examples/hello` is using. */
const HELLO_IMAGE = join(BENCH_BUILD, "hello.elf");
/** A boot takes well under a second even under TCG; past this the guest is stuck. */
const BOOT_TIMEOUT_MS = 15_000;
const MAIN_LINE = /^toro: boot ms (.*)\n/m;

interface Guest {
  name: string;
  image: string;
  /** QEMU's exit status when the guest did what it should. */
  status: number;
  /** Console lines that only a guest that got all the way through prints. */
  lines: RegExp[];
}

interface Boot {
  firstByteMs: number | undefined;
  /** When the "toro: boot ms" line arrived: the guest prints it right after marking main. */
  mainMs: number | undefined;
  exitMs: number;
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

/** The inverse of outcomeOfQemuStatus: isa-debug-exit turns exit code c into ((c + 1) << 1) | 1. */
function qemuStatusOfExitCode(code: number): number {
  return ((code + 1) << 1) | 1;
}

/** Boots once and times, from just before the spawn, the console's first byte, the service's main and QEMU's exit. */
function bootOnce(vm: VmConfig): Promise<Boot> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(QEMU, qemuArgs(vm), { stdio: ["ignore", "pipe", "pipe"] });
    const boot: Boot = { firstByteMs: undefined, mainMs: undefined, exitMs: NaN, status: null, signal: null, timedOut: false, stdout: "", stderr: "" };
    const timer = setTimeout(() => {
      boot.timedOut = true;
      child.kill("SIGKILL");
    }, BOOT_TIMEOUT_MS);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const now = performance.now() - start;
      boot.firstByteMs ??= now;
      boot.stdout += chunk;
      if (boot.mainMs === undefined && MAIN_LINE.test(boot.stdout)) boot.mainMs = now;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      boot.stderr += chunk.toString();
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new CliError(`cannot start ${QEMU}: ${err.message}`, 1));
    });
    // "exit" is when QEMU ended; "close" waits for the rest of its output too.
    child.on("exit", (status, signal) => {
      boot.exitMs = performance.now() - start;
      boot.status = status;
      boot.signal = signal;
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve(boot);
    });
  });
}

function describeStatus(status: number): string {
  const outcome = outcomeOfQemuStatus(status);
  return `status ${status} (${outcome.kind === "exited" ? `exit code ${outcome.code}` : outcome.kind})`;
}

function describeEnd(boot: Boot): string {
  if (boot.timedOut) return `nothing, stopped after ${BOOT_TIMEOUT_MS} ms`;
  return boot.status === null ? `signal ${boot.signal}` : describeStatus(boot.status);
}

/** What went wrong with a boot, or undefined when the guest did all it should. */
function problemWith(guest: Guest, boot: Boot): string | undefined {
  if (boot.status !== guest.status) return `QEMU ended with ${describeEnd(boot)}; expected ${describeStatus(guest.status)}`;
  const missing = guest.lines.find((line) => !line.test(boot.stdout));
  return missing && `the console never showed ${missing}`;
}

function failure(guest: Guest, what: string, problem: string, boot: Boot): CliError {
  const details = [`console:\n${boot.stdout.trimEnd() || "(nothing)"}`, ...(boot.stderr.trim() ? [`QEMU said:\n${boot.stderr.trim()}`] : [])];
  return new CliError(`${guest.name}, ${what}: ${problem}\n${details.join("\n")}`, 1);
}

/** Hello and the reference take turns, so drift in the host's load touches both alike. */
async function bootBoth(hello: Guest, reference: Guest, runs: number, vmFor: (image: string) => VmConfig): Promise<[Boot[], Boot[]]> {
  const helloBoots: Boot[] = [], referenceBoots: Boot[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const [guest, boots] of [[hello, helloBoots], [reference, referenceBoots]] as const) {
      const boot = await bootOnce(vmFor(guest.image));
      const problem = problemWith(guest, boot);
      if (problem) throw failure(guest, `run ${run} of ${runs}`, problem, boot);
      boots.push(boot);
    }
  }
  return [helloBoots, referenceBoots];
}

/** The least whole MiB the guest boots in, by bisection between 2 MiB and `known` MiB, which boots. */
async function smallestMemory(guest: Guest, known: number, vmFor: (image: string) => VmConfig): Promise<number> {
  let tooSmall = 1, enough = known;
  while (enough - tooSmall > 1) {
    const probe = Math.floor((tooSmall + enough) / 2);
    const boot = await bootOnce({ ...vmFor(guest.image), memoryMiB: probe });
    if (problemWith(guest, boot)) tooSmall = probe;
    else enough = probe;
  }
  return enough;
}

/** The "toro: boot ms" marks, in ms since the guest's first instruction. */
function guestMarks(guest: Guest, boot: Boot): Map<string, number> {
  const words = MAIN_LINE.exec(boot.stdout)?.[1].split(" ") ?? [];
  const marks = new Map(words.map((word) => {
    const [name, ms] = word.split("=");
    return [name, Number(ms)] as const;
  }));
  for (const name of ["entry", "platform", "js-runtime", "bytecode", "main"]) {
    if (!Number.isFinite(marks.get(name))) throw failure(guest, "its boot timeline", `the "toro: boot ms" line has no ${name}= mark`, boot);
  }
  return marks;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** One measure over all boots; problemWith has made sure each boot has it (its lines were printed). */
function measure(boots: Boot[], pick: (boot: Boot) => number | undefined): Stats {
  return stats(boots.map((boot) => pick(boot)!));
}

type Row = [label: string, stats: Stats, note?: string] | [heading: string];

function table(rows: Row[]): string {
  const ms = (n: number) => n.toFixed(1).padStart(8);
  const header = `${"".padEnd(38)}${"median".padStart(8)}${"min".padStart(8)}${"max".padStart(8)}`;
  const lines = rows.map(([label, s, note]) =>
    s ? `  ${label.padEnd(36)}${ms(s.median)}${ms(s.min)}${ms(s.max)}${note ? `   ${note}` : ""}` : label);
  return [header, ...lines].join("\n");
}

function vsReference(ours: Stats, reference: Stats): string {
  return `${(ours.median / reference.median).toFixed(2)}x reference ${reference.median.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  // --trace puts toro.trace on the command line: the guest then prints its timeline.
  const { numbers: { runs }, options } = parseBenchArgs(process.argv.slice(2), USAGE, { runs: { value: 10, least: 1 } }, [HELLO_DIR, "--trace"]);
  const platform = ensurePlatform(log);
  const built = await build(HELLO_DIR, HELLO_IMAGE, log);
  // The first config is only for the header; with --accel auto it logs why it chose its accelerator.
  const { accel, machine, memoryMiB } = vmConfig(built.image, options, log);
  // A fresh config per boot: each gets its own toro.epoch_ms, as `toro run` gives it.
  const vmFor = (image: string) => vmConfig(image, options, () => {});

  const hello: Guest = { name: "hello", image: built.image, status: qemuStatusOfExitCode(0), lines: [MAIN_LINE, /^Hello, /m] };
  const reference: Guest = { name: "reference guest", image: platform.referenceImage, status: PROBE_SUCCESS_STATUS, lines: [/^reference guest: hello$/m] };
  const [helloBoots, referenceBoots] = await bootBoth(hello, reference, runs, vmFor);
  const leastMiB = await smallestMemory(hello, memoryMiB, vmFor);

  const marks = helloBoots.map((boot) => guestMarks(hello, boot));
  const span = (from: string, to: string) => stats(marks.map((m) => m.get(to)! - m.get(from)!));
  const ours = { firstByte: measure(helloBoots, (b) => b.firstByteMs), exit: measure(helloBoots, (b) => b.exitMs) };
  const theirs = { firstByte: measure(referenceBoots, (b) => b.firstByteMs), exit: measure(referenceBoots, (b) => b.exitMs) };
  const buildSteps = Object.entries(built.timings).map(([step, ms]) => `${step} ${ms.toFixed(0)}`).join(", ");

  console.log(`bench/boot: examples/hello and the reference guest, ${runs} boots each`);
  console.log(`QEMU ${qemuVersion()}, machine ${machine}, accelerator ${accel}, ${memoryMiB} MiB`);
  console.log(`image ${built.bytes} bytes (${(built.bytes / 1024).toFixed(1)} KiB), built in ms: ${buildSteps}`);
  console.log(`smallest memory (QEMU -m, whole MiB) that boots hello: ${leastMiB} MiB\n`);
  console.log(table([
    ["hello, host ms from spawn"],
    ["launch → first byte", ours.firstByte, vsReference(ours.firstByte, theirs.firstByte)],
    ["launch → service main", measure(helloBoots, (b) => b.mainMs)],
    ["launch → exit", ours.exit, vsReference(ours.exit, theirs.exit)],
    ["hello, guest ms from its first instruction (TSC)"],
    ["entry → platform ready", span("entry", "platform")],
    ["platform → JS runtime ready", span("platform", "js-runtime")],
    ["JS runtime → bytecode loaded", span("js-runtime", "bytecode")],
    ["bytecode → main", span("bytecode", "main")],
    ["entry → main", span("entry", "main")],
    ["reference guest, host ms from spawn"],
    ["launch → first byte", theirs.firstByte],
    ["launch → exit", theirs.exit],
  ]));
}

main().catch((error) => {
  log(`bench/boot: ${error instanceof CliError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
});
