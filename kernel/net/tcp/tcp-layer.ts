/**
 * TCP on an IPv4 interface: finds the connection a segment belongs to,
 * opens connections for listeners (with a bounded queue of half-open ones,
 * so a SYN flood cannot exhaust memory), answers strays with resets, keeps
 * TIME-WAIT within a bound, and writes segments for its connections.
 */
import type { KeepAlive } from "../../devices/hardware.ts";
import type { NetHost } from "../host.ts";
import type { Ipv4Interface } from "../ipv4-interface.ts";
import { IpProtocol } from "../wire/ipv4.ts";
import { emitTcpOptions, TCP_MAX_OPTIONS_LENGTH, TCP_MIN_HEADER_LENGTH, TcpFlags, TcpOptions, TcpSegment, type TcpHeader } from "../wire/tcp.ts";
import { MemoryBudget } from "./memory-budget.ts";
import { Connection, DEFAULT_TUNING, type SegmentSender, type TcpTuning } from "./connection.ts";
import { pickEphemeralPort } from "../ephemeral-port.ts";
import { seqAdd, seqGt } from "./sequence.ts";
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from "../wire/checksum.ts";
import { writeUint16, writeUint32 } from "../wire/bytes.ts";
import type { TcpListener } from "./stream.ts";

const IP_HEADER = 20;
const MAX_TIME_WAIT = 256;

interface Listener {
  accept(connection: Connection): void;
  /** Half-open connections allowed at once. */
  backlog: number;
  halfOpen: number;
}

export class TcpLayer implements SegmentSender {
  readonly mss: number;
  readonly budget: MemoryBudget;
  /** By local port, then by remote address and port (numbers: a string key per segment cost more than the lookup). */
  private readonly connections = new Map<number, Map<number, Connection>>();
  private readonly listeners = new Map<number, Listener>();
  private readonly pendingConnects = new Map<Connection, { resolve(c: Connection): void; reject(e: Error): void }>();
  private readonly timeWait: Connection[] = [];
  /** Connections a SYN opened that are not established yet, and their listener. */
  private readonly halfOpen = new Map<Connection, Listener>();
  // Separate views: handling an arriving segment sends others, and must not rewrap the one being read.
  private readonly incoming = new TcpSegment();
  private readonly outgoing = new TcpSegment();
  private readonly options = new TcpOptions();
  // An outgoing segment's header, filled in per segment: no object per segment.
  private readonly outgoingHeader: Required<TcpHeader> = {
    sourcePort: 0, destinationPort: 0, sequenceNumber: 0, acknowledgmentNumber: 0, flags: 0, window: 0, urgentPointer: 0,
  };
  /**
   * The latest pure ACK of a run for one connection in this batch of frames,
   * not handled yet: a peer that acknowledges every segment (QEMU's user
   * network does) sends a run of them for each burst, and only the last
   * says anything new. Handling them one by one was most of the cost of
   * sending a few segments.
   */
  private readonly held = new TcpSegment();
  private heldFor: Connection | undefined;
  private heldAcks = 0;
  private readonly noOptions = new TcpOptions();
  readonly counters = { acksCoalesced: 0 };
  /** Where an outgoing segment's options are laid out once to learn their length (the segment writes them itself). */
  private readonly optionScratch = new Uint8Array(TCP_MAX_OPTIONS_LENGTH);
  /** The header a train of data segments shares (see sendTrain). */
  private readonly trainHeader = new Uint8Array(TCP_MIN_HEADER_LENGTH);

  constructor(private readonly iface: Ipv4Interface, private readonly host: NetHost, private readonly keepAlive: KeepAlive, private readonly tuning: TcpTuning = DEFAULT_TUNING) {
    this.mss = iface.nic.mtu - IP_HEADER - TCP_MIN_HEADER_LENGTH;
    this.budget = new MemoryBudget(tuning.bufferMemory);
    iface.bindProtocol(IpProtocol.Tcp, (payload, source, destination) => this.input(payload, source, destination), () => this.releaseHeldAck());
  }

  listen(port: number, accept: (connection: Connection) => void, backlog = 128): TcpListener {
    if (this.listeners.has(port)) throw new Error(`TCP port ${port} is already listening`);
    this.listeners.set(port, { accept, backlog, halfOpen: 0 });
    this.keepAlive.retain();
    return {
      port,
      close: () => {
        if (this.listeners.delete(port)) this.keepAlive.release();
      },
    };
  }

