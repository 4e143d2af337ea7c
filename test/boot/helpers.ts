/** Helpers for tests that build and boot real images. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { qemuArgs, QEMU, type VmConfig } from "../../cli/qemu.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TORO = join(ROOT, "toro");

export function service(name: string): string {
  return join(ROOT, "test", "services", `${name}.ts`);
}

/** The line of a `// @marker` comment in a source file, so tests never hard-code line numbers. */
export function lineOf(file: string, marker: string): number {
  const index = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes(`// @${marker}`));
  if (index < 0) throw new Error(`no // @${marker} in ${file}`);
  return index + 1;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the toro CLI as a user would. A test that hangs is stopped after `limitMs`. */
export function toro(args: string[], limitMs = 120_000, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TORO, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    // Decoded as a stream: a UTF-8 character split between two reads must not become two U+FFFDs.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Boot an image with QEMU directly, for what the CLI does not expose (self-tests, CPU sampling). */
export function bootDirect(vm: Partial<VmConfig> & { image: string }) {
  const config: VmConfig = { memoryMiB: 32, accel: "tcg", machine: "microvm", cmdline: "", net: { mode: "none" }, forwards: [], disks: [], ...vm };
  return spawn(QEMU, qemuArgs(config), { stdio: ["ignore", "pipe", "pipe"] });
}

/** A port that is free on the host right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningGuest {
  /** What the guest has printed so far (console and toro's own messages). */
  output(): string;
  /** Stop the VM, if it still runs, and wait until toro has exited. */
  stop(): Promise<void>;
  /** Wait for the VM to end by itself: toro's exit code. */
  exited(): Promise<number | null>;
}

/** Starts a command with the repository as its directory and its output piped (a test in a network namespace passes its own). */
export type Spawner = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/** `toro run` with `args`, resolved once the guest prints something matching `ready`. */
export function startGuest(args: string[], ready: RegExp, spawner: Spawner = spawn): Promise<RunningGuest> {
  const guest = spawner(TORO, ["run", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ended = new Promise<void>((done) => guest.once("close", () => done()));
  const stop = async () => {
    if (guest.exitCode === null && guest.signalCode === null) guest.kill("SIGINT"); // toro stops its QEMU and exits 130
    await ended;
  };
  return new Promise((resolve, reject) => {
    guest.stdout!.setEncoding("utf8");
    guest.stderr!.setEncoding("utf8");
    guest.stdout!.on("data", (d) => {
      output += d;
      if (ready.test(output)) resolve({ output: () => output, stop, exited: () => ended.then(() => guest.exitCode) });
    });
    guest.stderr!.on("data", (d) => (output += d));
    guest.on("close", () => reject(new Error(`the guest ended before it was ready:\n${output}`)));
  });
}

/**
 * A DNS server on the host's port 53 (where QEMU's user network sends the
 * guest's queries for 10.0.2.2), answering every A question with `answer`
 * (TTL 60). Another test may hold the port for a while: wait for it, and
 * give up (null) after `patienceMs`.
 */
export async function hostDnsServer(answer: [number, number, number, number], patienceMs: number): Promise<UdpSocket | null> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const server = createSocket("udp4");
    server.on("message", (query, from) => {
      const questionEnd = query.indexOf(0, 12) + 5;
      const header = Buffer.from([query[0], query[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
      const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer]);
      server.send(Buffer.concat([header, query.subarray(12, questionEnd), record]), from.port, from.address);
    });
    const bound = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.bind(53, "127.0.0.1", () => resolve(true));
    });
    if (bound) return server;
    server.close();
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** wrk's summary: requests done, and its error lines (socket errors: connect, read, write, timeout; and non-2xx or 3xx answers). */
export function runWrk(args: string[]): Promise<{ requests: number; errors: string[]; output: string }> {
  return new Promise((resolve, reject) => {
    const wrk = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    wrk.stdout.on("data", (d) => (output += d));
    wrk.stderr.on("data", (d) => (output += d));
    wrk.on("error", (e) => reject(new Error(`cannot run wrk (./toro setup installs it): ${e.message}`)));
    wrk.on("close", () => {
      const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
      const errors = output.split("\n").filter((line) => /Socket errors|Non-2xx/.test(line));
      resolve({ requests, errors, output });
    });
  });
}
