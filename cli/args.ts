/** Command-line parsing for the `toro` command. Pure: no I/O, easy to test. */
import { basename, resolve } from "node:path";
import type { DiskCreateOptions } from "./disk.ts";
import { CliError } from "./errors.ts";
import { MAX_IMAGE_BYTES, type FatWidth } from "./fat-image.ts";
import type { HostDirSpec } from "./host-dir.ts";
import { parseShare, type Share } from "./share.ts";

export type Accel = "auto" | "kvm" | "tcg";
export type Machine = "microvm" | "q35";

/**
 * The network card's backend. "user" is the user network (NAT to the host's
 * sockets): passt where it is installed and works, else QEMU's slirp;
 * "passt" and "slirp" pick one of the two.
 */
export type Network = { mode: "user" | "passt" | "slirp" } | { mode: "tap"; ifname: string } | { mode: "none" };

/** The backends that are a user network (NAT, with -p port forwarding). */
export function isUserNetwork(net: { mode: string }): boolean {
  return net.mode === "user" || net.mode === "passt" || net.mode === "slirp";
}

export interface PortForward {
  protocol: "tcp" | "udp";
  host: number;
  guest: number;
}

/** A static IPv4 configuration instead of DHCP. */
export interface StaticAddress {
  ip: string;
  prefixLength: number;
  gateway: string | undefined;
  dns: string[];
}

export interface Disk {
  path: string;
  readOnly: boolean;
  /** Where the guest mounts its FAT volume (when the service uses the file system): /data, /data1, … unless mount= says. */
  mount: string;
}

export interface RunOptions {
  target: string;
  memoryMiB: number;
  accel: Accel;
  machine: Machine;
  timeoutMs: number | undefined;
  env: Record<string, string>;
  args: string[];
  trace: boolean;
  /** Write the network card's frames, both ways, to this pcap file. */
  capture: string | undefined;
  net: Network;
  forwards: PortForward[];
  disks: Disk[];
  /** --dir: host directories given as FAT images, attached after the --disk images. */
  dirs: HostDirSpec[];
  address: StaticAddress | undefined;
  /** --assets DIR: files to embed in the image (else package.json's "assets"). */
  assets: string | undefined;
  /** Live host directories over virtio-fs (--share). */
  shares: Share[];
}

export interface BuildOptions {
  target: string;
  output: string | undefined;
  assets: string | undefined;
}

export type Command =
  | { name: "build"; options: BuildOptions }
  | { name: "run"; options: RunOptions }
  | { name: "check"; target: string }
  | { name: "disk-create"; options: DiskCreateOptions }
  | { name: "setup" }
  | { name: "help" }
  | { name: "version" };

