/**
 * Choosing the accelerator. `auto` takes KVM only where it really runs our
 * guest: the CPU must offer hardware virtualization (vmx/svm), /dev/kvm must
 * be usable, and a probe guest that executes SSE must boot and exit with
 * the code it computes. Some hosts expose a /dev/kvm that cannot run such
 * a guest; there, and anywhere else KVM falls short, it is TCG.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import type { Accel } from "./args.ts";

export interface HostFacts {
  cpuFlags: string;            // the "flags" line of /proc/cpuinfo
  kvmAccessible: boolean;      // /dev/kvm exists and we may open it read-write
  probeKvm: () => boolean;     // boots the probe guest under KVM
}

export interface Choice {
  accel: "kvm" | "tcg";
  reason: string;
}

export function chooseAccelerator(requested: Accel, host: HostFacts): Choice {
  if (requested === "tcg") return { accel: "tcg", reason: "requested" };
  if (requested === "kvm") return { accel: "kvm", reason: "requested" };
  if (!/\b(vmx|svm)\b/.test(host.cpuFlags)) return { accel: "tcg", reason: "the CPU offers no hardware virtualization (no vmx/svm flag)" };
  if (!host.kvmAccessible) return { accel: "tcg", reason: "/dev/kvm is missing or not writable" };
  if (!host.probeKvm()) return { accel: "tcg", reason: "KVM is present but does not run the probe guest" };
  return { accel: "kvm", reason: "hardware virtualization with a working KVM" };
}

/** The probe's verdict is kept per kernel and QEMU version; it costs a boot. */
export function realHost(qemu: string, probeImage: string, cacheFile: string): HostFacts {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  const cpuFlags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? "";
  let kvmAccessible = true;
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    kvmAccessible = false;
  }
  const probeKvm = () => {
    const key = `${release()} ${qemu}`;
    try {
      const cached = JSON.parse(readFileSync(cacheFile, "utf8"));
      if (cached.key === key) return cached.kvmWorks === true;
    } catch { /* no cache yet */ }
    const r = spawnSync(qemu, ["-M", "microvm", "-accel", "kvm", "-cpu", "host", "-m", "16M", "-nodefaults", "-no-user-config",
      "-display", "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-kernel", probeImage],
      { timeout: 10_000, stdio: "ignore" });
    const kvmWorks = r.status === PROBE_SUCCESS_STATUS;
    try {
      writeFileSync(cacheFile, JSON.stringify({ key, kvmWorks }));
    } catch { /* a read-only build dir: probe again next time */ }
    return kvmWorks;
  };
  return { cpuFlags, kvmAccessible, probeKvm };
}

/** platform/reference/hello.S exits with code 42 (value 43) when its SSE arithmetic is right. */
export const PROBE_SUCCESS_STATUS = (43 << 1) | 1;
