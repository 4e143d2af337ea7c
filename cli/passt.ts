/**
 * passt (Debian's package) as the user network's backend. QEMU's own user
 * network, libslirp, listens on a forwarded port with a backlog of 1, so a
 * burst of connections from the host waits for SYN retransmissions; passt
 * maps the guest's TCP onto the host's own sockets and takes the load.
 *
 * passt is told to show the guest what slirp shows it: 10.0.2.15/24 by DHCP,
 * the gateway 10.0.2.2 (which is the host's loopback) with slirp's MAC, and
 * DNS through a forwarder at 10.0.2.3.
 *
 * QEMU and passt share one stream socket pair, not a socket file: passt gets
 * one end as a descriptor (`--fd`, which makes it quit when the other end
 * closes), QEMU the other (`-netdev stream,addr.type=fd`). So passt ends with
 * the VM however the VM ends, even when toro itself is killed, and there is
 * no socket file to remove.
 */
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { accessSync, constants } from "node:fs";
import { createServer, type Socket } from "node:net";
import { delimiter, join } from "node:path";
import type { PortForward } from "./args.ts";
import { PASST_FD } from "./qemu.ts";

export const PASST = "passt";

/** The network slirp shows its guest, and passt is told to show. */
export const USER_NETWORK = {
  guest: "10.0.2.15",
  prefixLength: 24,
  gateway: "10.0.2.2",
  /** slirp's DNS forwarder; passt forwards what is sent there to the host's first resolver. */
  dns: "10.0.2.3",
  /** slirp's MAC for the gateway (and every other address on the subnet). */
  gatewayMac: "52:55:0a:00:02:02",
  /** QEMU's MAC for the first network card. */
  guestMac: "52:54:00:12:34:56",
} as const;

/** passt's command line: in the foreground, quiet, on descriptor PASST_FD, forwarding the -p ports. */
export function passtArgs(forwards: PortForward[]): string[] {
  // "none" rather than nothing: passt forwards the UDP ports of forwarded TCP ports unless told otherwise.
  const ports = (protocol: "tcp" | "udp") =>
    forwards.filter((f) => f.protocol === protocol).map((f) => `${f.host}:${f.guest}`).join(",") || "none";
  const net = USER_NETWORK;
  return [
    "--foreground", "--quiet", "--fd", String(PASST_FD),
    // The guest has no IPv6; slirp's forwarded ports are IPv4 ones too.
    "--ipv4-only",
    "--address", net.guest, "--netmask", String(net.prefixLength), "--gateway", net.gateway, "--mac-addr", net.gatewayMac,
    "--dns-forward", net.dns,
    "--tcp-ports", ports("tcp"), "--udp-ports", ports("udp"),
  ];
}

