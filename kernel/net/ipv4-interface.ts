/**
 * IPv4 on one network card: Ethernet in and out, ARP (answering for our
 * address, learning, resolving with a bounded queue), IPv4 checks and
 * reassembly, ICMP echo replies and errors, and UDP delivery by port. Routing
 * is one subnet plus a default gateway. Everything from the network is
 * checked before it is believed, and anything malformed is dropped.
 */
import { ArpCache } from "./arp-cache.ts";
import { netmask, type Ipv4Config } from "./config.ts";
import type { NetHost } from "./host.ts";
import { Reassembly } from "./reassembly.ts";
import type { NetworkInterface } from "../devices/network-interface.ts";
import { BROADCAST_MAC, formatIpv4 } from "./wire/address.ts";
import { ArpOperation, ArpPacket } from "./wire/arp.ts";
import { ETHERNET_HEADER_LENGTH, EthernetFrame, EtherType } from "./wire/ethernet.ts";
import { IcmpMessage, IcmpType, IcmpUnreachableCode } from "./wire/icmp.ts";
import { IPV4_MIN_HEADER_LENGTH, IpProtocol, Ipv4Packet } from "./wire/ipv4.ts";
import { finishChecksum, onesComplementSum } from "./wire/checksum.ts";
import { writeUint16 } from "./wire/bytes.ts";
import { UDP_HEADER_LENGTH, UdpDatagram } from "./wire/udp.ts";

export const BROADCAST = 0xffffffff;
const ZERO_MAC = new Uint8Array(6);
const MAX_UDP_PAYLOAD = 65535 - IPV4_MIN_HEADER_LENGTH - UDP_HEADER_LENGTH;

/** A UDP payload for a bound port; the bytes are valid only during the call. */
export type UdpReceiver = (payload: Uint8Array, source: number, sourcePort: number, destination: number) => void;
/** Another IP protocol's input (TCP); the payload is valid only during the call. */
export type ProtocolReceiver = (payload: Uint8Array, source: number, destination: number) => void;

export interface InterfaceCounters {
  framesIn: number;
  framesOut: number;
  dropped: number;
}

export class Ipv4Interface {
  config: Ipv4Config | undefined;
  readonly counters: InterfaceCounters = { framesIn: 0, framesOut: 0, dropped: 0 };
  private readonly arp: ArpCache<Uint8Array>;
  private readonly reassembly = new Reassembly();
  private readonly udpPorts = new Map<number, UdpReceiver>();
  private readonly protocols = new Map<number, ProtocolReceiver>();
  private readonly batchEnds: (() => void)[] = [];
  private arpTimer: unknown;
  private identification: number;
  // One view of each kind, rewrapped per packet: reading allocates nothing.
  private readonly eth = new EthernetFrame();
  private readonly arpView = new ArpPacket();
  private readonly ip = new Ipv4Packet();
  private readonly icmp = new IcmpMessage();
  private readonly udp = new UdpDatagram();
  private readonly senderMac = new Uint8Array(6);
  /**
   * The Ethernet and IPv4 headers of the latest unfragmented packet sent
   * (length, identification and checksum 0), and the sum of its IPv4 part:
   * a connection's packets differ only in those three, so the next one to
   * the same neighbour, destination and protocol copies the template instead
   * of writing every field again. A new neighbour address (ARP gives a new
   * array) makes a new template.
   */
  private readonly template = new Uint8Array(ETHERNET_HEADER_LENGTH + IPV4_MIN_HEADER_LENGTH);
  private templateSum = 0;
  private templateMac: Uint8Array | undefined;
  private templateSource = -1;
  private templateDestination = -1;
  private templateProtocol = -1;