export const USAGE = `usage: toro <command> [options]

commands:
  run <service dir | file.ts | image.elf> [options] [-- args...]
        build (unless given an image) and boot it in QEMU, streaming its console
        --mem SIZE          guest memory, e.g. 16M or 1G (default 64M)
        --accel auto|kvm|tcg  accelerator (default auto: KVM where it works, else TCG)
        --machine microvm|q35  machine type (default microvm)
        --timeout DURATION  stop the VM after e.g. 30s, 500ms or 2m (exit code 124)
        --env KEY=VALUE     set a variable in the service's env (repeatable)
        --net user|passt|slirp|tap[=NAME]|none  the network card's backend (default user:
                            NAT to the host, by passt where it is installed and works, else
                            QEMU's slirp; passt or slirp picks one, tap a host tap device).
                            The guest sees the same network on both: 10.0.2.15/24 by DHCP,
                            gateway 10.0.2.2 (the host's loopback), DNS 10.0.2.3
        -p HOSTPORT:GUESTPORT[/udp]  forward a host port to the guest (user networking; repeatable)
        --disk FILE[,ro][,mount=/PATH]  attach a raw disk image as a virtio block device
                            (repeatable); when the service uses the file system (toro/fs,
                            node:fs/promises) its FAT volume is mounted at /PATH: the first
                            disk at /data, the next at /data1, /data2, …; ,ro for read-only.
                            The raw blocks stay reachable through toro/devices
        --dir HOSTDIR[:/PATH][,rw]  give the service a host directory, mounted at /PATH
                            (default / and the directory's name): a FAT image is built from
                            it before the boot (mkfs.fat and mcopy, in a temporary directory).
                            Read-only, unless ,rw: then, when the VM ends cleanly (exit code 0),
                            what the service changed is written back to HOSTDIR (files created,
                            changed and deleted, directories made and removed); a file the host
                            changed meanwhile is reported as a conflict and left as the host has
                            it. When the VM does not end cleanly nothing is written back, and the
                            image is kept (its path is printed). Names FAT cannot hold
                            ("*/:<>?\\| and control characters, characters outside Unicode's BMP
                            such as emoji, over 255 UTF-16 units, a trailing dot or space, two
                            names differing only in case), symlinks and special files are
                            refused before the boot (repeatable)
        --share HOSTDIR:/PATH[,ro]  mount a live host directory at /PATH over virtio-fs
                            (needs virtiofsd: Debian's virtiofsd or qemu-system-common);
                            changes are on the host at once; ,ro refuses writes (repeatable)
        --assets DIR        embed DIR's files in the image, read-only at /app (as build)
        --ip ADDRESS/PREFIX a static IPv4 address, e.g. 10.0.2.15/24 (default: DHCP)
        --gateway ADDRESS   the default route with --ip
        --dns ADDRESS       a DNS server with --ip (repeatable)
        --trace             print the guest's boot timeline
        --capture FILE      write the network card's frames to FILE (pcap, for Wireshark/tcpdump)
  build <service dir | file.ts> [-o image.elf] [--assets DIR]
        build one bootable ELF and print its path and size; --assets DIR (or "assets": "DIR"
        in the service's package.json, relative to it) embeds DIR's files, read-only at /app
  disk create FILE --size SIZE [--from DIR] [--fat 12|16|32] [--force]
        make a FAT disk image for --disk: SIZE like 64M, 512K or 4G (a sparse file), --from
        copies DIR's files in, --fat picks the FAT width (default: mkfs.fat's choice for the
        size), --force replaces an existing FILE. Needs dosfstools and mtools
  check <service dir | file.ts>
        type-check the service with tsc against Toro's API
  setup                 install what is missing and build the platform (every command does this as needed)
  help, --help          this text
  version, --version    Toro's version

exit codes of run: the service's own (0-123); 1 an uncaught error; 2 bad usage;
124 timeout; 125 a CPU fault in the guest; 126 the VM did not start or gave no code.`;