  connect(remote: number, remotePort: number): Promise<Connection> {
    const local = this.iface.config?.address;
    if (local === undefined) return Promise.reject(new Error("the interface has no address yet"));
    const port = this.freePort(remote, remotePort);
    const connection = new Connection(this, this.host, this.keepAlive, local, port, remote, remotePort, this.tuning, false);
    this.register(connection);
    return new Promise((resolve, reject) => {
      this.pendingConnects.set(connection, { resolve, reject });
      connection.closed.catch(reject);
      connection.connect();
    });
  }

  established(connection: Connection): void {
    const pending = this.pendingConnects.get(connection);
    if (pending) {
      this.pendingConnects.delete(connection);
      pending.resolve(connection);
      return;
    }
    const listener = this.halfOpen.get(connection);
    if (!listener) return connection.close();
    this.halfOpen.delete(connection);
    listener.halfOpen--;
    if (this.listeners.get(connection.localPort) === listener) listener.accept(connection);
    else connection.close(); // the listener closed meanwhile
  }

  closed(connection: Connection): void {
    const byRemote = this.connections.get(connection.localPort);
    if (byRemote?.get(remoteKey(connection.remote, connection.remotePort)) === connection) {
      byRemote.delete(remoteKey(connection.remote, connection.remotePort));
      if (byRemote.size === 0) this.connections.delete(connection.localPort);
    }
    this.pendingConnects.delete(connection);
    const listener = this.halfOpen.get(connection);
    if (listener) {
      this.halfOpen.delete(connection);
      listener.halfOpen--;
    }
    const i = this.timeWait.indexOf(connection);
    if (i >= 0) this.timeWait.splice(i, 1);
  }

  send(connection: Connection, flags: number, seq: number, ack: number, window: number, options: TcpOptions | undefined,
    payloadLength: number, fill: ((target: Uint8Array, at: number) => void) | undefined): void {
    this.emit(connection.localAddress, connection.localPort, connection.remote, connection.remotePort, flags, seq, ack, window, options, payloadLength, fill);
    if (connection.state === "TIME-WAIT" && !this.timeWait.includes(connection)) this.noteTimeWait(connection);
  }

  sendTrain(connection: Connection, seq: number, ack: number, window: number, count: number, size: number, lastSize: number, push: boolean,
    copy: (seq: number, target: Uint8Array, at: number, length: number) => void): void {
    const source = connection.localAddress, destination = connection.remote, last = count - 1;
    // The train's segments differ only in sequence number, the last one's PSH, and checksum: each
    // copies a header written once, and adds its length to a pseudo-header sum taken once.
    const header = this.outgoingHeader;
    header.sourcePort = connection.localPort;
    header.destinationPort = connection.remotePort;
    header.sequenceNumber = 0;
    header.acknowledgmentNumber = ack;
    header.flags = TcpFlags.Ack;
    header.window = window;
    const template = this.trainHeader;
    TcpSegment.emit(template, header);
    const pseudoSum = pseudoHeaderSum(source, destination, IpProtocol.Tcp, 0);
    const lengthOf = (i: number) => TCP_MIN_HEADER_LENGTH + (i === last ? lastSize : size);
    this.iface.sendIpv4Train(destination, IpProtocol.Tcp, count, lengthOf, (out, i) => {
      const segmentSeq = seqAdd(seq, i * size);
      const length = lengthOf(i);
      out.set(template);
      writeUint32(out, 4, segmentSeq);
      if (push && i === last) out[13] = TcpFlags.Ack | TcpFlags.Psh;
      copy(segmentSeq, out, TCP_MIN_HEADER_LENGTH, length - TCP_MIN_HEADER_LENGTH);
      writeUint16(out, 16, finishChecksum(onesComplementSum(out, 0, length, pseudoSum + length)));
    });
  }

  private noteTimeWait(connection: Connection): void {
    this.timeWait.push(connection);
    // Past the bound, the oldest TIME-WAIT connection goes first (RFC 6191 lets a new SYN reuse it anyway).
    if (this.timeWait.length > MAX_TIME_WAIT) this.timeWait.shift()!.forget();
  }

