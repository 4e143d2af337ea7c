/**
 * The network unit's public API, imported by services as "toro/net":
 *
 *     import { connect, listen, network, openUdp, resolve } from "toro/net";
 *     const { address } = await network();      // DHCP, or --ip/--gateway/--dns
 *
 * The stack starts on the first network card when first used.
 */
import { networkInterfaces } from "../devices/index.ts";
import { bootParameters, loop } from "../process/state.ts";
import { configuredDnsServers, staticConfig } from "./config.ts";
import type { NetHost } from "./host.ts";
import { NetworkStack } from "./stack.ts";
import type { Datagram, UdpSocket } from "./udp-socket.ts";
import { formatIpv4, formatMac } from "./wire/address.ts";
import { setChecksumFastPath } from "./wire/checksum.ts";
import { hw } from "../hw.ts";

// In the image the Internet checksum's sum runs in C (platform/fastpath/checksum.c).
setChecksumFastPath((bytes, offset, length, initial) => hw.checksum(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length, initial));

import type { TcpListener, TcpStream } from "./tcp/stream.ts";
import { DEFAULT_TUNING } from "./tcp/connection.ts";

export type { Datagram, TcpListener, TcpStream, UdpSocket };

export interface NetworkInfo {
  interface: string;
  mac: string;
  address: string;
  prefixLength: number;
  gateway: string | undefined;
  dnsServers: string[];
}

const host: NetHost = {
  nowMs: () => performance.now(),
  setTimer: (callback, ms) => loop.setTimer(callback, ms, [], false).unref(),
  clearTimer: (handle) => loop.clearTimer(handle),
  random: Math.random,
  log: (message) => console.log(`toro: ${message}`),
};

let stack: NetworkStack | undefined;

function theStack(): NetworkStack {
  if (stack) return stack;
  const [nic] = networkInterfaces();
  if (!nic) throw new Error("toro/net: the machine has no network card (was it started with --net none?)");
  const config = staticConfig(bootParameters.params);
  if (typeof config === "string") throw new Error(`toro/net: ${config}`);
  const dnsServers = configuredDnsServers(bootParameters.params);
  if (typeof dnsServers === "string") throw new Error(`toro/net: ${dnsServers}`);
  // TCP buffers may hold a quarter of the guest's memory between them.
  const { pagesTotal, pageSize } = hw.memory();
  return (stack = new NetworkStack(nic, host, config, loop, { ...DEFAULT_TUNING, bufferMemory: (pagesTotal * pageSize) / 4 },
    config || dnsServers.length === 0 ? undefined : dnsServers));
}

/** Bring the network up (once) and say how it is configured. */
export async function network(): Promise<NetworkInfo> {
  const s = theStack();
  const config = await s.start();
  return {
    interface: s.iface.nic.name,
    mac: formatMac(s.iface.nic.mac),
    address: formatIpv4(config.address),
    prefixLength: config.prefixLength,
    gateway: config.gateway === undefined ? undefined : formatIpv4(config.gateway),
    dnsServers: config.dnsServers.map(formatIpv4),
  };
}

/** A UDP socket on `port` (or a free ephemeral one). Call network() first, or send from 0.0.0.0. */
export function openUdp(port?: number): UdpSocket {
  return theStack().openUdp(port);
}

/** Accept TCP connections on `port` (the network comes up first). */
export function listen(port: number, handler: (connection: TcpStream) => void, options: { backlog?: number } = {}): Promise<TcpListener> {
  return theStack().listen(port, handler, options.backlog);
}

/** Open a TCP connection to `host` (a name or dotted address) and `port`. */
export function connect(host: string, port: number): Promise<TcpStream> {
  return theStack().connect(host, port);
}

/** The IPv4 addresses of a host name, by the configured DNS servers. */
export function resolve(name: string): Promise<string[]> {
  return theStack().resolve(name);
}