export function parseSize(text: string): number {
  const m = /^(\d+)([KMG]i?B?)?$/i.exec(text);
  if (!m) throw new CliError(`--mem: cannot read "${text}" as a size (examples: 16M, 512M, 1G)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? "M")[0].toUpperCase();
  const mib = unit === "G" ? n * 1024 : unit === "K" ? n / 1024 : n;
  if (!Number.isInteger(mib) || mib < 2) throw new CliError(`--mem: ${text} is too small; give at least 2M in whole MiB`);
  if (mib > 3 * 1024) throw new CliError(`--mem: ${text} is more than the 3G Toro maps today`);
  return mib;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (!m) throw new CliError(`--timeout: cannot read "${text}" as a duration (examples: 30s, 500ms, 2m)`);
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms <= 0) throw new CliError(`--timeout: must be more than zero`);
  return ms;
}

function parsePort(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new CliError(`${what}: "${text}" is not a port number (1-65535)`);
  return n;
}

export function parseForward(text: string): PortForward {
  const m = /^([^:]+):([^/]+)(?:\/(tcp|udp))?$/.exec(text);
  if (!m) throw new CliError(`-p: expected HOSTPORT:GUESTPORT or HOSTPORT:GUESTPORT/udp, got "${text}"`);
  return { protocol: (m[3] ?? "tcp") as "tcp" | "udp", host: parsePort(m[1], "-p"), guest: parsePort(m[2], "-p") };
}

export function parseNetwork(text: string): Network {
  if (text === "user" || text === "passt" || text === "slirp" || text === "none") return { mode: text };
  const tap = /^tap(?:=([A-Za-z0-9_.-]{1,15}))?$/.exec(text);
  if (tap) return { mode: "tap", ifname: tap[1] ?? "tap0" };
  throw new CliError(`--net: expected user, passt, slirp, tap, tap=NAME or none, got "${text}"`);
}

/** A mount path: absolute, normalized (no repeated or trailing slash), no "." or ".." part, no control character. */
export function parseMountPath(text: string, what: string): string {
  if (!text.startsWith("/")) throw new CliError(`${what}: the mount path must be absolute (start with /), got "${text}"`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new CliError(`${what}: the mount path ${JSON.stringify(text)} has a control character`);
  const parts = text.split("/").filter((part) => part !== "");
  if (parts.some((part) => part === "." || part === "..")) throw new CliError(`${what}: the mount path may not have . or .. parts, got "${text}"`);
  return "/" + parts.join("/");
}

/** The default mount of the disk at `index` among the --disk flags. */
export function defaultDiskMount(index: number): string {
  return index === 0 ? "/data" : `/data${index}`;
}

/**
 * FILE[,ro][,mount=/PATH], options in any order. A file name may hold commas
 * ("b,c.img"): a piece counts as an option when it looks like one (a
 * lowercase word, maybe with "="), and then it must be a known one.
 */
export function parseDisk(text: string, index: number): Disk {
  const pieces = text.split(",");
  const path: string[] = [pieces[0]];
  let readOnly = false;
  let mount: string | undefined;
  let options = false;
  for (const piece of pieces.slice(1)) {
    if (!options && !/^[a-z]+(=|$)/.test(piece)) {
      path.push(piece);
      continue;
    }
    options = true;
    if (piece === "ro") readOnly = true;
    else if (piece.startsWith("mount=")) mount = parseMountPath(piece.slice("mount=".length), `--disk ${text}`);
    else throw new CliError(`--disk ${text}: unknown option "${piece}" (the options are ro and mount=/PATH)`);
  }
  if (!path.join(",")) throw new CliError(`--disk: expected FILE[,ro][,mount=/PATH]`);
  return { path: path.join(","), readOnly, mount: mount ?? defaultDiskMount(index) };
}

/** HOSTDIR[:/PATH][,rw]: the mount path is what follows the first ":/". */
export function parseDir(text: string): HostDirSpec {
  let rest = text;
  let writable = false;
  if (rest.endsWith(",rw")) (writable = true), (rest = rest.slice(0, -3));
  else if (rest.endsWith(",ro")) rest = rest.slice(0, -3);
  const colon = rest.indexOf(":/");
  const dir = colon < 0 ? rest : rest.slice(0, colon);
  if (!dir) throw new CliError(`--dir: expected HOSTDIR[:/PATH][,rw], got "${text}"`);
  if (/,(r[ow]|[a-z]+=)/.test(rest)) throw new CliError(`--dir ${text}: ,rw goes last (HOSTDIR[:/PATH][,rw])`);
  let mount: string;
  if (colon >= 0) {
    mount = parseMountPath(rest.slice(colon + 1), `--dir ${text}`);
  } else {
    const name = basename(resolve(dir));
    if (!name) throw new CliError(`--dir ${text}: give a mount path (--dir ${dir}:/PATH)`);
    mount = parseMountPath(`/${name}`, `--dir ${text}`);
  }
  return { dir, mount, writable };
}

/** A disk image's size: a number with K, M, G or T (binary units), a whole number of 512-byte sectors. */
export function parseByteSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])(?:i?B)?$/i.exec(text);
  if (!m) throw new CliError(`${flag}: cannot read "${text}" as a size (examples: 64M, 512K, 4G)`);
  const bytes = Number(m[1]) * 1024 ** ("KMGT".indexOf(m[2].toUpperCase()) + 1);
  if (!Number.isInteger(bytes / 512) || bytes === 0) throw new CliError(`${flag}: ${text} is not a whole number of 512-byte sectors`);
  if (bytes > MAX_IMAGE_BYTES) throw new CliError(`${flag}: ${text} is more than FAT's 2T`);
  return bytes;
}

function parseDiskCommand(rest: string[]): Command {
  const [sub, ...words] = rest;
  if (sub !== "create") throw new CliError(sub ? `unknown disk command "${sub}" (there is: disk create)` : `disk: expected "disk create FILE --size SIZE"`);
  let size: string | undefined, from: string | undefined, fat: FatWidth | undefined, force = false;
  const files: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith("-") || word === "-") {
      files.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const flag = eq > 0 && word.startsWith("--") ? word.slice(0, eq) : word;
    const inline = eq > 0 && word.startsWith("--") ? word.slice(eq + 1) : undefined;
    let value: string;
    switch (flag) {
      case "--size": [size, i] = flagValue(words, i, flag, inline); break;
      case "--from": [from, i] = flagValue(words, i, flag, inline); break;
      case "--fat": [value, i] = flagValue(words, i, flag, inline); fat = Number(oneOf(flag, value, ["12", "16", "32"] as const)) as FatWidth; break;
      case "--force": force = true; break;
      default: throw new CliError(`disk create: unknown option ${word} (see toro --help)`);
    }
  }
  if (files.length !== 1) throw new CliError(files.length ? `disk create: one FILE at a time (got ${files.join(", ")})` : `disk create: name the image FILE`);
  if (size === undefined) throw new CliError(`disk create: --size is needed (e.g. --size 64M)`);
  return { name: "disk-create", options: { file: files[0], bytes: parseByteSize(size, "--size"), sizeText: size, from, fat, force } };
}

