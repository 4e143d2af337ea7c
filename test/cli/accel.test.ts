import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { chooseAccelerator, realHost, type HostFacts } from "../../cli/accel.ts";

const host = (over: Partial<HostFacts>): HostFacts => ({
  cpuFlags: "fpu sse sse2 vmx",
  kvmAccessible: true,
  probeKvm: () => true,
  ...over,
});

test("auto picks KVM only with vmx/svm, a usable /dev/kvm and a passing probe", () => {
  assert.equal(chooseAccelerator("auto", host({})).accel, "kvm");
  assert.equal(chooseAccelerator("auto", host({ cpuFlags: "fpu sse svm" })).accel, "kvm");
  assert.equal(chooseAccelerator("auto", host({ cpuFlags: "fpu sse sse2 hypervisor" })).accel, "tcg");
  assert.equal(chooseAccelerator("auto", host({ kvmAccessible: false })).accel, "tcg");
  assert.equal(chooseAccelerator("auto", host({ probeKvm: () => false })).accel, "tcg");
});

test("the presence of /dev/kvm alone is not enough", () => {
  let probed = false;
  const choice = chooseAccelerator("auto", host({ cpuFlags: "fpu hypervisor", probeKvm: () => (probed = true) }));
  assert.equal(choice.accel, "tcg");
  assert.equal(probed, false);
});

test("an explicit choice is taken as given", () => {
  assert.equal(chooseAccelerator("kvm", host({ cpuFlags: "" })).accel, "kvm");
  assert.equal(chooseAccelerator("tcg", host({})).accel, "tcg");
});

test("on this machine, auto agrees with the CPU's virtualization flags", () => {
  const flags = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "";
  const facts = realHost("qemu-system-x86_64", "/nonexistent", "/nonexistent/cache.json");
  if (!/\b(vmx|svm)\b/.test(flags)) assert.equal(chooseAccelerator("auto", facts).accel, "tcg");
  else assert.ok(["kvm", "tcg"].includes(chooseAccelerator("auto", facts).accel));
});