  constructor(readonly nic: NetworkInterface, private readonly host: NetHost) {
    this.identification = Math.floor(host.random() * 0x10000);
    this.arp = new ArpCache<Uint8Array>({
      request: (ip) => this.sendArp(ArpOperation.Request, ZERO_MAC, ip, BROADCAST_MAC),
      dropped: (_packet, why) => this.drop(`an outgoing packet: ${why}`),
    });
    // Listening does not keep the service alive: open sockets and pending lookups do.
    nic.onReceive((frames) => {
      for (const frame of frames) this.receiveFrame(frame);
      for (const end of this.batchEnds) end();
    }, false);
  }

  configure(config: Ipv4Config | undefined): void {
    this.config = config;
  }

  bindUdp(port: number, receiver: UdpReceiver): void {
    if (this.udpPorts.has(port)) throw new Error(`UDP port ${port} is in use`);
    this.udpPorts.set(port, receiver);
  }

  unbindUdp(port: number): void {
    this.udpPorts.delete(port);
  }

  isUdpPortFree(port: number): boolean {
    return !this.udpPorts.has(port);
  }

  /**
   * Let another protocol (TCP) take its packets. `endOfBatch` is called
   * after each batch of frames that arrived together (their views are still
   * valid), for a protocol that holds some back to handle them as one.
   */
  bindProtocol(protocol: number, receiver: ProtocolReceiver, endOfBatch?: () => void): void {
    this.protocols.set(protocol, receiver);
    if (endOfBatch) this.batchEnds.push(endOfBatch);
  }

  /** Send a UDP datagram (from 0.0.0.0 until the interface has an address, as DHCP needs). */
  sendUdp(sourcePort: number, destination: number, destinationPort: number, data: Uint8Array): void {
    if (data.length > MAX_UDP_PAYLOAD) throw new RangeError(`a UDP datagram carries at most ${MAX_UDP_PAYLOAD} bytes, not ${data.length}`);
    const source = this.config?.address ?? 0;
    this.sendIpv4(destination, IpProtocol.Udp, UDP_HEADER_LENGTH + data.length, (payload) => {
      UdpDatagram.emit(payload, sourcePort, destinationPort, data.length);
      payload.set(data, UDP_HEADER_LENGTH);
      this.udp.wrap(payload).fillChecksum(source, destination);
    });
  }

  /** Build an IPv4 packet around a payload `fill` writes, and send it (in fragments if it must). */
  sendIpv4(destination: number, protocol: number, payloadLength: number, fill: (payload: Uint8Array) => void): void {
    const source = this.config?.address ?? 0;
    if (!this.config && destination !== BROADCAST) {
      this.drop(`a packet to ${formatIpv4(destination)}: the interface has no address yet`);
      return;
    }
    const room = this.room();
    // The common case, one packet to a known neighbour: built in place in the card's buffer, with no copies.
    const mac = payloadLength <= room ? this.resolvedMac(destination) : undefined;
    if (mac) return this.transmitTemplated(mac, source, destination, protocol, 1, () => payloadLength, fill);
    const identification = this.identification = (this.identification + 1) & 0xffff;
    const payload = new Uint8Array(payloadLength);
    fill(payload);
    for (let offset = 0; offset < payloadLength || offset === 0; offset += room) {
      const length = Math.min(room, payloadLength - offset);
      const packet = new Uint8Array(IPV4_MIN_HEADER_LENGTH + length);
      const fragmented = payloadLength > room;
      Ipv4Packet.emit(packet, {
        source, destination, protocol, payloadLength: length, identification,
        dontFragment: !fragmented, moreFragments: offset + length < payloadLength, fragmentOffset: offset,
      });
      packet.set(payload.subarray(offset, offset + length), IPV4_MIN_HEADER_LENGTH);
      this.route(destination, packet);
      if (length === 0) break;
    }
  }

