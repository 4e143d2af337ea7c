/**
 * The network stack on one card: the IPv4 interface, its configuration
 * (static, or DHCP kept renewed), DNS, and UDP sockets.
 */
import type { KeepAlive } from "../devices/hardware.ts";
import type { NetworkInterface } from "../devices/network-interface.ts";
import type { Ipv4Config } from "./config.ts";
import { DhcpClient } from "./dhcp-client.ts";
import { DHCP_CLIENT_PORT, DHCP_SERVER_PORT } from "./dhcp-message.ts";
import { DNS_PORT } from "./dns-message.ts";
import { DnsResolver } from "./dns-resolver.ts";
import type { NetHost } from "./host.ts";
import { Ipv4Interface } from "./ipv4-interface.ts";
import { ephemeralPort, UdpSocket } from "./udp-socket.ts";
import type { TcpListener, TcpStream } from "./tcp/stream.ts";
import { TcpLayer } from "./tcp/tcp-layer.ts";
import type { TcpTuning } from "./tcp/connection.ts";
import { formatIpv4, parseIpv4 } from "./wire/address.ts";

export class NetworkStack {
  readonly iface: Ipv4Interface;
  readonly resolver: DnsResolver;
  readonly tcp: TcpLayer;
  private readonly dnsPort: number;
  private configured: Promise<Ipv4Config> | undefined;

  /** `leaseDnsServers`, when given, replace the DNS servers of every DHCP lease. */
  constructor(nic: NetworkInterface, private readonly host: NetHost, private readonly staticConfig: Ipv4Config | undefined, private readonly keepAlive: KeepAlive,
    tcpTuning?: TcpTuning, private readonly leaseDnsServers?: number[]) {
    this.iface = new Ipv4Interface(nic, host);
    this.tcp = new TcpLayer(this.iface, host, keepAlive, tcpTuning);
    this.resolver = new DnsResolver({
      send: (query, server) => this.iface.sendUdp(this.dnsPort, server, DNS_PORT, query),
      setTimer: host.setTimer,
      clearTimer: host.clearTimer,
      nowMs: host.nowMs,
      random: host.random,
    }, () => this.iface.config?.dnsServers ?? []);
    this.dnsPort = ephemeralPort(this.iface, host.random);
    this.iface.bindUdp(this.dnsPort, (payload, _source, sourcePort) => {
      if (sourcePort === DNS_PORT) this.resolver.receive(payload);
    });
  }

  /** Configure the interface (once): resolves with the configuration when it has an address. */
  start(): Promise<Ipv4Config> {
    this.configured ??= new Promise((resolve) => {
      if (this.staticConfig) {
        this.iface.configure(this.staticConfig);
        resolve(this.staticConfig);
        return;
      }
      // Waiting for the first lease keeps the service alive; keeping it renewed does not.
      this.keepAlive.retain();
      let first = true;
      const dhcp = new DhcpClient(this.iface.nic.mac, {
        send: (message, destination) => this.iface.sendUdp(DHCP_CLIENT_PORT, destination, DHCP_SERVER_PORT, message),
        setTimer: this.host.setTimer,
        clearTimer: this.host.clearTimer,
        random: this.host.random,
        bound: (lease) => {
          const config = { address: lease.address, prefixLength: prefixLength(lease.subnetMask), gateway: lease.router, dnsServers: this.leaseDnsServers ?? lease.dnsServers };
          this.iface.configure(config);
          if (!first) return;
          first = false;
          this.host.log(`${this.iface.nic.name}: ${formatIpv4(config.address)}/${config.prefixLength} from DHCP`);
          this.keepAlive.release();
          resolve(config);
        },
        lost: (why) => {
          this.host.log(`${this.iface.nic.name}: lost its DHCP lease: ${why}`);
          this.iface.configure(undefined);
        },
      });
      this.iface.bindUdp(DHCP_CLIENT_PORT, (payload) => dhcp.receive(payload));
      dhcp.start();
    });
    return this.configured;
  }

  /** A UDP socket on `port`, or on a free ephemeral port. */
  openUdp(port?: number): UdpSocket {
    return new UdpSocket(this.iface, port ?? ephemeralPort(this.iface, this.host.random), this.keepAlive);
  }

  /** Accept TCP connections on `port`; each goes to `handler`. The listener keeps the service alive until closed. */
  async listen(port: number, handler: (connection: TcpStream) => void, backlog?: number): Promise<TcpListener> {
    await this.start();
    return this.tcp.listen(port, handler, backlog);
  }

  /** Open a TCP connection to `host` (a name or a dotted address) on `port`. */
  async connect(host: string, port: number): Promise<TcpStream> {
    const [address] = await this.resolve(host);
    return this.tcp.connect(parseIpv4(address)!, port);
  }

  /** The IPv4 addresses of `name`, as dotted strings. While waiting, the service stays alive. */
  async resolve(name: string): Promise<string[]> {
    await this.start();
    this.keepAlive.retain();
    try {
      return (await this.resolver.resolve(name)).map(formatIpv4);
    } finally {
      this.keepAlive.release();
    }
  }
}

function prefixLength(mask: number): number {
  let n = 0;
  while (n < 32 && (mask << n) & 0x80000000) n++;
  return n;
}
