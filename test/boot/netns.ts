/**
 * A network namespace with a tap device whose traffic nftables drops at
 * random, for booted tests that need a real Linux peer over a lossy link.
 * Creating one needs root (CAP_NET_ADMIN), /dev/net/tun, `ip` (iproute2) and
 * `nft` (nftables); `missingForNetns()` says which of these are missing.
 * The guest and its host-side peer both run inside the namespace, through
 * `ip netns exec`: QEMU opens the tap there, and the peer reaches the guest
 * over it.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** The nftables table each namespace gets, counting and dropping on the tap. */
const TABLE = "toro_loss";

/** Why this machine cannot create a lossy tap namespace, or undefined when it can. */
export function missingForNetns(): string | undefined {
  const missing: string[] = [];
  if (!hasNetAdmin()) missing.push("root or CAP_NET_ADMIN (run the tests as root)");
  if (!existsSync("/dev/net/tun")) missing.push("/dev/net/tun (the tun module)");
  if (!runs("ip", ["-V"])) missing.push("the ip command (Debian package iproute2)");
  if (!runs("nft", ["--version"])) missing.push("the nft command (Debian package nftables)");
  return missing.length ? `a network namespace with a lossy tap needs ${missing.join(", ")}` : undefined;
}

function hasNetAdmin(): boolean {
  const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("CapEff:"));
  const CAP_NET_ADMIN = 12n;
  return line !== undefined && ((BigInt(`0x${line.split(/\s+/)[1]}`) >> CAP_NET_ADMIN) & 1n) === 1n;
}

function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}

/** Packets seen on the tap in one direction, and how many of them were dropped. */
export interface DirectionCounters {
  packets: number;
  dropped: number;
}

export interface LossCounters {
  /** Frames from the guest. */
  fromGuest: DirectionCounters;
  /** Frames to the guest. */
  toGuest: DirectionCounters;
}

export interface LossyTapOptions {
  /** The host side's address on the tap, e.g. "10.77.0.1". */
  hostAddress: string;
  prefixLength: number;
  /** The share of frames dropped in each direction, in percent (0-100). */
  lossPercent: number;
}

const live = new Set<LossyTap>();
process.on("exit", () => {
  for (const namespace of live) namespace.destroy();
});

let created = 0;

/** One namespace with its tap (`tap0`), up and addressed, and the loss rules. Call destroy() when done. */
export class LossyTap {
  readonly name = `toro-test-${process.pid}-${created++}`;
  /** A tap's name is per namespace, so every namespace can call its own tap0. */
  readonly tap = "tap0";

  constructor(readonly options: LossyTapOptions) {
    const missing = missingForNetns();
    if (missing) throw new Error(missing);
    run("ip", ["netns", "add", this.name]);
    live.add(this);
    try {
      const { hostAddress, prefixLength, lossPercent } = options;
      this.run("ip", ["link", "set", "lo", "up"]);
      this.run("ip", ["tuntap", "add", "dev", this.tap, "mode", "tap"]);
      this.run("ip", ["addr", "add", `${hostAddress}/${prefixLength}`, "dev", this.tap]);
      // Linux hands TCP to the device in segments of up to 64 KiB (GSO) and cuts them into
      // frames after the output hook: one segment per packet, so that the rule drops frames.
      this.run("ip", ["link", "set", "dev", this.tap, "gso_max_segs", "1", "up"]);
      const count = (direction: string) => `${direction} "${this.tap}" counter`;
      const drop = (direction: string) => `${direction} "${this.tap}" numgen random mod 100 < ${lossPercent} counter drop`;
      this.run("nft", ["-f", "-"], [
        `table inet ${TABLE} {`,
        `  chain input { type filter hook input priority 0; ${count("iifname")}; ${drop("iifname")}; }`,
        `  chain output { type filter hook output priority 0; ${count("oifname")}; ${drop("oifname")}; }`,
        `}`,
      ].join("\n"));
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** Run a command inside the namespace and wait for it; throws with its stderr if it fails. */
  run(command: string, args: string[], input?: string): string {
    return run("ip", ["netns", "exec", this.name, command, ...args], input);
  }

  /** Start a command inside the namespace. */
  spawn(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    return spawn("ip", ["netns", "exec", this.name, command, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options });
  }

  /** What the loss rules have counted so far. */
  counters(): LossCounters {
    const listing = JSON.parse(this.run("nft", ["-j", "list", "table", "inet", TABLE])) as { nftables: NftItem[] };
    const direction = (chain: string): DirectionCounters => {
      const result = { packets: 0, dropped: 0 };
      for (const item of listing.nftables) {
        if (item.rule?.chain !== chain) continue;
        const counter = item.rule.expr.find((e) => e.counter)?.counter;
        if (!counter) continue;
        if (item.rule.expr.some((e) => "drop" in e)) result.dropped = counter.packets;
        else result.packets = counter.packets;
      }
      return result;
    };
    return { fromGuest: direction("input"), toGuest: direction("output") };
  }

  /** Delete the namespace, and with it the tap and the rules. Stop the processes that use the tap first. */
  destroy(): void {
    if (!live.delete(this)) return;
    spawnSync("ip", ["netns", "del", this.name], { stdio: "ignore" });
  }
}

interface NftItem {
  rule?: { chain: string; expr: { counter?: { packets: number; bytes: number }; drop?: null }[] };
}

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { input, encoding: "utf8" });
  if (result.error) throw new Error(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}