  /**
   * Send `count` packets to one destination, packet i with a payload of
   * `lengthOf(i)` bytes that `fill(payload, i)` writes: a train of TCP
   * segments, with the route and the template found once for all of them.
   * Packets that need ARP or fragments go the general way, one by one.
   */
  sendIpv4Train(destination: number, protocol: number, count: number, lengthOf: (index: number) => number,
    fill: (payload: Uint8Array, index: number) => void): void {
    const source = this.config?.address;
    const mac = source === undefined ? undefined : this.resolvedMac(destination);
    if (mac) return this.transmitTemplated(mac, source!, destination, protocol, count, lengthOf, fill);
    for (let i = 0; i < count; i++) this.sendIpv4(destination, protocol, lengthOf(i), (payload) => fill(payload, i));
  }

  /** The largest payload a packet carries unfragmented (a multiple of 8, as fragment offsets are). */
  private room(): number {
    return (this.nic.mtu - IPV4_MIN_HEADER_LENGTH) & ~7;
  }

  /** Packets to a resolved neighbour, each built in the card's buffer from the header template. */
  private transmitTemplated(mac: Uint8Array, source: number, destination: number, protocol: number, count: number,
    lengthOf: (index: number) => number, fill: (payload: Uint8Array, index: number) => void): void {
    if (!this.templateFits(mac, source, destination, protocol)) this.buildTemplate(mac, source, destination, protocol);
    const room = this.room();
    let index = 0, payloadLength = 0, identification = 0;
    const fillFrame = (frame: Uint8Array) => {
      this.writeHeaders(frame, payloadLength, identification);
      fill(frame.subarray(ETHERNET_HEADER_LENGTH + IPV4_MIN_HEADER_LENGTH), index);
    };
    for (; index < count; index++) {
      payloadLength = lengthOf(index);
      if (payloadLength > room) {
        this.sendIpv4(destination, protocol, payloadLength, (payload) => fill(payload, index));
        continue;
      }
      identification = this.identification = (this.identification + 1) & 0xffff;
      this.counted(this.nic.transmit(ETHERNET_HEADER_LENGTH + IPV4_MIN_HEADER_LENGTH + payloadLength, fillFrame));
    }
  }

  /** The template's headers, with this packet's length, identification and checksum (added to the template's sum). */
  private writeHeaders(frame: Uint8Array, payloadLength: number, identification: number): void {
    frame.set(this.template);
    const totalLength = IPV4_MIN_HEADER_LENGTH + payloadLength;
    writeUint16(frame, ETHERNET_HEADER_LENGTH + 2, totalLength);
    writeUint16(frame, ETHERNET_HEADER_LENGTH + 4, identification);
    writeUint16(frame, ETHERNET_HEADER_LENGTH + 10, finishChecksum(this.templateSum + totalLength + identification));
  }

  private templateFits(mac: Uint8Array, source: number, destination: number, protocol: number): boolean {
    return this.templateMac === mac && this.templateSource === source && this.templateDestination === destination && this.templateProtocol === protocol;
  }

  private buildTemplate(mac: Uint8Array, source: number, destination: number, protocol: number): void {
    const template = this.template;
    EthernetFrame.emit(template, mac, this.nic.mac, EtherType.Ipv4);
    const header = template.subarray(ETHERNET_HEADER_LENGTH);
    Ipv4Packet.emit(header, { source, destination, protocol, payloadLength: 0, identification: 0, dontFragment: true });
    writeUint16(header, 2, 0);
    writeUint16(header, 10, 0);
    this.templateSum = onesComplementSum(header, 0, IPV4_MIN_HEADER_LENGTH);
    this.templateMac = mac;
    this.templateSource = source;
    this.templateDestination = destination;
    this.templateProtocol = protocol;
  }

  /** The Ethernet address a packet to `destination` goes to now: broadcast, or a neighbour ARP knows; else undefined. */
  private resolvedMac(destination: number): Uint8Array | undefined {
    if (destination === BROADCAST || this.isSubnetBroadcast(destination)) return BROADCAST_MAC;
    const nextHop = this.nextHop(destination);
    return nextHop === undefined ? undefined : this.arp.lookup(nextHop, this.host.nowMs());
  }

