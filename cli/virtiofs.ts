/**
 * Finding and starting virtiofsd for `--share`: Debian's `virtiofsd`
 * package (the Rust daemon, /usr/libexec/virtiofsd) or QEMU's own C daemon
 * (/usr/lib/qemu/virtiofsd, in qemu-system-common up to QEMU 7.2). One
 * daemon per share, on a socket in a temporary directory; each quits when
 * QEMU's end of its socket closes, and is stopped when the VM ends.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CliError } from "./errors.ts";
import { EXIT_NO_REPORT } from "./exit-codes.ts";
import type { Share, ShareSocket } from "./share.ts";
import { shareTag } from "./share.ts";

/** Where Debian puts virtiofsd, the Rust package's first. TORO_VIRTIOFSD names another (or a missing one, for tests). */
export const VIRTIOFSD_PATHS = ["/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd"];
/** A daemon that has not made its socket in this long is not going to. */
const SOCKET_WAIT_MS = 10_000;

export interface RunningShares {
  sockets: ShareSocket[];
  /** Stop the daemons (they quit by themselves once QEMU is gone) and remove the sockets. */
  stop(): Promise<void>;
}

/** The virtiofsd to run, or undefined. */
export function findVirtiofsd(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.TORO_VIRTIOFSD ? [env.TORO_VIRTIOFSD] : VIRTIOFSD_PATHS;
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Check what --share needs before anything starts: the host directories, and a virtiofsd. */
export function checkShares(shares: readonly Share[]): string | undefined {
  if (shares.length === 0) return undefined;
  for (const share of shares) {
    if (!existsSync(share.hostDir) || !statSync(share.hostDir).isDirectory()) throw new CliError(`--share ${share.hostDir}: no such directory`);
  }
  const virtiofsd = findVirtiofsd();
  if (!virtiofsd) {
    throw new CliError(`--share needs virtiofsd, which is not installed (apt-get install virtiofsd, or qemu-system-common for QEMU's own at ${VIRTIOFSD_PATHS[1]})`);
  }
  return virtiofsd;
}

/** The daemon's command line: the Rust daemon's own flags, or the C daemon's -o options. */
export function virtiofsdArgs(flavor: "rust" | "c", socket: string, hostDir: string, root: boolean): string[] {
  // The namespace sandbox needs root; unprivileged, only the Rust daemon runs, without one.
  if (flavor === "rust") return [`--socket-path=${socket}`, `--shared-dir=${hostDir}`, "--cache=never", `--sandbox=${root ? "namespace" : "none"}`];
  return [`--socket-path=${socket}`, "-o", `source=${hostDir}`, "-o", "cache=none", "-o", "sandbox=namespace", "-o", "log_level=warn"];
}

function flavorOf(virtiofsd: string): "rust" | "c" {
  const help = spawnSync(virtiofsd, ["--help"], { encoding: "utf8", timeout: 5000 });
  return `${help.stdout}${help.stderr}`.includes("--shared-dir") ? "rust" : "c";
}

/** Start one virtiofsd per share and wait for their sockets. */
export async function startShares(virtiofsd: string, shares: readonly Share[], warn: (line: string) => void): Promise<RunningShares> {
  const directory = mkdtempSync(join(tmpdir(), "toro-share-"));
  const flavor = flavorOf(virtiofsd);
  const root = process.getuid?.() === 0;
  const daemons: ChildProcess[] = [];
  const stopping = { now: false };
  const stop = async () => {
    stopping.now = true;
    await Promise.all(daemons.map((daemon) => new Promise<void>((done) => {
      if (daemon.exitCode !== null || daemon.signalCode !== null) return done();
      daemon.once("exit", () => done());
      daemon.kill("SIGTERM");
    })));
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    const sockets: ShareSocket[] = [];
    for (const [i, share] of shares.entries()) {
      const socket = join(directory, `${shareTag(i)}.sock`);
      const daemon = spawn(virtiofsd, virtiofsdArgs(flavor, socket, resolve(share.hostDir), root), { stdio: ["ignore", "ignore", "pipe"] });
      daemons.push(daemon);
      let messages = "";
      daemon.stderr!.on("data", (chunk: Buffer) => (messages = (messages + chunk.toString()).slice(-2000)));
      daemon.on("exit", (code, signal) => {
        // It quits with 0 when QEMU's end of the socket closes, as the VM ends.
        if (!stopping.now && sockets.length === shares.length && code !== 0) warn(`toro: virtiofsd for --share ${share.hostDir} ended (${signal ?? `code ${code}`}) while the VM runs: ${messages.trim()}`);
      });
      await waitForSocket(daemon, socket, () => messages, share.hostDir);
      sockets.push({ tag: shareTag(i), socket });
    }
    return { sockets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForSocket(daemon: ChildProcess, socket: string, messages: () => string, hostDir: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const fail = (why: string) => reject(new CliError(`--share ${hostDir}: virtiofsd ${why}${messages().trim() ? `: ${messages().trim()}` : ""}`, EXIT_NO_REPORT));
    daemon.once("error", (error) => fail(`could not start (${error.message})`));
    const poll = () => {
      if (existsSync(socket)) return resolvePromise();
      if (daemon.exitCode !== null || daemon.signalCode !== null) return fail(`ended before it listened (${daemon.signalCode ?? `code ${daemon.exitCode}`})`);
      if (Date.now() - started > SOCKET_WAIT_MS) return fail(`made no socket in ${SOCKET_WAIT_MS / 1000} s`);
      setTimeout(poll, 20);
    };
    poll();
  });
}