/** Whether `name` is an executable file in a directory of $PATH. */
export function onPath(name: string, path = process.env.PATH ?? ""): boolean {
  return path.split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A frame on QEMU's stream wire: its length (32 bits, big-endian), then its bytes. */
export function streamFrame(frame: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}

/** The whole frames at the start of `bytes`, and the bytes of an incomplete one after them. */
export function takeStreamFrames(bytes: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let at = 0;
  while (bytes.length - at >= 4 && bytes.length - at - 4 >= bytes.readUInt32BE(at)) {
    const length = bytes.readUInt32BE(at);
    frames.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { frames, rest: bytes.subarray(at) };
}

const macBytes = (mac: string) => mac.split(":").map((part) => parseInt(part, 16));
const ipBytes = (ip: string) => ip.split(".").map(Number);

/**
 * An ARP request for the gateway from the guest's MAC, with the sender
 * address 0.0.0.0 (an RFC 5227 probe, so that passt learns no guest address
 * from it), padded to Ethernet's 60 bytes.
 */
export function gatewayArpRequest(): Buffer {
  const frame = Buffer.alloc(60);
  frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0);
  frame.set(macBytes(USER_NETWORK.guestMac), 6);
  frame.set([0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1], 12);
  frame.set(macBytes(USER_NETWORK.guestMac), 22);
  frame.set(ipBytes(USER_NETWORK.gateway), 38);
  return frame;
}

/** Whether `frame` is an ARP reply saying where the gateway is. */
export function isGatewayArpReply(frame: Uint8Array): boolean {
  if (frame.length < 42) return false;
  const at = (offset: number, bytes: number[]) => bytes.every((b, i) => frame[offset + i] === b);
  return at(12, [0x08, 0x06]) && at(20, [0, 2]) && at(28, ipBytes(USER_NETWORK.gateway));
}

/** passt's messages on stderr without its complaints about syslog (there is none in a container) or its change of user. */
export function passtMessages(stderr: string): string {
  return stderr.split("\n").filter((line) => line.trim() && !/to syslog$|^Don't run as root/.test(line)).join("\n");
}

/** A forwarded host port that something on the host already holds, or undefined. passt would go on without it. */
export async function busyForward(forwards: PortForward[]): Promise<PortForward | undefined> {
  for (const forward of forwards) {
    const free = await new Promise<boolean>((resolve) => {
      if (forward.protocol === "tcp") {
        const server = createServer();
        server.once("error", () => resolve(false));
        server.listen({ port: forward.host, host: "0.0.0.0", exclusive: true }, () => server.close(() => resolve(true)));
      } else {
        const socket = createSocket("udp4");
        socket.once("error", () => resolve(false));
        socket.bind({ port: forward.host, address: "0.0.0.0", exclusive: true }, () => socket.close(() => resolve(true)));
      }
    });
    if (!free) return forward;
  }
  return undefined;
}

export interface RunningPasst {
  /** QEMU's end of the socket pair: give it to QEMU as its descriptor PASST_FD, then close ours with `destroy()`. */
  readonly qemuEnd: Socket;
  /** What passt has said so far (errors; it runs with --quiet). */
  messages(): string;
  /** Resolves with passt's exit code once it has ended. */
  readonly exited: Promise<number | null>;
  /** End passt if it still runs, and wait until it has. */
  stop(): Promise<void>;
}

/** How long passt may take to answer the first ARP request before it counts as not working. */
const ANSWER_LIMIT_MS = 10_000;

/**
 * Starts passt and checks that it works: it must answer an ARP request for
 * the gateway on the socket QEMU will get. Resolves with the running passt,
 * or with why it does not work (it is stopped then).
 */
export function startPasst(forwards: PortForward[]): Promise<RunningPasst | string> {
  const child = spawn(PASST, passtArgs(forwards), { stdio: ["ignore", "ignore", "pipe", "pipe"] });
  const socket = child.stdio[PASST_FD] as Socket;
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const running: RunningPasst = {
    qemuEnd: socket,
    messages: () => passtMessages(stderr),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
  return new Promise((resolve) => {
    let received: Buffer = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: RunningPasst | string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off("data", onData);
      socket.pause(); // what passt sends from now on is QEMU's to read
      if (typeof outcome === "string") void running.stop().then(() => resolve(outcome));
      else resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      const { frames, rest } = takeStreamFrames(Buffer.concat([received, chunk]));
      received = rest;
      if (frames.some(isGatewayArpReply)) settle(running);
    };
    const timer = setTimeout(() => settle(`no answer to an ARP request within ${ANSWER_LIMIT_MS / 1000} s`), ANSWER_LIMIT_MS);
    socket.on("data", onData);
    socket.on("error", () => {}); // passt gone: its exit says why
    child.once("error", (error) => settle(`cannot start ${PASST}: ${error.message}`));
    void exited.then((code) => settle(`${PASST} exited (code ${code})${running.messages() ? `: ${running.messages()}` : ""}`));
    socket.write(streamFrame(gatewayArpRequest()));
  });
}