  /** The destination itself when it is on our subnet, else the gateway (undefined: no route). */
  private nextHop(destination: number): number | undefined {
    const config = this.config!;
    const mask = netmask(config.prefixLength);
    return ((destination & mask) >>> 0) === ((config.address & mask) >>> 0) ? destination : config.gateway;
  }

  private route(destination: number, packet: Uint8Array): void {
    if (destination === BROADCAST || this.isSubnetBroadcast(destination)) {
      this.transmit(BROADCAST_MAC, EtherType.Ipv4, packet);
      return;
    }
    const nextHop = this.nextHop(destination);
    if (nextHop === undefined) {
      this.drop(`a packet to ${formatIpv4(destination)}: no route (no gateway)`);
      return;
    }
    const now = this.host.nowMs();
    const mac = this.arp.lookup(nextHop, now);
    if (mac) this.transmit(mac, EtherType.Ipv4, packet);
    else {
      // Remember the next hop with the packet, for when the reply comes.
      this.arp.enqueue(nextHop, packet, now);
      this.scheduleArp();
    }
  }

  private scheduleArp(): void {
    if (this.arpTimer !== undefined) this.host.clearTimer(this.arpTimer);
    const next = this.arp.poll(this.host.nowMs());
    this.arpTimer = next === undefined ? undefined : this.host.setTimer(() => this.scheduleArp(), next - this.host.nowMs());
  }

  private transmit(mac: Uint8Array, etherType: number, payload: Uint8Array): void {
    this.counted(this.nic.transmit(ETHERNET_HEADER_LENGTH + payload.length, (frame) => {
      EthernetFrame.emit(frame, mac, this.nic.mac, etherType);
      frame.set(payload, ETHERNET_HEADER_LENGTH);
    }));
  }

  private counted(sent: boolean): void {
    if (sent) this.counters.framesOut++;
    else this.drop("a frame: the transmit queue is full");
  }

  private sendArp(operation: number, targetMac: Uint8Array, targetIp: number, destinationMac: Uint8Array): void {
    const packet = new Uint8Array(28);
    ArpPacket.emit(packet, operation, this.nic.mac, this.config?.address ?? 0, targetMac, targetIp);
    this.transmit(destinationMac, EtherType.Arp, packet);
  }

  /** The directed broadcast of our subnet: its host part all ones (RFC 919); /31 and /32 have none. */
  private isSubnetBroadcast(ip: number): boolean {
    if (!this.config || this.config.prefixLength >= 31) return false;
    const mask = netmask(this.config.prefixLength);
    return ((ip | mask) >>> 0) === BROADCAST && ((ip & mask) >>> 0) === ((this.config.address & mask) >>> 0);
  }

  /**
   * Whether a source address names one host (RFC 1122 3.2.1.3): not 0.0.0.0,
   * loopback, multicast, class E (255.255.255.255 among them), or our
   * subnet's broadcast.
   */
  private isSingleHost(ip: number): boolean {
    const first = ip >>> 24;
    return ip !== 0 && first !== 127 && first < 224 && !this.isSubnetBroadcast(ip);
  }

  private isForUs(destination: number): boolean {
    if (!this.config) return true; // before DHCP binds, take what comes (the offer is addressed to the address to be)
    return destination === this.config.address || destination === BROADCAST || this.isSubnetBroadcast(destination);
  }

  private drop(why: string): void {
    this.counters.dropped++;
    void why; // counted; a log line per dropped packet would let the network flood the console
  }

  /** One frame from the card. */
  receiveFrame(frame: Uint8Array): void {
    this.counters.framesIn++;
    const eth = this.eth.wrap(frame);
    if (eth.check() !== undefined) return this.drop("a malformed Ethernet frame");
    const type = eth.etherType;
    if (type === EtherType.Ipv4) this.receiveIpv4(eth.payload);
    else if (type === EtherType.Arp) this.receiveArp(eth.payload);
  }

