/**
 * The Linux guest the benches compare Toro with: Debian's amd64 kernel and
 * an initramfs built here from Debian packages, booted with Toro's QEMU
 * command line. The packages are fetched with `apt-get download` and
 * unpacked with `dpkg -x` into bench/build/linux/ once; nothing of them is
 * committed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Machine } from "../../cli/args.ts";
import type { AttachedDisk } from "../../cli/qemu.ts";
import { CliError } from "../../cli/errors.ts";
import { qemuArgs, type VmConfig } from "../../cli/qemu.ts";
import { BENCH_BUILD, BENCH_DIR, log, run } from "../common.ts";

/** Where the Debian packages are downloaded and unpacked, one directory per set. */
const LINUX_DIR = join(BENCH_BUILD, "linux");

/** What every guest's /init sources first: busybox's commands, the file systems, fail() and the modules. */
const BOOT_SCRIPT = join(BENCH_DIR, "services", "linux-boot.sh");
/** The module of the virtio transport each machine has its devices on. */
export const VIRTIO_TRANSPORT: Record<Machine, string> = { microvm: "virtio_mmio", q35: "virtio_pci" };

/** Downloaded .deb files and the tree they unpack into. */
export interface Packages {
  root: string;
  debs: string[];
}

export interface Kernel {
  image: string;
  /** lib/modules/<release> in the unpacked package. */
  modulesDir: string;
  /** "6.1.0-56-amd64 (Debian 6.1.192-2)" */
  version: string;
  /** busybox-static's binary: the initramfs's shell and tools. */
  busybox: string;
  busyboxVersion: string;
  /** Whether virtio-mmio devices can be announced on the command line; else microvm needs ACPI to show them. */
  mmioOnCmdline: boolean;
}

/** What goes into an initramfs beside busybox and the modules. */
export interface InitramfsContents {
  /** The script the kernel runs as /init; it sources /boot.sh (bench/services/linux-boot.sh) first. */
  init: string;
  /** Modules to load, by name; the initramfs gets them and their dependencies, in order, listed in /modules/order. */
  modules: string[];
  /** Files to copy in: path in the initramfs → path here. */
  files?: Record<string, string>;
  /** Unpacked package trees to copy in at the root, less the paths in `skip` (relative to the tree). */
  trees?: { root: string; skip: string[] }[];
  /** gzip the archive: a large tree then takes less of the guest's memory while the kernel unpacks it. */
  compress?: boolean;
}

/** The Linux guest's part of a QEMU command line; the rest is Toro's. */
export interface LinuxVm {
  kernel: Kernel;
  initramfs: string;
  memoryMiB: number;
  cmdline: string;
  disks: AttachedDisk[];
}

/** apt-cache's answer; a machine that never ran apt-get update has no package lists yet, so it runs it once and asks again. */
export function aptCache(args: string[], answered: (output: string) => boolean): string {
  const output = run("apt-cache", args);
  if (answered(output)) return output;
  run("apt-get", ["update", "-qq"]);
  return run("apt-cache", args);
}

