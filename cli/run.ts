/**
 * Boots an image in QEMU, streams the guest's console to stdout, and turns
 * what happened into the exit code `toro run` returns (see exit-codes.ts).
 */
import { spawn, type ChildProcessByStdio, type StdioOptions } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { encodeMount } from "../kernel/fs/mount-parameter.ts";
import { encodeCmdline, parseCmdline } from "../kernel/process/cmdline.ts";
import type { Disk, RunOptions, StaticAddress } from "./args.ts";
import { chooseAccelerator, realHost } from "./accel.ts";
import { CliError } from "./errors.ts";
import { EXIT_NO_REPORT, EXIT_OUTPUT_CLOSED, EXIT_TIMEOUT, outcomeOfQemuStatus } from "./exit-codes.ts";
import { leastMemoryMiB } from "./image.ts";
import { BUILD_DIR } from "./paths.ts";
import { ensurePlatform } from "./platform.ts";
import { busyForward, onPath, PASST, startPasst, USER_NETWORK, type RunningPasst } from "./passt.ts";
import { MAX_CMDLINE, PASST_FD, QEMU, qemuArgs, type VmConfig } from "./qemu.ts";
import { shareMountWords } from "./share.ts";
import { checkShares, startShares } from "./virtiofs.ts";

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

/** A toro.mount= word per disk: "disk<N>" in the order QEMU attaches them (see kernel/fs/mount-parameter.ts). */
export function mountWords(disks: readonly Disk[]): string[] {
  return disks.map((disk, i) => encodeMount({ source: `disk${i}`, path: disk.mount, readOnly: disk.readOnly }));
}

/**
 * The VM for an image. `options.disks` are all the disks to attach, the
 * images of --dir after the --disk ones (main.ts builds those first).
 */
export function vmConfig(image: string, options: RunOptions, log: (line: string) => void): VmConfig {
  const least = leastMemoryMiB(image);
  if (options.memoryMiB < least) throw new CliError(`--mem ${options.memoryMiB}M is less than this image needs (${least}M)`);
  const choice = chooseAccelerator(options.accel, realHost(QEMU, ensurePlatform(log).referenceImage, join(BUILD_DIR, "accel-probe.json")));
  const words = [
    `toro.epoch_ms=${Date.now()}`,
    ...(options.trace ? ["toro.trace"] : []),
    ...addressWords(options.address),
    ...mountWords(options.disks),
    ...shareMountWords(options.shares),
    ...encodeCmdline(options.args, options.env),
  ];
  const cmdline = words.join(" ");
  if (cmdline.length > MAX_CMDLINE) {
    throw new CliError(`the mounts, the service's arguments and environment take ${cmdline.length} bytes encoded; the limit is ${MAX_CMDLINE}`);
  }
  if (options.accel === "auto" && options.trace) log(`toro: accelerator ${choice.accel} (${choice.reason})`);
  for (const disk of options.disks) {
    try {
      accessSync(disk.path, disk.readOnly ? constants.R_OK : constants.R_OK | constants.W_OK);
    } catch {
      throw new CliError(`--disk ${disk.path}: ${existsSync(disk.path) ? "not " + (disk.readOnly ? "readable" : "readable and writable") : "no such file"}`);
    }
  }
  const virtiofsd = checkShares(options.shares);
  const { machine, memoryMiB, net, forwards, disks, capture, shares } = options;
  return { image, memoryMiB, accel: choice.accel, machine, cmdline, net, forwards, disks, capture, shares, virtiofsd };
}

/**
 * The user network's backend: for "user" passt where it is installed and
 * works (else slirp, saying why when passt is there but fails), for "passt"
 * passt or an error. With passt the VM's net becomes "passt", and a guest on
 * DHCP is told to use the DNS forwarder at 10.0.2.3, as on slirp (passt's
 * DHCP names the host's own resolvers).
 */
export async function userNetwork(vm: VmConfig, io: RunIo): Promise<{ vm: VmConfig; passt?: RunningPasst }> {
  if (vm.net.mode === "passt" && !onPath(PASST)) {
    throw new CliError(`--net passt: ${PASST} is not installed (./toro setup installs Debian's passt; --net slirp is QEMU's own user network)`);
  }
  if (vm.net.mode !== "passt" && !(vm.net.mode === "user" && onPath(PASST))) return { vm };
  const busy = await busyForward(vm.forwards);
  if (busy) throw new CliError(`-p ${busy.host}:${busy.guest}${busy.protocol === "udp" ? "/udp" : ""}: the host's ${busy.protocol.toUpperCase()} port ${busy.host} is in use`, EXIT_NO_REPORT);
  const passt = await startPasst(vm.forwards);
  if (typeof passt === "string") {
    if (vm.net.mode === "passt") throw new CliError(`--net passt: ${passt}`, EXIT_NO_REPORT);
    io.stderr.write(`toro: passt does not work here (${passt}); the user network is QEMU's slirp\n`);
    return { vm };
  }
  const dns = parseCmdline(vm.cmdline).params.has("toro.ip") ? "" : ` toro.dns=${USER_NETWORK.dns}`;
  return { vm: { ...vm, net: { mode: "passt" }, cmdline: vm.cmdline + dns }, passt };
}

export async function runVm(config: VmConfig, timeoutMs: number | undefined, io: RunIo): Promise<number> {
  // Before passt: a share that fails to start then leaves nothing running.
  const shares = config.shares?.length && config.virtiofsd ? await startShares(config.virtiofsd, config.shares, (line) => io.stderr.write(line + "\n")) : undefined;
  const { vm: networked, passt } = await userNetwork(config, io).catch(async (error) => {
    await shares?.stop();
    throw error;
  });
  const vm = { ...networked, shareSockets: shares?.sockets };
  return new Promise((resolvePromise) => {
    const stdio: StdioOptions = ["ignore", "pipe", "pipe"];
    if (passt) stdio[PASST_FD] = passt.qemuEnd;
    const child = spawn(QEMU, qemuArgs(vm), { stdio }) as ChildProcessByStdio<null, Readable, Readable>;
    passt?.qemuEnd.destroy(); // QEMU has its own copy; passt quits when QEMU's closes
    void passt?.exited.then((code) => {
      // passt ends with code 0 when QEMU's end closes; anything else is passt failing under a running VM.
      if (code !== 0) io.stderr.write(`toro: passt ended (code ${code}) while the VM runs: ${passt.messages()}\n`);
    });
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
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    for (const signal of signals) process.on(signal, onSignal);

    const finish = async (code: number, message?: string) => {
      if (timer) clearTimeout(timer);
      io.stdout.off("error", onOutputError);
      await passt?.stop(); // it quits by itself once QEMU's end closes; this waits for that
      await shares?.stop();
      for (const signal of signals) process.off(signal, onSignal);
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