function parseIpv4(text: string, flag: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((part) => Number(part) > 255)) throw new CliError(`${flag}: "${text}" is not an IPv4 address`);
  return text;
}

export function parseCidr(text: string): { ip: string; prefixLength: number } {
  const [ip, prefix, extra] = text.split("/");
  const prefixLength = Number(prefix);
  if (extra !== undefined || !/^\d{1,2}$/.test(prefix ?? "") || prefixLength < 1 || prefixLength > 32) {
    throw new CliError(`--ip: expected ADDRESS/PREFIX like 10.0.2.15/24, got "${text}"`);
  }
  return { ip: parseIpv4(ip, "--ip"), prefixLength };
}

function parseEnv(text: string, env: Record<string, string>): void {
  const eq = text.indexOf("=");
  const key = eq > 0 ? text.slice(0, eq) : "";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new CliError(`--env: expected KEY=VALUE, got "${text}"`);
  env[key] = text.slice(eq + 1);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`${flag}: expected one of ${allowed.join(", ")}, got "${value}"`);
  return value as T;
}

/** Split "--flag=value" and take "--flag value" pairs off the list. */
function flagValue(argv: string[], i: number, flag: string, inline: string | undefined): [string, number] {
  if (inline !== undefined) return [inline, i];
  if (i + 1 >= argv.length) throw new CliError(`${flag} needs a value`);
  return [argv[i + 1], i + 1];
}