/** Debian's own Node.js: the version of libnode108, which only Debian ships (this machine may prefer another vendor's nodejs), with what it needs. */
export function debianNodePackages(): string[] {
  const policy = aptCache(["policy", "libnode108"], (out) => /Candidate: [^(\s]/.test(out));
  const version = /Candidate: ([^(\s]\S*)/.exec(policy)?.[1];
  if (!version) throw new CliError("apt-cache knows no libnode108 (Debian's Node.js library)", 1);
  const pinned = [`nodejs=${version}`, `libnode108=${version}`];
  const only = ["--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"];
  const names = run("apt-cache", ["depends", ...only, ...pinned]).split("\n").filter((line) => /^[a-z0-9]/.test(line));
  return [...pinned, ...new Set(names.filter((name) => name !== "nodejs" && name !== "libnode108"))];
}

/** The versioned package behind linux-image-amd64, e.g. linux-image-6.1.0-56-amd64. */
function kernelPackage(): string {
  const pattern = /Depends: (linux-image-\S+-amd64)/;
  const found = pattern.exec(aptCache(["depends", "linux-image-amd64"], (out) => pattern.test(out)))?.[1];
  if (!found) throw new CliError("apt-cache cannot resolve linux-image-amd64", 1);
  return found;
}

/**
 * Downloads and unpacks `packages` (names as apt-get takes them, `name=version`
 * too) into bench/build/linux/<set>/ once; later runs with the same list reuse it.
 */
export function unpackPackages(set: string, packages: string[]): Packages {
  const dir = join(LINUX_DIR, set);
  const root = join(dir, "root"), debsDir = join(dir, "debs");
  // Written last, so an interrupted download or unpacking (or a changed list) is started over.
  const done = join(dir, "unpacked");
  const list = packages.join("\n") + "\n";
  const debs = () => readdirSync(debsDir).filter((f) => f.endsWith(".deb")).map((f) => join(debsDir, f));
  if (existsSync(done) && readFileSync(done, "utf8") === list) return { root, debs: debs() };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(debsDir, { recursive: true });
  log(`bench: downloading and unpacking ${packages.join(", ")}`);
  run("apt-get", ["download", "-qq", ...packages], debsDir);
  for (const deb of debs()) run("dpkg", ["-x", deb, root]);
  // Type declarations (@types/node, undici-types) are of no use in a guest, and tsc, which reads bench/, would take them in.
  for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (/\.[cm]?ts$/.test(file)) rmSync(join(root, file), { force: true });
  }
  writeFileSync(done, list);
  return { root, debs: debs() };
}

/** The Debian version of one downloaded package, by its name. */
export function debVersion(packages: Packages, name: string): string {
  const deb = packages.debs.find((d) => basename(d).startsWith(`${name}_`));
  return deb ? run("dpkg-deb", ["-f", deb, "Version"]).trim() : "?";
}

/** Debian's kernel and busybox-static, downloaded and unpacked once. */
export function prepareKernel(): Kernel {
  const kernelName = kernelPackage();
  const packages = unpackPackages("kernel", [kernelName, "busybox-static"]);
  const { root } = packages;
  const [release] = readdirSync(join(root, "lib", "modules"));
  const config = readFileSync(join(root, "boot", `config-${release}`), "utf8");
  return {
    image: join(root, "boot", `vmlinuz-${release}`),
    modulesDir: join(root, "lib", "modules", release),
    version: `${release} (Debian ${debVersion(packages, kernelName)})`,
    busybox: join(root, "bin", "busybox"),
    busyboxVersion: debVersion(packages, "busybox-static"),
    mmioOnCmdline: /^CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y$/m.test(config),
  };
}

/** Every module file under the package's lib/modules/<release>/kernel, by module name ("-" and "_" are one to modprobe). */
function moduleFiles(modulesDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of readdirSync(join(modulesDir, "kernel"), { recursive: true, encoding: "utf8" })) {
    if (file.endsWith(".ko")) files.set(basename(file, ".ko").replace(/-/g, "_"), join(modulesDir, "kernel", file));
  }
  return files;
}

/** The modules to insmod for `wanted`, each after those its .modinfo "depends=" names; built-in ones are left out. */
function moduleOrder(modulesDir: string, wanted: string[]): { name: string; file: string }[] {
  const files = moduleFiles(modulesDir);
  const builtin = new Set(readFileSync(join(modulesDir, "modules.builtin"), "utf8").split("\n").map((l) => basename(l, ".ko").replace(/-/g, "_")));
  const order: { name: string; file: string }[] = [];
  const visit = (name: string) => {
    if (builtin.has(name) || order.some((m) => m.name === name)) return;
    const file = files.get(name);
    if (!file) throw new CliError(`the Linux package has no module ${name}`, 1);
    const depends = /depends=([\w,-]*)\0/.exec(readFileSync(file, "latin1"))?.[1] ?? "";
    depends.split(",").filter(Boolean).forEach((d) => visit(d.replace(/-/g, "_")));
    order.push({ name, file });
  };
  wanted.forEach(visit);
  return order;
}

