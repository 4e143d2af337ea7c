/**
 * Malformed traffic for a guest: valid frames built with the network unit's
 * wire layer (Ethernet, ARP, IPv4, ICMP, UDP, TCP), then cut short at every
 * length, given bad checksums, lengths and offsets that lie, broken TCP
 * options and IP fragments, SYN floods, and random bytes (from a seeded
 * generator, so a failure reproduces from its seed). Where a lie would be
 * caught by a checksum, the checksums are fixed after it, so that the lie
 * reaches the code that must not believe it.
 */
import {
  ArpOperation, ArpPacket, ETHERNET_HEADER_LENGTH, EthernetFrame, EtherType, IcmpMessage, IcmpType, IpProtocol, Ipv4Packet,
  TcpFlags, TcpOptions, TcpSegment, UdpDatagram,
} from "../../kernel/net/wire/index.ts";
import { BROADCAST_MAC } from "../../kernel/net/wire/address.ts";
import { finishChecksum, pseudoHeaderSum, referenceOnesComplementSum } from "../../kernel/net/wire/checksum.ts";

export interface Addresses {
  guestMac: Uint8Array;
  peerMac: Uint8Array;
  guestIp: number;
  peerIp: number;
}

export interface BadFrame {
  /** What was done to it, for the failure message. */
  what: string;
  bytes: Uint8Array;
}

/** A phase of the traffic: a name and its frames. */
export interface Phase {
  name: string;
  frames: BadFrame[];
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The port the guest's echo services listen on (UDP and TCP), and one nothing listens on. */
export const ECHO_PORT = 7;
const CLOSED_PORT = 9;
/** An off-link source: the guest's answers go to its gateway (the peer), which drops them. */
const FAR = 0xc6336407; // 198.51.100.7
const ETH = ETHERNET_HEADER_LENGTH;

const isIpv4 = (frame: Uint8Array) => new EthernetFrame(frame).etherType === EtherType.Ipv4;

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** The Internet checksum of bytes[start, end), reading no further than the bytes that exist. */
function checksumOf(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  end = Math.min(end, bytes.length);
  return finishChecksum(referenceOnesComplementSum(bytes, start, Math.max(end - start, 0), initial));
}

/** Builds valid frames to the guest, which the rest is made from (frames come from `peerMac`). */
export class FrameBuilder {
  constructor(readonly a: Addresses) {}

  ethernet(etherType: number, payload: Uint8Array, destination = this.a.guestMac, source = this.a.peerMac): Uint8Array {
    const frame = new Uint8Array(ETH + payload.length);
    EthernetFrame.emit(frame, destination, source, etherType);
    frame.set(payload, ETH);
    return frame;
  }

  arp(operation: number, senderMac: Uint8Array, senderIp: number, targetIp: number, destination: Uint8Array = BROADCAST_MAC): Uint8Array {
    const packet = new Uint8Array(28);
    ArpPacket.emit(packet, operation, senderMac, senderIp, new Uint8Array(6), targetIp);
    return this.ethernet(EtherType.Arp, packet, destination);
  }

  ipv4(protocol: number, payload: Uint8Array, o: { source?: number; destination?: number; id?: number; moreFragments?: boolean; offset?: number; ttl?: number } = {}): Uint8Array {
    const packet = new Uint8Array(20 + payload.length);
    Ipv4Packet.emit(packet, {
      source: o.source ?? FAR, destination: o.destination ?? this.a.guestIp, protocol, payloadLength: payload.length,
      identification: o.id ?? 0x4242, dontFragment: o.offset === undefined && !o.moreFragments, moreFragments: o.moreFragments, fragmentOffset: o.offset, ttl: o.ttl,
    });
    packet.set(payload, 20);
    return this.ethernet(EtherType.Ipv4, packet);
  }

  udp(data: Uint8Array, o: { source?: number; sourcePort?: number; port?: number } = {}): Uint8Array {
    const source = o.source ?? FAR;
    const datagram = new Uint8Array(8 + data.length);
    UdpDatagram.emit(datagram, o.sourcePort ?? 40000, o.port ?? ECHO_PORT, data.length);
    datagram.set(data, 8);
    new UdpDatagram(datagram).fillChecksum(source, this.a.guestIp);
    return this.ipv4(IpProtocol.Udp, datagram, { source });
  }