  private receiveArp(bytes: Uint8Array): void {
    const arp = this.arpView.wrap(bytes);
    if (arp.check() !== undefined) return this.drop("a malformed ARP packet");
    const sender = arp.senderProtocolAddress;
    arp.copySenderHardwareAddress(this.senderMac);
    const now = this.host.nowMs();
    if (sender !== 0) {
      for (const packet of this.arp.learn(sender, this.senderMac, now)) this.transmit(this.senderMac, EtherType.Ipv4, packet);
    }
    if (arp.operation === ArpOperation.Request && this.config && arp.targetProtocolAddress === this.config.address) {
      this.sendArp(ArpOperation.Reply, this.senderMac, sender, this.senderMac);
    }
  }

  private receiveIpv4(bytes: Uint8Array): void {
    const ip = this.ip.wrap(bytes);
    if (ip.check() !== undefined || !ip.verifyChecksum()) return this.drop("a malformed IPv4 packet");
    const source = ip.source, destination = ip.destination, protocol = ip.protocol;
    if (!this.isForUs(destination)) return this.drop("a packet for another address");
    // Answers (echo replies, ICMP errors, a service's reply) to such a source would go to many hosts, or none.
    if (!this.isSingleHost(source)) return this.drop("a packet from an address that is not one host");
    let payload = ip.payload;
    if (ip.isFragment) {
      const result = this.reassembly.add(source, destination, protocol, ip.identification, ip.fragmentOffset, ip.moreFragments, payload, this.host.nowMs());
      if (!result.done) return;
      payload = result.payload;
    }
    if (protocol === IpProtocol.Icmp) this.receiveIcmp(payload, source, destination);
    else if (protocol === IpProtocol.Udp) this.receiveUdp(payload, source, destination, bytes);
    else {
      const receiver = this.protocols.get(protocol);
      if (receiver) receiver(payload, source, destination);
      else if (destination === this.config?.address) this.sendUnreachable(IcmpUnreachableCode.Protocol, source, bytes);
    }
  }

  private receiveIcmp(bytes: Uint8Array, source: number, destination: number): void {
    const icmp = this.icmp.wrap(bytes);
    if (icmp.check() !== undefined || !icmp.verifyChecksum()) return this.drop("a malformed ICMP message");
    // Echo replies only to our own address: answering broadcasts is how smurf attacks work.
    if (icmp.type !== IcmpType.EchoRequest || destination !== this.config?.address) return;
    const identifier = icmp.identifier, sequence = icmp.sequenceNumber, data = icmp.payload;
    this.sendIpv4(source, IpProtocol.Icmp, 8 + data.length, (reply) => {
      IcmpMessage.emitEcho(reply, IcmpType.EchoReply, identifier, sequence, data.length);
      reply.set(data, 8);
      this.icmp.wrap(reply).fillChecksum();
    });
  }

  private receiveUdp(bytes: Uint8Array, source: number, destination: number, packet: Uint8Array): void {
    const udp = this.udp.wrap(bytes);
    if (udp.check() !== undefined || !udp.verifyChecksum(source, destination)) return this.drop("a malformed UDP datagram");
    const receiver = this.udpPorts.get(udp.destinationPort);
    if (receiver) receiver(udp.payload, source, udp.sourcePort, destination);
    else if (destination === this.config?.address) this.sendUnreachable(IcmpUnreachableCode.Port, source, packet);
  }

  /** ICMP destination unreachable, quoting the packet that caused it (RFC 1122 3.2.2.1). */
  private sendUnreachable(code: number, destination: number, invoking: Uint8Array): void {
    const message = new Uint8Array(8 + Math.min(invoking.length, 548));
    const length = IcmpMessage.emitDestinationUnreachable(message, code, invoking);
    this.sendIpv4(destination, IpProtocol.Icmp, length, (out) => {
      out.set(message.subarray(0, length));
      this.icmp.wrap(out).fillChecksum();
    });
  }
}
