/**
 * What the benches share: where they build, how they log, their command
 * line (each bench's own whole-number flags, and --machine and --accel,
 * which go through the CLI's parser so they mean what they mean to
 * `toro run`), running a command, and a long-running process (QEMU, or
 * Node on the host) whose output is kept for the report.
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type RunOptions } from "../cli/args.ts";
import { CliError } from "../cli/errors.ts";
import { QEMU } from "../cli/qemu.ts";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** Everything a bench builds or downloads; nothing in it is committed. */
export const BENCH_BUILD = join(BENCH_DIR, "build");

export const log = (line: string) => process.stderr.write(line + "\n");

/** A bench's own whole-number option: its default and its least value. */
export interface WholeNumberFlag {
  value: number;
  least: number;
}

/** The flags every bench takes from `toro run`. */
const RUN_FLAGS = ["--machine", "--accel"];

/**
 * Reads a bench's command line: `numbers` are its own flags (`--name N` or
 * `--name=N`, keyed without the dashes); --machine and --accel are parsed by
 * the CLI, as `toro run <runArgs> --machine … --accel …` would be.
 */
export function parseBenchArgs<K extends string>(
  argv: string[],
  usage: string,
  numbers: Record<K, WholeNumberFlag>,
  runArgs: string[],
): { numbers: Record<K, number>; options: RunOptions } {
  const values = Object.fromEntries(Object.entries<WholeNumberFlag>(numbers).map(([name, flag]) => [name, flag.value])) as Record<K, number>;
  const forwarded: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf("=");
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const name = flag.slice(2) as K;
    const own = flag.startsWith("--") && Object.hasOwn(numbers, name);
    if (!own && !RUN_FLAGS.includes(flag)) throw new CliError(`unknown option ${argv[i]}\n${usage}`);
    const value = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CliError(`${flag} needs a value`);
    if (own) {
      const n = Number(value), least = numbers[name].least;
      if (!/^\d+$/.test(value) || n < least) throw new CliError(`${flag}: expected a whole number of at least ${least}, got "${value}"`);
      values[name] = n;
    } else {
      forwarded.push(flag, value);
    }
  }
  const command = parseArgs(["run", ...runArgs, ...forwarded]);
  if (command.name !== "run") throw new Error(`parseArgs returned a ${command.name} command for run`);
  return { numbers: values, options: command.options };
}

/** Runs a command to its end and returns its output; a failure ends the bench with the command's message. */
export function run(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new CliError(`${command} ${args.join(" ")} failed: ${(r.error?.message ?? r.stderr).trim()}`, 1);
  return r.stdout;
}

export function qemuVersion(): string {
  return /version (\S+)/.exec(run(QEMU, ["--version"]))?.[1] ?? "?";
}

/** How a process ended. */
export interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** A process the bench started (a guest's QEMU, or Node on the host), with everything it printed. */
export interface Running {
  readonly name: string;
  readonly pid: number | undefined;
  /** Its standard output so far: a guest's console. */
  stdout(): string;
  /** Its standard error so far: what QEMU itself said. */
  stderr(): string;
  /** Resolves when it has ended and its output is all read; rejects when it could not start. */
  readonly ended: Promise<Ended>;
  /** SIGKILL (a guest has nothing to save), then waits for the end; only this process, which the bench started. */
  stop(): Promise<Ended>;
  /** Its output, for an error message. */
  details(): string;
}

export function start(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: env && { ...process.env, ...env } });
  let stdout = "", stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on("error", (error) => reject(new CliError(`${name}: cannot start ${command}: ${error.message}`, 1)));
    child.on("close", (status, signal) => resolve({ status, signal }));
  });
  return {
    name,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    ended,
    stop() {
      child.kill("SIGKILL");
      return ended;
    },
    details() {
      const [out, err] = command === QEMU ? ["console", "QEMU said"] : ["output", "its standard error"];
      return [`${out}:\n${stdout.trimEnd() || "(nothing)"}`, ...(stderr.trim() ? [`${err}:\n${stderr.trim()}`] : [])].join("\n");
    },
  };
}
