/**
 * Boots an image in QEMU, streams the guest's console to stdout, and turns
 * what happened into the exit code `toro run` returns (see exit-codes.ts).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { encodeCmdline } from "../kernel/process/cmdline.ts";
import type { RunOptions, StaticAddress } from "./args.ts";
import { chooseAccelerator, realHost } from "./accel.ts";
import { CliError } from "./errors.ts";
import { EXIT_NO_REPORT, EXIT_OUTPUT_CLOSED, EXIT_TIMEOUT, outcomeOfQemuStatus } from "./exit-codes.ts";
import { leastMemoryMiB } from "./image.ts";
import { BUILD_DIR } from "./paths.ts";
import { ensurePlatform } from "./platform.ts";
import { MAX_CMDLINE, QEMU, qemuArgs, type VmConfig } from "./qemu.ts";

export interface RunIo {
  stdout: Writable;
  stderr: Writable;
}

/** A static address travels as toro.ip=, toro.gateway= and toro.dns= (see kernel/net/config.ts). */
export function addressWords(address: StaticAddress | undefined): string[] {
  if (!address) return [];
  return [
    `toro.ip=${address.ip}/${address.prefixLength}`,
    ...(address.gateway ? [`toro.gateway=${address.gateway}`] : []),
    ...address.dns.map((server) => `toro.dns=${server}`),
  ];
}

export function vmConfig(image: string, options: RunOptions, log: (line: string) => void): VmConfig {
  const least = leastMemoryMiB(image);
  if (options.memoryMiB < least) throw new CliError(`--mem ${options.memoryMiB}M is less than this image needs (${least}M)`);
  const choice = chooseAccelerator(options.accel, realHost(QEMU, ensurePlatform(log).referenceImage, join(BUILD_DIR, "accel-probe.json")));
  const words = [
    `toro.epoch_ms=${Date.now()}`,
    ...(options.trace ? ["toro.trace"] : []),
    ...addressWords(options.address),
    ...encodeCmdline(options.args, options.env),
  ];
  const cmdline = words.join(" ");
  if (cmdline.length > MAX_CMDLINE) {
    throw new CliError(`the service's arguments and environment take ${cmdline.length} bytes encoded; the limit is ${MAX_CMDLINE}`);
  }
  if (options.accel === "auto" && options.trace) log(`toro: accelerator ${choice.accel} (${choice.reason})`);
  for (const disk of options.disks) {
    try {
      accessSync(disk.path, disk.readOnly ? constants.R_OK : constants.R_OK | constants.W_OK);
    } catch {
      throw new CliError(`--disk ${disk.path}: ${existsSync(disk.path) ? "not " + (disk.readOnly ? "readable" : "readable and writable") : "no such file"}`);
    }
  }
  const { machine, memoryMiB, net, forwards, disks, capture } = options;
  return { image, memoryMiB, accel: choice.accel, machine, cmdline, net, forwards, disks, capture };
}

export function runVm(vm: VmConfig, timeoutMs: number | undefined, io: RunIo): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(QEMU, qemuArgs(vm), { stdio: ["ignore", "pipe", "pipe"] });
    let stderrTail = "";
    let timedOut = false;
    let interrupted = false;
    let readerGone = false;
    child.stdout.pipe(io.stdout, { end: false });
    // Whoever reads our output went away (`toro run … | head`): stop the VM quietly.
    const onOutputError = () => {
      readerGone = true;
      child.kill("SIGKILL");
    };
    io.stdout.on("error", onOutputError);
    child.stderr.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const onSignal = () => {
      interrupted = true;
      child.kill("SIGKILL");
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const finish = (code: number, message?: string) => {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      io.stdout.off("error", onOutputError);
      if (message) io.stderr.write(`toro: ${message}\n`);
      resolvePromise(code);
    };
    child.on("error", (err) => {
      finish(EXIT_NO_REPORT, `cannot start ${QEMU}: ${err.message}`);
    });
    child.on("close", (status) => {
      if (timedOut) return finish(EXIT_TIMEOUT, `timed out after ${timeoutMs} ms; the VM was stopped`);
      if (interrupted) return finish(130, "interrupted; the VM was stopped");
      if (readerGone) return finish(EXIT_OUTPUT_CLOSED);
      const outcome = outcomeOfQemuStatus(status);
      if (outcome.kind === "exited") return finish(outcome.code);
      if (outcome.kind === "qemu-failed") return finish(EXIT_NO_REPORT, `QEMU failed:\n${stderrTail.trim()}`);
      finish(EXIT_NO_REPORT, `the VM ended without an exit code${stderrTail ? `:\n${stderrTail.trim()}` : ""}`);
    });
  });
}
