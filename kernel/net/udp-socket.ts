/** A UDP socket: a bound port, datagrams in by callback, out by send(). Open sockets keep the service alive. */
import type { KeepAlive } from "../devices/hardware.ts";
import type { Ipv4Interface } from "./ipv4-interface.ts";
import { utf8Encode } from "../process/text-encoding.ts";
import { pickEphemeralPort } from "./ephemeral-port.ts";
import { formatIpv4, parseIpv4 } from "./wire/address.ts";

export interface Datagram {
  data: Uint8Array;
  address: string;
  port: number;
}

/** A free UDP port on `iface` from the dynamic range. */
export function ephemeralPort(iface: Ipv4Interface, random: () => number): number {
  return pickEphemeralPort((port) => iface.isUdpPortFree(port), random, "UDP");
}

export class UdpSocket {
  private handler: ((datagram: Datagram) => void) | undefined;
  private open = true;

  constructor(private readonly iface: Ipv4Interface, readonly port: number, private readonly keepAlive: KeepAlive) {
    iface.bindUdp(port, (payload, source, sourcePort) => {
      // The payload's bytes go back to the card after this call: hand over a copy.
      this.handler?.({ data: Uint8Array.from(payload), address: formatIpv4(source), port: sourcePort });
    });
    keepAlive.retain();
  }

  /** Datagrams that arrive for this port. */
  onMessage(handler: (datagram: Datagram) => void): void {
    this.handler = handler;
  }

  /** Send `data` (a string goes as UTF-8) to `address`:`port`. */
  send(data: Uint8Array | string, address: string, port: number): void {
    if (!this.open) throw new Error(`UDP socket ${this.port} is closed`);
    const destination = parseIpv4(address);
    if (destination === undefined) throw new TypeError(`"${address}" is not an IPv4 address`);
    if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new RangeError(`${port} is not a port number`);
    const bytes = typeof data === "string" ? utf8Encode(data) : data;
    this.iface.sendUdp(this.port, destination, port, bytes);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.iface.unbindUdp(this.port);
    this.keepAlive.release();
  }
}
