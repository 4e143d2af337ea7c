/** The QEMU command line for a Toro image. */
import type { Disk, Machine, Network, PortForward } from "./args.ts";
import { shareQemuArgs, type Share, type ShareSocket } from "./share.ts";

/** What QEMU needs of a disk (where the guest mounts it travels on the kernel command line). */
export type AttachedDisk = Pick<Disk, "path" | "readOnly">;

/**
 * Not a `toro run` flag, for tests that play the other end of the cable: the
 * card's frames travel as UDP datagrams on the loopback (QEMU's dgram
 * backend), one frame per datagram. QEMU takes the frames sent to its
 * `localPort` and sends the guest's to `remotePort`.
 */
export interface UdpWire {
  mode: "udp";
  localPort: number;
  remotePort: number;
}

/**
 * The descriptor on which QEMU finds its end of the connection to passt (a
 * stream socket, frames length-prefixed), as the fourth entry of its stdio.
 */
export const PASST_FD = 3;

export interface VmConfig {
  image: string;
  memoryMiB: number;
  accel: "kvm" | "tcg";
  machine: Machine;
  /** The kernel command line (see kernel/process/cmdline.ts). */
  cmdline: string;
  /**
   * "user" is slirp here: these arguments start QEMU alone. runVm decides
   * between passt and slirp, and starts passt for "passt" (see passt.ts).
   */
  net: Network | UdpWire;
  forwards: PortForward[];
  disks: AttachedDisk[];
  /** A pcap file for the card's frames (QEMU's filter-dump), or none. */
  capture?: string;
  /** --share directories, and once runVm has started their virtiofsd, the sockets QEMU connects to. */
  shares?: Share[];
  /** The virtiofsd that serves the shares (found when the config was made). */
  virtiofsd?: string;
  shareSockets?: ShareSocket[];
}

/** QEMU splits option values at commas; a literal comma is written twice. */
function escapeOption(value: string): string {
  return value.replace(/,/g, ",,");
}

/**
 * The virtio devices: an entropy source always (crypto.getRandomValues needs
 * it), a network card unless --net none, and the disks. microvm has them on
 * virtio-mmio; q35 on PCI, modern (virtio 1.x) only.
 */
export function deviceArgs(vm: VmConfig): string[] {
  const device = (kind: string, extra = "") =>
    vm.machine === "microvm" ? `virtio-${kind}-device${extra}` : `virtio-${kind}-pci,disable-legacy=on${extra}`;
  // QEMU's virtio-mmio speaks the legacy (version 1) interface unless told otherwise.
  const args = [...(vm.machine === "microvm" ? ["-global", "virtio-mmio.force-legacy=false"] : []), "-device", device("rng")];
  if (vm.net.mode !== "none") {
    const net = vm.net;
    const backend = net.mode === "udp"
      ? ["dgram", "id=net0", "local.type=inet", "local.host=127.0.0.1", `local.port=${net.localPort}`,
        "remote.type=inet", "remote.host=127.0.0.1", `remote.port=${net.remotePort}`]
      : net.mode === "tap"
      ? ["tap", "id=net0", `ifname=${net.ifname}`, "script=no", "downscript=no"]
      : net.mode === "passt"
      ? ["stream", "id=net0", "server=off", "addr.type=fd", `addr.str=${PASST_FD}`] // passt forwards the ports
      : ["user", "id=net0", ...vm.forwards.map((f) => `hostfwd=${f.protocol}::${f.host}-:${f.guest}`)]; // slirp
    args.push("-netdev", backend.join(","), "-device", device("net", ",netdev=net0"));
    if (vm.capture) args.push("-object", `filter-dump,id=capture0,netdev=net0,file=${escapeOption(vm.capture)}`);
  }
  vm.disks.forEach((disk, i) => {
    // discard=unmap passes the guest's discards on to the image file (as holes).
    const drive = [`if=none`, `id=disk${i}`, `file=${escapeOption(disk.path)}`, "format=raw", disk.readOnly ? "readonly=on" : "discard=unmap"];
    args.push("-drive", drive.join(","), "-device", device("blk", `,drive=disk${i}`));
  });
  return args;
}

/** Our command-line buffer is 4 KiB (platform/main.c); keep clear of it. */
export const MAX_CMDLINE = 4000;

export const QEMU = "qemu-system-x86_64";

export function qemuArgs(vm: VmConfig): string[] {
  // microvm: no PCI, no option ROMs, no ACPI tables (saves ~9 ms of QEMU start-up;
  // devices are announced on the command line); the PIT stays for clock calibration.
  const machine = vm.machine === "microvm" ? "microvm,x-option-roms=off,acpi=off,pit=on,pic=off,rtc=on" : "q35";
  const shares = shareQemuArgs(vm.machine, vm.memoryMiB, vm.shareSockets ?? []);
  return [
    "-M", machine + shares.machineOption,
    "-accel", vm.accel,
    ...(vm.accel === "kvm" ? ["-cpu", "host"] : []),
    "-m", `${vm.memoryMiB}M`,
    "-nodefaults", "-no-user-config", "-display", "none",
    "-serial", "stdio",
    "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    ...deviceArgs(vm),
    ...shares.args,
    "-kernel", vm.image,
    "-append", vm.cmdline,
  ];
}