  private emit(source: number, sourcePort: number, destination: number, destinationPort: number, flags: number, seq: number, ack: number,
    window: number, options: TcpOptions | undefined, payloadLength: number, fill: ((target: Uint8Array, at: number) => void) | undefined): void {
    const optionLength = options ? emitTcpOptions(this.optionScratch, 0, options) : 0;
    const headerLength = TCP_MIN_HEADER_LENGTH + optionLength;
    this.iface.sendIpv4(destination, IpProtocol.Tcp, headerLength + payloadLength, (out) => {
      const header = this.outgoingHeader;
      header.sourcePort = sourcePort;
      header.destinationPort = destinationPort;
      header.sequenceNumber = seq;
      header.acknowledgmentNumber = ack;
      header.flags = flags;
      header.window = window;
      TcpSegment.emit(out, header, options);
      if (fill) fill(out, headerLength);
      this.outgoing.wrap(out).fillChecksum(source, destination);
    });
  }

  private input(payload: Uint8Array, source: number, destination: number): void {
    const seg = this.incoming.wrap(payload);
    if (seg.check() !== undefined || !seg.verifyChecksum(source, destination)) return;
    const connection = this.find(source, seg.sourcePort, seg.destinationPort);
    if (connection && seg.isBareAck && connection.takesCoalescedAcks) return this.holdAck(connection, payload);
    if (seg.readOptions(this.options) !== undefined) this.options.clear(); // malformed options: take none of them
    if (connection) {
      // A new SYN for a connection in TIME-WAIT starts a new connection (RFC 9293 3.10.7.4, RFC 6191).
      if (connection.state === "TIME-WAIT" && seg.syn && !seg.ack) connection.forget();
      else {
        this.releaseHeldAck();
        return connection.input(seg, this.options);
      }
    }
    this.releaseHeldAck();
    const listener = this.listeners.get(seg.destinationPort);
    if (listener && seg.syn && !seg.ack && !seg.rst) {
      // SYN queue full: the oldest half-open connection makes room, so a flood of SYNs from
      // hosts that never answer cannot lock real clients out while its SYN-ACKs are retried.
      if (listener.halfOpen >= listener.backlog) this.dropOldestHalfOpen(listener);
      const opened = new Connection(this, this.host, this.keepAlive, destination, seg.destinationPort, source, seg.sourcePort, this.tuning, true);
      listener.halfOpen++;
      this.halfOpen.set(opened, listener);
      this.register(opened);
      opened.acceptSyn(seg, this.options);
      return;
    }
    this.reset(seg, source, destination);
  }

  private find(remote: number, remotePort: number, localPort: number): Connection | undefined {
    return this.connections.get(localPort)?.get(remoteKey(remote, remotePort));
  }

  private register(connection: Connection): void {
    let byRemote = this.connections.get(connection.localPort);
    if (!byRemote) this.connections.set(connection.localPort, (byRemote = new Map()));
    byRemote.set(remoteKey(connection.remote, connection.remotePort), connection);
  }

  /** Hold a pure ACK until the batch ends, in place of the one held for the same connection if it acknowledges more. */
  private holdAck(connection: Connection, bytes: Uint8Array): void {
    if (this.heldFor === connection && seqGt(this.incoming.acknowledgmentNumber, this.held.acknowledgmentNumber)) {
      this.counters.acksCoalesced++;
      this.heldAcks++;
    } else {
      this.releaseHeldAck();
      this.heldFor = connection;
      this.heldAcks = 1;
    }
    this.held.wrap(bytes);
  }

  private releaseHeldAck(): void {
    const connection = this.heldFor;
    if (!connection) return;
    this.heldFor = undefined;
    connection.input(this.held, this.noOptions, this.heldAcks);
  }

  private dropOldestHalfOpen(listener: Listener): void {
    for (const [connection, owner] of this.halfOpen) {
      if (owner === listener) return connection.forget(); // closed() takes it off the queue
    }
  }

  /** RFC 9293 3.10.7.1: a segment for no connection draws a reset (never in answer to a reset). */
  private reset(seg: TcpSegment, source: number, destination: number): void {
    if (seg.rst) return;
    const sourcePort = seg.destinationPort, destinationPort = seg.sourcePort;
    if (seg.ack) this.emit(destination, sourcePort, source, destinationPort, TcpFlags.Rst, seg.acknowledgmentNumber, 0, 0, undefined, 0, undefined);
    else this.emit(destination, sourcePort, source, destinationPort, TcpFlags.Rst | TcpFlags.Ack, 0, seqAdd(seg.sequenceNumber, seg.segmentLength), 0, undefined, 0, undefined);
  }

  private freePort(remote: number, remotePort: number): number {
    const free = (port: number) => !this.find(remote, remotePort, port) && !this.listeners.has(port);
    return pickEphemeralPort(free, this.host.random, "TCP");
  }
}

function remoteKey(remote: number, remotePort: number): number {
  return remote * 0x10000 + remotePort;
}
