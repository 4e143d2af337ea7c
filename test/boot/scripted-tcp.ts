/**
 * A TCP peer scripted segment by segment, to put lies inside live
 * connections with a booted guest. It takes an address of its own on the
 * guest's subnet (answering ARP for it), sees the guest's frames to that
 * address before the stack on the cable does, and sends whatever segments
 * a test writes, keeping only the sequence numbers a client must.
 */
import { ArpOperation, ArpPacket, EthernetFrame, EtherType, IpProtocol, Ipv4Packet, TcpFlags, TcpOptions, TcpSegment } from "../../kernel/net/wire/index.ts";
import type { UdpCable } from "./frame-peer.ts";
import { FrameBuilder, hex, type Addresses } from "./malformed-frames.ts";

const u32 = (n: number) => n >>> 0;
/** a - b in sequence space, signed. */
const seqDiff = (a: number, b: number) => (a - b) | 0;

export interface SegmentFields {
  seq?: number;
  ack?: number;
  window?: number;
  options?: Uint8Array | TcpOptions;
  data?: Uint8Array | string;
  urgentPointer?: number;
  /** Spoil the TCP checksum. */
  badChecksum?: boolean;
}

export class ScriptedHost {
  private readonly connections = new Map<number, ScriptedConnection>();
  readonly builder: FrameBuilder;
  private nextPort = 20000;

  constructor(readonly cable: UdpCable, readonly addresses: Addresses, readonly ip: number, readonly mac: Uint8Array) {
    this.builder = new FrameBuilder({ ...addresses, peerMac: mac });
    const eth = new EthernetFrame(), arp = new ArpPacket(), ipv4 = new Ipv4Packet(), tcp = new TcpSegment();
    cable.intercept = (frame) => {
      eth.wrap(frame);
      if (eth.check() !== undefined) return false;
      if (eth.etherType === EtherType.Arp) {
        arp.wrap(eth.payload);
        if (arp.check() !== undefined || arp.operation !== ArpOperation.Request || arp.targetProtocolAddress !== ip) return false;
        const reply = new Uint8Array(28);
        ArpPacket.emit(reply, ArpOperation.Reply, mac, ip, addresses.guestMac, addresses.guestIp);
        cable.inject(this.builder.ethernet(EtherType.Arp, reply));
        return true;
      }
      if (eth.etherType !== EtherType.Ipv4) return false;
      ipv4.wrap(eth.payload);
      if (ipv4.check() !== undefined || ipv4.destination !== ip) return false;
      if (ipv4.protocol === IpProtocol.Tcp && tcp.wrap(ipv4.payload).check() === undefined) this.connections.get(tcp.destinationPort)?.receive(tcp);
      return true;
    };
  }

  /** Open a connection to the guest's `port`, the SYN carrying `options`. */
  async open(port: number, options: TcpOptions | Uint8Array, window = 65535): Promise<ScriptedConnection> {
    const connection = new ScriptedConnection(this, this.nextPort++, port);
    this.connections.set(connection.localPort, connection);
    connection.window = window;
    connection.send(TcpFlags.Syn, { options, window });
    connection.snd = u32(connection.snd + 1);
    await connection.waitFor(() => connection.established, 10_000, "the guest's SYN-ACK");
    connection.send(TcpFlags.Ack);
    return connection;
  }
}

export class ScriptedConnection {
  /** Our next sequence number. */
  snd = Math.floor(Math.random() * 2 ** 32);
  /** The guest's next sequence number we expect, which we acknowledge. */
  rcv = 0;
  established = false;
  reset = false;
  finReceived = false;
  /** The guest's bytes that arrived in order. */
  received = "";
  /** Acknowledge the guest's data and FIN as they come. */
  autoAck = true;
  /** The window we advertise; at 0 we take no data. */
  window = 65535;
  /** What the guest acknowledged last. */
  guestAck = 0;
  /** Every frame we sent, as hex, for the failure message. */
  readonly sent: string[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(private readonly host: ScriptedHost, readonly localPort: number, readonly guestPort: number) {}

  /** Build a segment (seq and ack default to ours) and put it on the wire; returns the frame. */
  send(flags: number, o: SegmentFields = {}): Uint8Array {
    const data = typeof o.data === "string" ? Uint8Array.from(o.data, (c) => c.charCodeAt(0)) : o.data;
    const frame = this.host.builder.tcp(flags, {
      source: this.host.ip, sourcePort: this.localPort, port: this.guestPort,
      seq: o.seq ?? this.snd, ack: o.ack ?? (flags & TcpFlags.Ack ? this.rcv : 0), window: o.window ?? this.window, options: o.options, data,
    });
    const ip = new Ipv4Packet(frame.subarray(14));
    const tcp = new TcpSegment(ip.payload);
    if (o.urgentPointer !== undefined) {
      tcp.urgentPointer = o.urgentPointer;
      tcp.fillChecksum(this.host.ip, this.host.addresses.guestIp);
    }
    if (o.badChecksum) tcp.checksum ^= 0x5555;
    this.sent.push(hex(frame));
    this.host.cable.inject(frame);
    return frame;
  }

  /** Send `text` at our next sequence number, and move past it. */
  sendData(text: string, flags = TcpFlags.Ack | TcpFlags.Psh): void {
    this.send(flags, { data: text });
    this.snd = u32(this.snd + text.length + (flags & TcpFlags.Fin ? 1 : 0));
  }

  /** Resolves when `done()` holds, checked as each segment comes; rejects after `ms`. */
  waitFor(done: () => boolean, ms: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what}: not in ${ms} ms (port ${this.localPort}; received ${JSON.stringify(this.received.slice(-200))}${this.reset ? "; reset" : ""})`));
      }, ms);
      this.waiters.add(check);
    });
  }

  /** Send `message` to the echo service and wait for it to come back. */
  async echo(message: string, ms = 20_000): Promise<void> {
    const before = this.received.length;
    this.sendData(message);
    await this.waitFor(() => this.received.indexOf(message, before) >= 0, ms, `the echo of ${JSON.stringify(message.slice(0, 40))}`);
  }

  /** End it with a reset at exactly our next sequence number. */
  abort(): void {
    if (!this.reset) this.send(TcpFlags.Rst, { seq: this.snd });
  }

  receive(seg: TcpSegment): void {
    if (seg.rst) this.reset = true;
    else if (seg.syn && seg.ack && !this.established) {
      this.established = true;
      this.rcv = u32(seg.sequenceNumber + 1);
    } else if (this.established) {
      const data = seg.payload;
      let took = false;
      if (seqDiff(seg.sequenceNumber, this.rcv) <= 0 && this.window > 0) {
        const fresh = data.subarray(Math.min(-seqDiff(seg.sequenceNumber, this.rcv), data.length));
        const room = fresh.subarray(0, this.window);
        for (const byte of room) this.received += String.fromCharCode(byte);
        this.rcv = u32(this.rcv + room.length);
        took = room.length > 0;
        if (seg.fin && room.length === fresh.length && seqDiff(u32(seg.sequenceNumber + data.length), this.rcv) === 0) {
          this.finReceived = true;
          this.rcv = u32(this.rcv + 1);
          took = true;
        }
      }
      if (this.autoAck && (took || data.length > 0 || seg.fin)) this.send(TcpFlags.Ack);
    }
    if (seg.ack) this.guestAck = seg.acknowledgmentNumber;
    for (const waiter of [...this.waiters]) waiter();
  }
}