  icmpEcho(data: Uint8Array, o: { source?: number; destination?: number } = {}): Uint8Array {
    const message = new Uint8Array(8 + data.length);
    message.set(data, 8);
    IcmpMessage.emitEcho(message, IcmpType.EchoRequest, 0x1234, 1, data.length);
    return this.ipv4(IpProtocol.Icmp, message, o);
  }

  /** A TCP segment with `options` as raw bytes (padded to words with zeros) or as a record. */
  tcp(flags: number, o: { source?: number; sourcePort?: number; port?: number; seq?: number; ack?: number; window?: number; options?: Uint8Array | TcpOptions; data?: Uint8Array } = {}): Uint8Array {
    const source = o.source ?? FAR, data = o.data ?? new Uint8Array(0);
    const raw = o.options instanceof Uint8Array ? o.options : undefined;
    const optionRoom = raw ? (raw.length + 3) & ~3 : 40;
    const segment = new Uint8Array(20 + optionRoom + data.length);
    const header = { sourcePort: o.sourcePort ?? 40000, destinationPort: o.port ?? ECHO_PORT, sequenceNumber: o.seq ?? 1000, acknowledgmentNumber: o.ack ?? 0, flags, window: o.window ?? 65535 };
    let headerLength = TcpSegment.emit(segment, header, raw ? undefined : o.options as TcpOptions | undefined);
    if (raw) {
      segment.set(raw, 20);
      headerLength = 20 + optionRoom;
      segment[12] = (headerLength / 4) << 4;
    }
    segment.set(data, headerLength);
    const used = segment.subarray(0, headerLength + data.length);
    new TcpSegment(used).fillChecksum(source, this.a.guestIp);
    return this.ipv4(IpProtocol.Tcp, used, { source });
  }
}

/** Recompute the IPv4 header checksum over the header length the packet claims (as far as it exists). */
function fixIpChecksum(frame: Uint8Array): Uint8Array {
  if (frame.length < ETH + 12) return frame;
  frame[ETH + 10] = frame[ETH + 11] = 0;
  const sum = checksumOf(frame, ETH, ETH + (frame[ETH] & 0x0f) * 4);
  frame[ETH + 10] = sum >>> 8;
  frame[ETH + 11] = sum;
  return frame;
}

/**
 * Recompute the UDP, TCP or ICMP checksum of an unfragmented packet as a
 * receiver would check it: over the claimed lengths, as far as bytes exist.
 */
function fixTransportChecksum(frame: Uint8Array): Uint8Array {
  if (frame.length < ETH + 20) return frame;
  const ip = new Ipv4Packet(frame.subarray(ETH));
  const start = ETH + ip.headerLength, end = Math.min(ETH + ip.totalLength, frame.length);
  const field = ip.protocol === IpProtocol.Udp ? 6 : ip.protocol === IpProtocol.Tcp ? 16 : ip.protocol === IpProtocol.Icmp ? 2 : -1;
  if (field < 0 || start + field + 2 > end) return frame;
  frame[start + field] = frame[start + field + 1] = 0;
  let sum: number;
  if (ip.protocol === IpProtocol.Icmp) sum = checksumOf(frame, start, end);
  else {
    const length = ip.protocol === IpProtocol.Udp ? (frame[start + 4] << 8) | frame[start + 5] : end - start;
    sum = checksumOf(frame, start, start + length, pseudoHeaderSum(ip.source, ip.destination, ip.protocol, length));
  }
  frame[start + field] = sum >>> 8;
  frame[start + field + 1] = sum;
  return frame;
}

/** A copy of `frame` changed by `edit`, its checksums then fixed (IP first, then the transport's). */
function lie(frame: Uint8Array, edit: (f: Uint8Array, ip: Ipv4Packet) => void, fix: "ip" | "both" = "both"): Uint8Array {
  const copy = Uint8Array.from(frame);
  edit(copy, new Ipv4Packet(copy.subarray(ETH)));
  if (fix === "both") fixTransportChecksum(copy);
  return fixIpChecksum(copy);
}

/** The valid frames the cuts and lies start from. */
function templates(b: FrameBuilder): [string, Uint8Array][] {
  const synOptions = new TcpOptions();
  synOptions.maxSegmentSize = 1460;
  synOptions.sackPermitted = true;
  synOptions.timestampValue = 12345;
  synOptions.windowScale = 7;
  return [
    ["ARP request", b.arp(ArpOperation.Request, b.a.peerMac, b.a.peerIp, b.a.guestIp)],
    ["ICMP echo request", b.icmpEcho(ascii("0123456789abcdefghijklmnopqrstuvwxyz"))],
    ["UDP to the echo port", b.udp(ascii("hello, echo"))],
    ["UDP to a closed port", b.udp(ascii("anyone?"), { port: CLOSED_PORT })],
    ["TCP SYN with options", b.tcp(TcpFlags.Syn, { options: synOptions })],
    ["TCP data without a connection", b.tcp(TcpFlags.Ack | TcpFlags.Psh, { ack: 5000, data: ascii("data for nobody") })],
    ["TCP SYN to a closed port", b.tcp(TcpFlags.Syn, { port: CLOSED_PORT })],
    ["UDP with IP options", ipWithOptions(b)],
  ];
}

/** A UDP datagram in an IPv4 packet whose header carries one word of options (NOP NOP NOP EOL). */
function ipWithOptions(b: FrameBuilder): Uint8Array {
  const plain = b.udp(ascii("options"));
  const frame = new Uint8Array(plain.length + 4);
  frame.set(plain.subarray(0, ETH + 20));
  frame.set([1, 1, 1, 0], ETH + 20);
  frame.set(plain.subarray(ETH + 20), ETH + 24);
  frame[ETH] = 0x46;
  frame[ETH + 3] += 4; // total length: no carry for a datagram this small
  return fixIpChecksum(frame);
}

function ethernetAndArp(b: FrameBuilder, random: () => number): BadFrame[] {
  const out: BadFrame[] = [];
  const a = b.a;
  // From 1 byte: QEMU's datagram backend takes an empty datagram for the end of the connection and stops reading.
  for (let n = 1; n <= ETH; n++) out.push({ what: `an Ethernet frame of ${n} bytes`, bytes: b.ethernet(EtherType.Ipv4, new Uint8Array(0)).subarray(0, n) });
  for (const type of [0x0000, 0x05dc, 0x0600, 0x8100, 0x86dd, 0x88cc, 0xffff]) {
    out.push({ what: `EtherType 0x${type.toString(16)}`, bytes: b.ethernet(type, b.udp(ascii("x")).subarray(ETH)) });
  }
  // Longer than the card takes (it has no buffers to merge): QEMU drops them, and the card must carry on.
  for (const length of [1515, 1600, 9000, 65000]) {
    out.push({ what: `a UDP frame of ${length} bytes`, bytes: b.udp(new Uint8Array(length - ETH - 28).fill(0x6a)) });
  }
  out.push({ what: "IPv4 to a multicast MAC", bytes: b.ethernet(EtherType.Ipv4, b.udp(ascii("x")).subarray(ETH), Uint8Array.of(1, 0, 0x5e, 0, 0, 1)) });
  const request = b.arp(ArpOperation.Request, a.peerMac, a.peerIp, a.guestIp);
  const field = (what: string, offset: number, values: number[], width = 1) => {
    for (const v of values) {
      const f = Uint8Array.from(request);
      if (width === 2) f.set([v >>> 8, v & 0xff], ETH + offset);
      else f[ETH + offset] = v;
      out.push({ what: `ARP ${what} ${v}`, bytes: f });
    }
  };
  field("hardware type", 0, [0, 6, 0xffff], 2);
  field("protocol type", 2, [0, 0x86dd], 2);
  field("hardware length", 4, [0, 5, 7, 255]);
  field("protocol length", 5, [0, 3, 16, 255]);
  field("operation", 6, [0, 3, 4, 0xffff], 2);
  out.push({ what: "ARP from 0.0.0.0 (a probe)", bytes: b.arp(ArpOperation.Request, a.peerMac, 0, a.guestIp) });
  out.push({ what: "ARP claiming the guest's own address", bytes: b.arp(ArpOperation.Reply, Uint8Array.of(2, 0xba, 0xd0, 0, 0, 1), a.guestIp, a.guestIp) });
  out.push({ what: "ARP from a broadcast sender MAC", bytes: b.arp(ArpOperation.Request, BROADCAST_MAC, 0xc0a84d63, a.guestIp) });
  // A flood of replies from made-up addresses: the cache must stay bounded.
  for (let i = 0; i < 2000; i++) {
    const ip = (0x0a000000 + Math.floor(random() * 0xffffff)) >>> 0;
    const mac = Uint8Array.of(2, 0, ip >>> 24, ip >>> 16, ip >>> 8, ip);
    out.push({ what: `an ARP reply from made-up ${ip >>> 0}`, bytes: b.arp(i % 2 ? ArpOperation.Reply : ArpOperation.Request, mac, ip, i % 3 ? a.guestIp : 0x0a0a0a0a, a.guestMac) });
  }
  return out;
}

function truncations(b: FrameBuilder): BadFrame[] {
  const out: BadFrame[] = [];
  for (const [name, frame] of templates(b)) {
    for (let n = ETH; n < frame.length; n++) out.push({ what: `${name} cut to ${n} bytes`, bytes: frame.subarray(0, n) });
    // Cut, and the lengths inside made to agree with the cut, so only the transport header is short.
    if (isIpv4(frame)) {
      for (let n = ETH + 20; n < frame.length; n++) {
        out.push({ what: `${name} cut to ${n} bytes, IP total length to match`, bytes: lie(frame.subarray(0, n), (f) => f.set([(n - ETH) >>> 8, (n - ETH) & 0xff], ETH + 2)) });
      }
    }
  }
  return out;
}

function checksumsAndIpv4(b: FrameBuilder): BadFrame[] {
  const out: BadFrame[] = [];
  const ipTemplates = templates(b).filter(([, f]) => isIpv4(f));
  for (const [name, frame] of ipTemplates) {
    out.push({ what: `${name}, IP checksum off by one`, bytes: frame.map((x, i) => (i === ETH + 11 ? x ^ 1 : x)) });
    const start = ETH + (frame[ETH] & 0x0f) * 4;
    const field = frame[ETH + 9] === IpProtocol.Udp ? 6 : frame[ETH + 9] === IpProtocol.Tcp ? 16 : 2;
    out.push({ what: `${name}, transport checksum off by one`, bytes: lie(frame, (f) => (f[start + field] ^= 0x80), "ip") });
    for (let ihl = 0; ihl < 16; ihl++) out.push({ what: `${name}, IHL ${ihl}`, bytes: lie(frame, (f) => (f[ETH] = 0x40 | ihl)) });
    for (const version of [0, 5, 6, 15]) out.push({ what: `${name}, IP version ${version}`, bytes: lie(frame, (f) => (f[ETH] = (version << 4) | 5)) });
    const real = frame.length - ETH;
    for (const total of [0, 1, 19, 20, 21, real - 1, real + 1, real + 100, 1500, 65535]) {
      out.push({ what: `${name}, IP total length ${total}`, bytes: lie(frame, (f) => f.set([total >>> 8, total & 0xff], ETH + 2)) });
    }
  }
  const udp = b.udp(ascii("hello, echo"));
  for (const protocol of [0, 2, 4, 41, 50, 132, 255]) out.push({ what: `IP protocol ${protocol}`, bytes: lie(udp, (f) => (f[ETH + 9] = protocol), "ip") });
  for (const ttl of [0, 1, 255]) out.push({ what: `TTL ${ttl}`, bytes: lie(udp, (f) => (f[ETH + 8] = ttl)) });
  const from = (what: string, source: number) => {
    out.push({ what: `UDP from ${what}`, bytes: b.udp(ascii("who am I"), { source }) });
    out.push({ what: `ICMP echo from ${what}`, bytes: b.icmpEcho(ascii("who am I"), { source }) });
    out.push({ what: `UDP to a closed port from ${what}`, bytes: b.udp(ascii("who am I"), { source, port: CLOSED_PORT }) });
  };
  from("0.0.0.0", 0);
  from("255.255.255.255", 0xffffffff);
  from("the subnet's broadcast", (b.a.guestIp | 0xff) >>> 0);
  from("a multicast address", 0xe0000001);
  from("127.0.0.1", 0x7f000001);
  from("the guest itself", b.a.guestIp);
  for (const destination of [0xffffffff, (b.a.guestIp | 0xff) >>> 0, 0xe0000001, 0, (b.a.guestIp + 1) >>> 0, 0x08080808]) {
    out.push({ what: `ICMP echo to ${destination >>> 0}`, bytes: b.icmpEcho(ascii("to whom"), { destination }) });
    out.push({ what: `UDP to a closed port at ${destination >>> 0}`, bytes: lie(b.udp(ascii("to whom"), { port: CLOSED_PORT }), (f) => f.set([destination >>> 24, destination >>> 16, destination >>> 8, destination], ETH + 16)) });
  }
  return out;
}

function udpAndIcmp(b: FrameBuilder): BadFrame[] {
  const out: BadFrame[] = [];
  const udp = b.udp(ascii("hello, echo"));
  const real = udp.length - ETH - 20;
  for (const length of [0, 1, 7, 8, 9, real - 1, real + 1, 1000, 65535]) {
    out.push({ what: `UDP length ${length}`, bytes: lie(udp, (f) => f.set([length >>> 8, length & 0xff], ETH + 24)) });
  }
  out.push({ what: "UDP without a checksum", bytes: lie(udp, (f) => f.set([0, 0], ETH + 26), "ip") });
  out.push({ what: "UDP from port 0 to port 0", bytes: b.udp(ascii("zero"), { sourcePort: 0, port: 0 }) });
  out.push({ what: "UDP from port 0 to the echo port", bytes: b.udp(ascii("zero"), { sourcePort: 0 }) });
  out.push({ what: "UDP of 1472 bytes to the echo port", bytes: b.udp(new Uint8Array(1472).fill(0x55)) });
  out.push({ what: "UDP with an empty payload", bytes: b.udp(new Uint8Array(0)) });
  for (let type = 0; type < 256; type += type < 20 ? 1 : 17) {
    const message = new Uint8Array(8 + 28);
    message[0] = type;
    message.set(b.udp(ascii("quoted!!")).subarray(ETH, ETH + 28), 8);
    for (const length of [4, 8, 20, 36]) {
      out.push({ what: `ICMP type ${type} of ${length} bytes`, bytes: fixTransportChecksum(b.ipv4(IpProtocol.Icmp, message.subarray(0, length))) });
    }
  }
  out.push({ what: "ICMP echo with a bad checksum", bytes: lie(b.icmpEcho(ascii("bad")), (f) => (f[ETH + 22] ^= 0xff), "ip") });
  out.push({ what: "ICMP echo of 1472 bytes", bytes: b.icmpEcho(new Uint8Array(1464).fill(0xaa)) });
  return out;
}

function tcpHeaders(b: FrameBuilder, random: () => number): BadFrame[] {
  const out: BadFrame[] = [];
  const data = ascii("some data");
  for (const [name, frame] of [["a SYN", b.tcp(TcpFlags.Syn, { sourcePort: 30001 })], ["data", b.tcp(TcpFlags.Ack | TcpFlags.Psh, { sourcePort: 30002, data })]] as const) {
    for (let offset = 0; offset < 16; offset++) {
      out.push({ what: `TCP ${name} with data offset ${offset}`, bytes: lie(frame, (f) => (f[ETH + 32] = (offset << 4) | (f[ETH + 32] & 0x0f))) });
    }
  }
  // Every combination of flags, to the listening port and to a closed one, from one source each.
  for (let flags = 0; flags < 256; flags++) {
    const port = flags % 2 ? CLOSED_PORT : ECHO_PORT;
    out.push({ what: `TCP flags 0x${flags.toString(16)} to port ${port}`, bytes: b.tcp(flags, { sourcePort: 20000 + flags, port, seq: Math.floor(random() * 2 ** 32), ack: Math.floor(random() * 2 ** 32), data: flags & 4 ? undefined : data }) });
  }
  out.push({ what: "TCP to port 0", bytes: b.tcp(TcpFlags.Syn, { port: 0 }) });
  out.push({ what: "TCP from port 0", bytes: b.tcp(TcpFlags.Syn, { sourcePort: 0 }) });
  out.push({ what: "TCP SYN with a zero window", bytes: b.tcp(TcpFlags.Syn, { sourcePort: 30003, window: 0 }) });
  out.push({ what: "TCP SYN with data", bytes: b.tcp(TcpFlags.Syn, { sourcePort: 30004, data }) });
  out.push({ what: "TCP SYN+FIN with data", bytes: b.tcp(TcpFlags.Syn | TcpFlags.Fin, { sourcePort: 30005, data }) });
  out.push({ what: "TCP SYN from the guest's own address and port", bytes: b.tcp(TcpFlags.Syn, { source: b.a.guestIp, sourcePort: ECHO_PORT }) });
  out.push({ what: "TCP SYN from a broadcast address", bytes: b.tcp(TcpFlags.Syn, { source: 0xffffffff, sourcePort: 30006 }) });
  out.push({ what: "TCP SYN from 0.0.0.0", bytes: b.tcp(TcpFlags.Syn, { source: 0, sourcePort: 30007 }) });
  return out;
}

function tcpOptions(b: FrameBuilder): BadFrame[] {
  const out: BadFrame[] = [];
  const filler = (n: number) => Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
  const cases: [string, number[]][] = [
    ["MSS length 0", [2, 0, 5, 0xb4]],
    ["MSS length 1", [2, 1, 5, 0xb4]],
    ["MSS length 3", [2, 3, 5, 0]],
    ["MSS length 5", [2, 5, 5, 0xb4, 0]],
    ["MSS 0", [2, 4, 0, 0]],
    ["MSS 1", [2, 4, 0, 1]],
    ["MSS 65535", [2, 4, 0xff, 0xff]],
    ["MSS running past the header", [1, 1, 2, 40]],
    ["window scale length 2", [3, 2, 1, 1]],
    ["window scale length 4", [3, 4, 7, 0]],
    ["window scale 15", [3, 3, 15, 1]],
    ["window scale 255", [3, 3, 255, 1]],
    ["SACK-permitted length 3", [4, 3, 0, 1]],
    ["SACK length 2", [5, 2, 1, 1]],
    ["SACK length 3", [5, 3, 0, 0]],
    ["SACK length 11", [5, 11, ...filler(9)]],
    ["SACK with 4 blocks", [5, 34, ...filler(32)]],
    ["SACK length 42 (past the room)", [5, 42, ...filler(36)]],
    ["SACK length 255", [5, 255, ...filler(20)]],
    ["timestamps length 9", [8, 9, ...filler(7)]],
    ["timestamps length 11", [8, 11, ...filler(9)]],
    ["timestamps of all ones", [1, 1, 8, 10, 255, 255, 255, 255, 255, 255, 255, 255]],
    ["unknown kind 99 length 2", [99, 2]],
    ["unknown kind 254 length 255", [254, 255, 1, 2]],
    ["unknown kind length 0", [77, 0, 1, 1]],
    ["unknown kind with no length byte", [1, 1, 1, 77]],
    ["end of options then garbage", [0, 2, 0, 0, 3, 0]],
    ["40 no-operations", Array(40).fill(1)],
    ["39 no-operations then a kind", [...Array(39).fill(1), 2]],
    ["every option twice", [2, 4, 5, 0xb4, 2, 4, 0, 1, 3, 3, 14, 3, 3, 0, 4, 2, 4, 2, 8, 10, ...filler(8), 1, 1, 8, 10, ...filler(8)]],
    ["40 bytes of 0xff", Array(40).fill(0xff)],
  ];
  let port = 31000;
  for (const [name, bytes] of cases) {
    const options = Uint8Array.from(bytes);
    out.push({ what: `TCP SYN, options: ${name}`, bytes: b.tcp(TcpFlags.Syn, { sourcePort: port++, options }) });
    out.push({ what: `TCP ACK, options: ${name}`, bytes: b.tcp(TcpFlags.Ack, { sourcePort: port++, options, ack: 1, data: ascii("x") }) });
    out.push({ what: `TCP RST, options: ${name}`, bytes: b.tcp(TcpFlags.Rst, { sourcePort: port++, options }) });
  }
  return out;
}

function fragments(b: FrameBuilder, random: () => number): BadFrame[] {
  const out: BadFrame[] = [];
  const datagram = new Uint8Array(8 + 64);
  UdpDatagram.emit(datagram, 40001, ECHO_PORT, 64);
  datagram.set(ascii("a fragmented datagram to the echo port, sixty-four bytes of it!!!").subarray(0, 64), 8);
  new UdpDatagram(datagram).fillChecksum(FAR, b.a.guestIp);
  let id = 0x1000;
  const frag = (what: string, pieces: [offset: number, length: number, more: boolean][], bytes: Uint8Array = datagram, protocol: number = IpProtocol.Udp) => {
    const ident = id++;
    pieces.forEach(([offset, length, more], i) => {
      const data = new Uint8Array(length);
      data.set(bytes.subarray(offset, offset + length));
      out.push({ what: `${what} (fragment ${i + 1} of ${pieces.length}, id ${ident})`, bytes: b.ipv4(protocol, data, { id: ident, offset, moreFragments: more }) });
    });
  };
  frag("two fragments, valid", [[0, 40, true], [40, 32, false]]);
  frag("two fragments, last first", [[40, 32, false], [0, 40, true]]);
  frag("overlapping fragments", [[0, 40, true], [32, 40, false]]);
  frag("the same fragment twice", [[0, 40, true], [0, 40, true], [40, 32, false]]);
  frag("a fragment not a multiple of 8", [[0, 33, true], [33, 39, false]]);
  frag("a last fragment before a fragment past it", [[48, 8, true], [0, 48, false]]);
  frag("a last fragment before a fragment past it, a hole making up the bytes", [[16, 8, true], [8, 8, false]]);
  frag("a last fragment inside the others", [[0, 40, true], [40, 24, true], [8, 8, false]]);
  frag("two last fragments that disagree", [[0, 40, true], [40, 32, false], [40, 16, false]]);
  frag("an offset at the limit", [[65528, 8, false]]);
  frag("an offset at the limit, more to come", [[65528, 8, true]]);
  frag("past 65535 bytes", [[65520, 24, false]]);
  frag("zero-length fragments", [[0, 0, true], [0, 0, false]]);
  frag("a zero-length last fragment", [[0, 72, true], [72, 0, false]]);
  frag("tiny fragments", Array.from({ length: 9 }, (_, i) => [i * 8, 8, i < 8] as [number, number, boolean]));
  frag("reassembled to a UDP length that lies", [[0, 40, true], [40, 32, false]], datagram.map((x, i) => (i === 4 ? 1 : x)));
  frag("reassembled to a bad UDP checksum", [[0, 40, true], [40, 32, false]], datagram.map((x, i) => (i === 6 ? x ^ 1 : x)));
  frag("TCP in fragments", [[0, 16, true], [16, 4, false]], b.tcp(TcpFlags.Syn, { sourcePort: 32000 }).subarray(ETH + 20), IpProtocol.Tcp);
  frag("ICMP echo in fragments", [[0, 8, true], [8, 20, false]], b.icmpEcho(ascii("twenty bytes of echo")).subarray(ETH + 20), IpProtocol.Icmp);
  // More datagrams in reassembly at once than the limit, each never finished.
  for (let i = 0; i < 40; i++) frag("one of many unfinished datagrams", [[0, 8, true]]);
  // Random fragments: random offsets, lengths and flags, a few shared identifications.
  for (let i = 0; i < 400; i++) {
    const offset = Math.floor(random() * 8192) * 8 * (random() < 0.7 ? 0 : 1) + Math.floor(random() * 16) * 8;
    const length = Math.floor(random() * 200);
    const data = new Uint8Array(length).map(() => random() * 256);
    const ident = 0x2000 + Math.floor(random() * 4);
    out.push({ what: `a random fragment: id ${ident}, offset ${offset}, ${length} bytes`, bytes: b.ipv4(random() < 0.5 ? IpProtocol.Udp : IpProtocol.Tcp, data, { id: ident, offset, moreFragments: random() < 0.6 }) });
  }
  return out;
}

function synFloods(b: FrameBuilder, random: () => number): BadFrame[] {
  const out: BadFrame[] = [];
  const options = new TcpOptions();
  options.maxSegmentSize = 1460;
  // From the peer's address on many ports: its stack answers the guest's SYN-ACKs with resets.
  for (let i = 0; i < 1000; i++) {
    out.push({ what: `a SYN from the peer's port ${1024 + i}`, bytes: b.tcp(TcpFlags.Syn, { source: b.a.peerIp, sourcePort: 1024 + i, seq: Math.floor(random() * 2 ** 32), options }) });
  }
  // From made-up hosts that never answer: the half-open queue fills.
  for (let i = 0; i < 500; i++) {
    const source = (0xcb007100 + Math.floor(random() * 256)) >>> 0; // 203.0.113.0/24
    out.push({ what: `a SYN from ${source >>> 0}`, bytes: b.tcp(TcpFlags.Syn, { source, sourcePort: 1024 + Math.floor(random() * 40000), seq: Math.floor(random() * 2 ** 32) }) });
  }
  return out;
}

function randomBytes(b: FrameBuilder, random: () => number): BadFrame[] {
  const out: BadFrame[] = [];
  const byte = () => Math.floor(random() * 256);
  for (let i = 0; i < 1000; i++) {
    const length = 1 + Math.floor(random() * (random() < 0.5 ? 100 : 1514));
    out.push({ what: `${length} random bytes`, bytes: new Uint8Array(length).map(byte) });
  }
  for (let i = 0; i < 1000; i++) {
    const type = random() < 0.8 ? EtherType.Ipv4 : EtherType.Arp;
    const payload = new Uint8Array(Math.floor(random() * 600)).map(byte);
    if (type === EtherType.Ipv4 && payload.length > 0) payload[0] = 0x45;
    out.push({ what: `random bytes after an Ethernet header (0x${type.toString(16)})`, bytes: b.ethernet(type, payload) });
  }
  // Templates with random bytes changed, then their checksums fixed, so that the changes get through.
  const bases = templates(b).filter(([, f]) => isIpv4(f));
  for (let i = 0; i < 4000; i++) {
    const [name, frame] = bases[Math.floor(random() * bases.length)];
    const changes: string[] = [];
    const bytes = lie(frame, (f) => {
      for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
        const at = ETH + Math.floor(random() * (f.length - ETH));
        // The source stays off-link, so that no change can pass for the peer's own connections.
        if (at >= ETH + 12 && at < ETH + 16) continue;
        f[at] = byte();
        changes.push(`${at}=${f[at]}`);
      }
    });
    out.push({ what: `${name} with bytes ${changes.join(", ")}`, bytes });
  }
  return out;
}

/** Every phase of the malformed traffic, in order; random choices come from `seed`. */
export function malformedTraffic(addresses: Addresses, seed: number): Phase[] {
  const b = new FrameBuilder(addresses);
  const random = seededRandom(seed);
  return [
    { name: "Ethernet and ARP", frames: ethernetAndArp(b, random) },
    { name: "truncations at every length", frames: truncations(b) },
    { name: "checksums and IPv4 fields", frames: checksumsAndIpv4(b) },
    { name: "UDP and ICMP", frames: udpAndIcmp(b) },
    { name: "TCP headers and flags", frames: tcpHeaders(b, random) },
    { name: "TCP options", frames: tcpOptions(b) },
    { name: "IP fragments", frames: fragments(b, random) },
    { name: "random bytes", frames: randomBytes(b, random) },
    { name: "SYN floods", frames: synFloods(b, random) },
  ];
}
