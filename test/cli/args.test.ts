import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, parseDuration, parseSize } from "../../cli/args.ts";
import { CliError } from "../../cli/errors.ts";

test("run takes its flags, repeated --env, and the service's arguments after --", () => {
  const c = parseArgs(["run", "svc", "--mem", "16M", "--accel=tcg", "--timeout", "2s", "--env", "A=1", "--env", "B=x=y",
    "--machine", "q35", "--", "--not-a-flag", "two"]);
  assert.equal(c.name, "run");
  if (c.name !== "run") return;
  assert.deepEqual(c.options, {
    target: "svc", memoryMiB: 16, accel: "tcg", machine: "q35", timeoutMs: 2000,
    env: { A: "1", B: "x=y" }, args: ["--not-a-flag", "two"], trace: false, capture: undefined,
    net: { mode: "user" }, forwards: [], disks: [], dirs: [], address: undefined, assets: undefined, shares: [],
  });
});

test("defaults: 64 MiB, auto accelerator, microvm, no timeout", () => {
  const c = parseArgs(["run", "examples/hello"]);
  assert.equal(c.name === "run" && c.options.memoryMiB, 64);
  assert.equal(c.name === "run" && c.options.accel, "auto");
  assert.equal(c.name === "run" && c.options.machine, "microvm");
  assert.equal(c.name === "run" && c.options.timeoutMs, undefined);
});

test("devices: --net, -p port forwards and --disk", () => {
  const c = parseArgs(["run", "svc", "-p", "8080:80", "--publish=5353:53/udp", "--disk", "a.img", "--disk", "b,c.img,ro"]);
  assert.equal(c.name, "run");
  if (c.name !== "run") return;
  assert.deepEqual(c.options.net, { mode: "user" });
  assert.deepEqual(c.options.forwards, [{ protocol: "tcp", host: 8080, guest: 80 }, { protocol: "udp", host: 5353, guest: 53 }]);
  assert.deepEqual(c.options.disks, [{ path: "a.img", readOnly: false, mount: "/data" }, { path: "b,c.img", readOnly: true, mount: "/data1" }]);
  const tap = parseArgs(["run", "svc", "--net", "tap=tap7"]);
  assert.deepEqual(tap.name === "run" && tap.options.net, { mode: "tap", ifname: "tap7" });
  const none = parseArgs(["run", "svc", "--net", "none"]);
  assert.deepEqual(none.name === "run" && none.options.net, { mode: "none" });
  for (const mode of ["passt", "slirp"]) {
    const user = parseArgs(["run", "svc", `--net=${mode}`, "-p", "8080:80"]);
    assert.deepEqual(user.name === "run" && [user.options.net, user.options.forwards], [{ mode }, [{ protocol: "tcp", host: 8080, guest: 80 }]]);
  }
});

test("--capture names a pcap file for the card's frames, and needs a card", () => {
  const c = parseArgs(["run", "svc", "--capture", "out,1.pcap"]);
  assert.equal(c.name === "run" && c.options.capture, "out,1.pcap");
  assert.throws(() => parseArgs(["run", "svc", "--net", "none", "--capture=x.pcap"]), CliError);
  assert.throws(() => parseArgs(["build", "svc", "--capture=x.pcap"]), /option of run/);
});

test("a static address: --ip with --gateway and repeated --dns", async () => {
  const c = parseArgs(["run", "svc", "--ip", "192.168.7.2/24", "--gateway=192.168.7.1", "--dns", "1.1.1.1", "--dns", "8.8.8.8"]);
  assert.deepEqual(c.name === "run" && c.options.address, { ip: "192.168.7.2", prefixLength: 24, gateway: "192.168.7.1", dns: ["1.1.1.1", "8.8.8.8"] });
  const { addressWords } = await import("../../cli/run.ts");
  assert.deepEqual(addressWords(c.name === "run" ? c.options.address : undefined),
    ["toro.ip=192.168.7.2/24", "toro.gateway=192.168.7.1", "toro.dns=1.1.1.1", "toro.dns=8.8.8.8"]);
});

test("build takes -o", () => {
  assert.deepEqual(parseArgs(["build", "svc.ts", "-o", "out.elf"]), { name: "build", options: { target: "svc.ts", output: "out.elf", assets: undefined } });
});

test("sizes and durations", () => {
  assert.equal(parseSize("16M"), 16);
  assert.equal(parseSize("1G"), 1024);
  assert.equal(parseSize("64"), 64);
  assert.equal(parseSize("512MiB"), 512);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("2m"), 120_000);
  assert.equal(parseDuration("1.5"), 1500);
});

const rejects: [string[], RegExp][] = [
  [["run"], /name a service/],
  [["run", "a", "b"], /one service at a time/],
  [["run", "a", "--mem", "lots"], /--mem: cannot read "lots"/],
  [["run", "a", "--mem", "1M"], /too small/],
  [["run", "a", "--accel", "hvf"], /--accel: expected one of auto, kvm, tcg/],
  [["run", "a", "--timeout", "soon"], /--timeout: cannot read/],
  [["run", "a", "--env", "=x"], /--env: expected KEY=VALUE/],
  [["run", "a", "--env"], /--env needs a value/],
  [["run", "a", "--frobnicate"], /unknown option --frobnicate/],
  [["build", "a", "--mem", "16M"], /--mem is an option of run, not build/],
  [["build", "a", "--", "x"], /for run only/],
  [["run", "a", "-o", "x.elf"], /-o is an option of build/],
  [["launch"], /unknown command "launch"/],
  [["run", "a", "-p", "80"], /-p: expected HOSTPORT:GUESTPORT/],
  [["run", "a", "-p", "70000:80"], /not a port number/],
  [["run", "a", "--net", "bridge"], /--net: expected user, passt, slirp, tap, tap=NAME or none/],
  [["run", "a", "--net", "tap", "-p", "1:2"], /-p forwards ports on user networking only \(--net tap was given\)/],
  [["run", "a", "--net", "none", "-p", "1:2"], /-p forwards ports on user networking only/],
  [["run", "a", "--disk", ",ro"], /--disk: expected FILE/],
  [["run", "a", "--ip", "10.0.2.15"], /--ip: expected ADDRESS\/PREFIX/],
  [["run", "a", "--ip", "10.0.2.256/24"], /not an IPv4 address/],
  [["run", "a", "--ip", "10.0.2.15/33"], /--ip: expected ADDRESS\/PREFIX/],
  [["run", "a", "--gateway", "10.0.2.2"], /--gateway and --dns go with --ip/],
];
for (const [argv, message] of rejects) {
  test(`rejects ${argv.join(" ")}`, () => {
    assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof CliError && message.test(e.message));
  });
}