/** Builds bench/build/linux/initramfs-<name>.cpio (.gz): busybox, /init and /boot.sh, the modules with the order to load them in, and `contents`. */
export function buildInitramfs(kernel: Kernel, name: string, contents: InitramfsContents): string {
  const dir = join(LINUX_DIR, `initramfs-${name}`);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ["bin", "modules", "proc", "sys", "dev", "tmp"]) mkdirSync(join(dir, sub), { recursive: true });
  for (const tree of contents.trees ?? []) {
    const skip = new Set(tree.skip.map((path) => join(tree.root, path)));
    cpSync(tree.root, dir, { recursive: true, verbatimSymlinks: true, filter: (source) => !skip.has(source) });
  }
  const files = { "bin/busybox": kernel.busybox, init: contents.init, "boot.sh": BOOT_SCRIPT, ...contents.files };
  for (const [target, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, target)), { recursive: true });
    copyFileSync(source, join(dir, target));
  }
  chmodSync(join(dir, "init"), 0o755);
  const modules = moduleOrder(kernel.modulesDir, contents.modules);
  for (const m of modules) copyFileSync(m.file, join(dir, "modules", `${m.name}.ko`));
  writeFileSync(join(dir, "modules", "order"), modules.map((m) => m.name).join("\n") + "\n");
  const archive = `${dir}.cpio${contents.compress ? ".gz" : ""}`;
  // busybox's own cpio writes the newc format the kernel unpacks; no cpio package needed.
  run("sh", ["-c", `find . | '${kernel.busybox}' cpio -o -H newc ${contents.compress ? "| gzip -1 " : ""}> '${archive}'`], dir);
  return archive;
}

/**
 * The host's TSC rate in kHz, which a TCG guest's TSC runs at (QEMU reads
 * the host's): from the kernel's log, else /proc/cpuinfo where the TSC is
 * constant; undefined when neither tells.
 */
function hostTscKhz(): number | undefined {
  const dmesg = spawnSync("dmesg", { encoding: "utf8" }).stdout ?? "";
  const logged = /tsc: Refined TSC clocksource calibration: ([\d.]+) MHz/.exec(dmesg) ?? /tsc: Detected ([\d.]+) MHz processor/.exec(dmesg);
  if (logged) return Math.round(Number(logged[1]) * 1000);
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const mhz = /^cpu MHz\s*: ([\d.]+)/m.exec(cpuinfo);
  return mhz && /^flags\s*:.*\bconstant_tsc\b/m.test(cpuinfo) ? Math.round(Number(mhz[1]) * 1000) : undefined;
}

/**
 * Toro's QEMU command line with Linux's kernel, initramfs, memory, command
 * line and disks. On microvm, a kernel that cannot take the
 * virtio_mmio.device= words QEMU adds to the command line finds the devices
 * only in ACPI tables, so ACPI is turned on for it (Toro boots with it off).
 * Linux also gets the legacy PIC: when its TSC calibration against the PIT
 * fails, as it does under TCG on a busy host, it needs PIT interrupts
 * through the 8259 to set up its timers, and without them it stalls at time
 * zero. Under TCG it is also told the TSC's rate (tsc_early_khz, the host's):
 * on a busy host the calibration still fails now and then, and the kernel
 * then hangs in calibrate_delay() waiting for a timer tick that never comes
 * (seen in 3 boots of 4 with four guests on two host CPUs; none with the rate given).
 */
export function linuxArgs(toro: VmConfig, linux: LinuxVm): string[] {
  const { kernel, initramfs, memoryMiB, disks } = linux;
  const tscKhz = toro.accel === "tcg" ? hostTscKhz() : undefined;
  const cmdline = tscKhz ? `${linux.cmdline} tsc_early_khz=${tscKhz}` : linux.cmdline;
  const args = qemuArgs({ ...toro, image: kernel.image, memoryMiB, cmdline, disks });
  if (toro.machine === "microvm") {
    const m = args.indexOf("-M") + 1;
    args[m] = args[m].replace("pic=off", "pic=on");
    if (!kernel.mmioOnCmdline) args[m] = args[m].replace("acpi=off", "acpi=on");
  }
  return [...args, "-initrd", initramfs];
}

/** For a report: how the Linux guest's machine differs from Toro's. */
export function acpiNote(machine: Machine, kernel: Kernel): string {
  return machine === "microvm" && !kernel.mmioOnCmdline ? "; its microvm has acpi=on (no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES)" : "";
}
