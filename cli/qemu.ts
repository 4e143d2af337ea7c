/** The QEMU command line for a Toro image. */
import type { Machine } from "./args.ts";

export interface VmConfig {
  image: string;
  memoryMiB: number;
  accel: "kvm" | "tcg";
  machine: Machine;
  /** The kernel command line (see kernel/process/cmdline.ts). */
  cmdline: string;
}

/** Our command-line buffer is 4 KiB (platform/main.c); keep clear of it. */
export const MAX_CMDLINE = 4000;

export const QEMU = "qemu-system-x86_64";

export function qemuArgs(vm: VmConfig): string[] {
  // microvm: no PCI, no option ROMs, no ACPI tables (saves ~9 ms of QEMU start-up;
  // devices are announced on the command line); the PIT stays for clock calibration.
  const machine = vm.machine === "microvm" ? "microvm,x-option-roms=off,acpi=off,pit=on,pic=off,rtc=on" : "q35";
  return [
    "-M", machine,
    "-accel", vm.accel,
    ...(vm.accel === "kvm" ? ["-cpu", "host"] : []),
    "-m", `${vm.memoryMiB}M`,
    "-nodefaults", "-no-user-config", "-display", "none",
    "-serial", "stdio",
    "-no-reboot",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
    "-kernel", vm.image,
    "-append", vm.cmdline,
  ];
}