export function parseArgs(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") return { name: "help" };
  if (command === "version" || command === "--version") return { name: "version" };
  if (command === "disk") return parseDiskCommand(rest);
  if (command === "setup") {
    if (rest.length) throw new CliError(`setup takes no arguments`);
    return { name: "setup" };
  }
  if (command !== "run" && command !== "build" && command !== "check") {
    throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  }

  const run: RunOptions = {
    target: "", memoryMiB: 64, accel: "auto", machine: "microvm", timeoutMs: undefined, env: {}, args: [], trace: false, capture: undefined,
    net: { mode: "user" }, forwards: [], disks: [], dirs: [], address: undefined, assets: undefined, shares: [],
  };
  let gateway: string | undefined;
  const dns: string[] = [];
  let output: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (word === "--") {
      if (command !== "run") throw new CliError(`"--" (service arguments) is for run only`);
      run.args = rest.slice(i + 1);
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const flag = eq > 0 && word.startsWith("--") ? word.slice(0, eq) : word;
    const inline = eq > 0 && word.startsWith("--") ? word.slice(eq + 1) : undefined;
    const runOnly = ["--mem", "--accel", "--machine", "--timeout", "--env", "--trace", "--capture", "--net", "-p", "--publish", "--disk", "--dir", "--share", "--ip", "--gateway", "--dns"];
    if (runOnly.includes(flag) && command !== "run") throw new CliError(`${flag} is an option of run, not ${command}`);
    let value: string;
    switch (flag) {
      case "-o":
      case "--output":
        if (command !== "build") throw new CliError(`${flag} is an option of build, not ${command}`);
        [output, i] = flagValue(rest, i, flag, inline);
        break;
      case "--mem": [value, i] = flagValue(rest, i, flag, inline); run.memoryMiB = parseSize(value); break;
      case "--accel": [value, i] = flagValue(rest, i, flag, inline); run.accel = oneOf(flag, value, ["auto", "kvm", "tcg"] as const); break;
      case "--machine": [value, i] = flagValue(rest, i, flag, inline); run.machine = oneOf(flag, value, ["microvm", "q35"] as const); break;
      case "--timeout": [value, i] = flagValue(rest, i, flag, inline); run.timeoutMs = parseDuration(value); break;
      case "--env": [value, i] = flagValue(rest, i, flag, inline); parseEnv(value, run.env); break;
      case "--trace": run.trace = true; break;
      case "--capture": [value, i] = flagValue(rest, i, flag, inline); run.capture = value; break;
      case "--net": [value, i] = flagValue(rest, i, flag, inline); run.net = parseNetwork(value); break;
      case "-p":
      case "--publish": [value, i] = flagValue(rest, i, flag, inline); run.forwards.push(parseForward(value)); break;
      case "--disk": [value, i] = flagValue(rest, i, flag, inline); run.disks.push(parseDisk(value, run.disks.length)); break;
      case "--dir": [value, i] = flagValue(rest, i, flag, inline); run.dirs.push(parseDir(value)); break;
      case "--share": [value, i] = flagValue(rest, i, flag, inline); run.shares.push(parseShare(value)); break;
      case "--assets":
        if (command === "check") throw new CliError(`--assets is an option of build and run, not check`);
        [run.assets, i] = flagValue(rest, i, flag, inline);
        break;
      case "--ip": [value, i] = flagValue(rest, i, flag, inline); run.address = { ...parseCidr(value), gateway: undefined, dns: [] }; break;
      case "--gateway": [value, i] = flagValue(rest, i, flag, inline); gateway = parseIpv4(value, flag); break;
      case "--dns": [value, i] = flagValue(rest, i, flag, inline); dns.push(parseIpv4(value, flag)); break;
      default: throw new CliError(`unknown option ${word} (see toro --help)`);
    }
  }
  if (positional.length === 0) throw new CliError(`${command}: name a service directory, a .ts file${command === "run" ? " or an .elf image" : ""}`);
  if (positional.length > 1) throw new CliError(`${command}: one service at a time (got ${positional.join(", ")}); service arguments go after --`);
  const target = positional[0];
  if (command === "build") return { name: "build", options: { target, output, assets: run.assets } };
  if (command === "check") return { name: "check", target };
  if (run.capture !== undefined && run.net.mode === "none") throw new CliError(`--capture records the network card's frames; there is none with --net none`);
  if (run.forwards.length > 0 && !isUserNetwork(run.net)) throw new CliError(`-p forwards ports on user networking only (--net ${run.net.mode} was given)`);
  if ((gateway || dns.length) && !run.address) throw new CliError(`--gateway and --dns go with --ip (without --ip, DHCP provides them)`);
  if (run.address) run.address = { ...run.address, gateway, dns };
  if (run.assets !== undefined && target.endsWith(".elf")) throw new CliError(`--assets goes into an image as it is built; ${target} is built already`);
  const mounts = new Map<string, string>();
  for (const [path, what] of [...run.disks.map((d) => [d.mount, `--disk ${d.path}`]), ...run.dirs.map((d) => [d.mount, `--dir ${d.dir}`]), ...run.shares.map((s) => [s.path, `--share ${s.hostDir}`])]) {
    const other = mounts.get(path);
    if (other) throw new CliError(`${what}: ${other} is mounted at ${path} already (give one of them mount=/PATH or :/PATH)`);
    mounts.set(path, what);
  }
  return { name: "run", options: { ...run, target } };
}
