/**
 * One TCP connection (RFC 9293): the state machine, segment arrival (3.10.7)
 * and output, with retransmission (RFC 6298), NewReno congestion control
 * (RFC 5681, 6582), delayed ACKs (RFC 1122 4.2.3.2), Nagle's algorithm,
 * window scaling (RFC 7323), selective acknowledgments (RFC 2018) with a
 * scoreboard that steers retransmission (after RFC 6675), go-back-N after a
 * timeout, zero-window probes, keep-alive probes (RFC 1122 4.2.3.6), and
 * RFC 5961's answers to blind resets and SYNs. It is also the TcpStream a
 * service reads and writes.
 */
import type { KeepAlive } from "../../devices/hardware.ts";
import type { NetHost } from "../host.ts";
import { utf8Encode } from "../../process/text-encoding.ts";
import { formatIpv4 } from "../wire/address.ts";
import { TCP_MAX_SACK_BLOCKS, TcpFlags, TcpOptions, TcpSegment } from "../wire/tcp.ts";
import { NewReno } from "./congestion.ts";
import type { MemoryBudget } from "./memory-budget.ts";
import { ReceiveBuffer } from "./receive-buffer.ts";
import { RetransmissionTimer } from "./rto.ts";
import { SendBuffer } from "./send-buffer.ts";
import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt } from "./sequence.ts";
import type { TcpStream } from "./stream.ts";

export type State =
  | "SYN-SENT" | "SYN-RECEIVED" | "ESTABLISHED" | "FIN-WAIT-1" | "FIN-WAIT-2"
  | "CLOSE-WAIT" | "CLOSING" | "LAST-ACK" | "TIME-WAIT" | "CLOSED";

/** What a connection needs from the TCP layer that owns it. */
export interface SegmentSender {
  /** Send a segment with `payloadLength` bytes that `fill` copies after the header. */
  send(connection: Connection, flags: number, seq: number, ack: number, window: number, options: TcpOptions | undefined,
    payloadLength: number, fill: ((target: Uint8Array, at: number) => void) | undefined): void;
  /**
   * Send new data, `count` segments from `seq`: all of `size` bytes but the
   * last, which has `lastSize` (and PSH if `push`); `copy` puts each one's
   * bytes after its header.
   */
  sendTrain(connection: Connection, seq: number, ack: number, window: number, count: number, size: number, lastSize: number, push: boolean,
    copy: (seq: number, target: Uint8Array, at: number, length: number) => void): void;
  /** The connection reached ESTABLISHED (a passive one is handed to its listener). */
  established(connection: Connection): void;
  /** The connection is gone; forget it. */
  closed(connection: Connection): void;
  /** Our MSS: what fits in one frame on the interface. */
  readonly mss: number;
  /** What every connection's buffers share. */
  readonly budget: MemoryBudget;
}

export interface TcpTuning {
  /** The most each connection's buffer grows to (the receive one is the largest window we offer). */
  sendBuffer: number;
  receiveBuffer: number;
  /** What all buffers together may hold (see MemoryBudget). */
  bufferMemory: number;
  /** RFC 1122: at most 500 ms; Linux uses 40 ms. */
  delayedAckMs: number;
  /** TIME-WAIT lasts 2 MSL. */
  timeWaitMs: number;
  /** SYN and SYN-ACK retransmissions before giving up. */
  maxSynRetries: number;
  /** Data retransmissions before the connection is declared dead. */
  maxRetries: number;
  /** Keep-alive: the wait between unanswered probes, and how many make the peer dead (RFC 1122: 75 s; Linux: 9). */
  keepAliveIntervalMs: number;
  keepAliveProbes: number;
}

export const DEFAULT_TUNING: TcpTuning = {
  sendBuffer: 256 * 1024,
  receiveBuffer: 256 * 1024,
  bufferMemory: 16 * 1024 * 1024,
  delayedAckMs: 40,
  timeWaitMs: 60_000,
  maxSynRetries: 5,
  maxRetries: 12,
  keepAliveIntervalMs: 75_000,
  keepAliveProbes: 9,
};

/** The largest window scale RFC 7323 allows. */
const MAX_WINDOW_SHIFT = 14;
/** SACKed ranges remembered at most: a peer cannot make the scoreboard grow without bound. */
const MAX_SACKED_RANGES = 16;
/** RFC 9293 3.7.1: without an MSS option the peer takes 536 bytes. */
const DEFAULT_MSS = 536;
const PERSIST_MIN_MS = 200;
const PERSIST_MAX_MS = 60_000;

export class ConnectionError extends Error {
  name = "ConnectionError";
}

export class Connection implements TcpStream {
  state: State;
  readonly remoteAddress: string;
  private readonly iss: number;
  private sndNxt: number;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private sndShift = 0;
  private rcvShift = 0;
  private peerMss = DEFAULT_MSS;
  private send!: SendBuffer;
  private receive!: ReceiveBuffer;
  private readonly rto = new RetransmissionTimer();
  private cc!: NewReno;
  private retransmitTimer: unknown;
  /** When the retransmission timeout is due (undefined: stopped), and when its timer fires (no later; see armRetransmit). */
  private retransmitDeadline: number | undefined;
  private retransmitTimerAt = 0;
  private retries = 0;
  private ackTimer: unknown;
  /** A delayed ACK is owed (the ACK timer may be running with none owed; see scheduleAck). */
  private ackDue = false;
  private unackedSegments = 0;
  private persistTimer: unknown;
  private persistMs = PERSIST_MIN_MS;
  private timeWaitTimer: unknown;
  private idleTimer: unknown;
  private idleMs = 0;
  private keepAliveTimer: unknown;
  /** Idle time before the first keep-alive probe; 0: keep-alive is off. */
  private keepAliveMs = 0;
  private keepAliveProbesSent = 0;
  /** When a segment last arrived or the application last wrote: the idle and keep-alive timers measure from here. */
  private lastActive = 0;
  /** Both ends offered SACK (RFC 2018). */
  private sackOk = false;
  /** What the peer SACKed above SND.UNA: sorted, disjoint [start, end) ranges (RFC 6675's scoreboard). */
  private sacked: [number, number][] = [];
  /** The end of what this recovery has sent again (RFC 6675 HighRxt). */
  private highRxt = 0;
  /** SND.NXT when the segment at SND.UNA was last sent again: once data sent after it is SACKed, that copy was lost too. */
  private firstRetransmittedBefore: number | undefined;
  /** After a timeout, SND.NXT then: everything before it not SACKed is sent again as ACKs open the window. */
  private timeoutRecovery: number | undefined;
  /** Where the latest out-of-order segment started: its SACK block goes first (RFC 2018 4). */
  private latestOutOfOrder: number | undefined;
  private readonly ackOptions = new TcpOptions();
  /** The segment being timed for an RTT sample (Karn: never a retransmitted one). */
  private timing: { seq: number; sentAt: number } | undefined;
  private endRequested = false;
  private finQueued = false;
  private finSent = false;
  private finAcked = false;
  private finSeq = 0;
  private noDelay = false;
  /** Where the latest segment shorter than the MSS ended (Minshall's Nagle: at most one small segment unacknowledged). */
  private smallSentEnd = 0;
  private peerOfferedScaling = false;
  /** The keep-alive handle is not held: given back at TIME-WAIT, at the end, or by unref(). */
  private released = false;
  private eof = false;
  private failure: Error | undefined;
  private readonly readers: { resolve(data: Uint8Array | null): void; reject(error: Error): void }[] = [];
  private readonly writers: { data: Uint8Array; resolve(): void; reject(error: Error): void }[] = [];
  private readableCallback: (() => void) | undefined;
  private writableCallback: (() => void) | undefined;
  /** A tryWrite() took less than it was given: tell writableCallback when there is room. */
  private writableWanted = false;
  private readonly finishers: { resolve(): void; reject(error: Error): void }[] = [];
  private resolveClosed!: () => void;
  private rejectClosed!: (error: Error) => void;
  readonly closed: Promise<void>;
  private readonly synOptions = new TcpOptions();
  /** Copies bytes of the send buffer into an outgoing segment (one function, not one per segment). */
  private readonly copyOut = (seq: number, target: Uint8Array, at: number, length: number) => this.send.copyOut(seq, target, at, length);

  constructor(
    private readonly layer: SegmentSender,
    private readonly host: NetHost,
    private readonly keepAlive: KeepAlive,
    readonly localAddress: number,
    readonly localPort: number,
    readonly remote: number,
    readonly remotePort: number,
    private readonly tuning: TcpTuning,
    passive: boolean,
  ) {
    this.remoteAddress = formatIpv4(remote);
    this.iss = Math.floor(host.random() * 2 ** 32) >>> 0;
    this.sndNxt = this.iss;
    this.smallSentEnd = this.iss;
    this.state = passive ? "SYN-RECEIVED" : "SYN-SENT";
    this.closed = new Promise((resolve, reject) => {
      this.resolveClosed = resolve;
      this.rejectClosed = reject;
    });
    this.closed.catch(() => {}); // a reset is reported to readers and writers; not everyone awaits `closed`
    keepAlive.retain();
  }

  // ---- opening ----

  /** Active open: send our SYN. */
  connect(): void {
    this.sendSyn(false);
  }

  /** Passive open: a SYN arrived for our listener; answer with SYN-ACK. */
  acceptSyn(segment: TcpSegment, options: TcpOptions): void {
    this.takePeerSyn(segment.sequenceNumber, options);
    this.sendSyn(true);
  }

  private sendSyn(withAck: boolean): void {
    const o = this.synOptions;
    o.clear();
    o.maxSegmentSize = this.layer.mss;
    // We scale our window only if the peer's SYN offered scaling (or we are the one offering first).
    if (!withAck || this.peerOfferedScaling) o.windowScale = this.ourShift();
    if (!withAck || this.sackOk) o.sackPermitted = true;
    this.layer.send(this, TcpFlags.Syn | (withAck ? TcpFlags.Ack : 0), this.iss, withAck ? this.receive.nextExpected : 0,
      Math.min(this.tuning.receiveBuffer, 0xffff), o, 0, undefined);
    this.sndNxt = seqAdd(this.iss, 1);
    this.armRetransmit();
  }

  private ourShift(): number {
    let shift = 0;
    while (shift < MAX_WINDOW_SHIFT && this.tuning.receiveBuffer >> shift > 0xffff) shift++;
    return shift;
  }

  private takePeerSyn(seq: number, options: TcpOptions): void {
    this.receive = new ReceiveBuffer(seqAdd(seq, 1), this.tuning.receiveBuffer, this.layer.budget);
    if (options.maxSegmentSize !== undefined) this.peerMss = Math.max(64, Math.min(options.maxSegmentSize, this.layer.mss));
    else this.peerMss = Math.min(DEFAULT_MSS, this.layer.mss);
    this.peerOfferedScaling = options.windowScale !== undefined;
    this.sackOk = options.sackPermitted;
    if (this.peerOfferedScaling) {
      this.sndShift = Math.min(options.windowScale!, MAX_WINDOW_SHIFT);
      this.rcvShift = this.ourShift();
    }
  }

  private becomeEstablished(): void {
    this.state = "ESTABLISHED";
    this.send = new SendBuffer(seqAdd(this.iss, 1), this.tuning.sendBuffer, this.layer.budget);
    this.cc = new NewReno(this.peerMss);
    this.retries = 0;
    this.stopRetransmit();
    this.layer.established(this);
    this.touch();
    this.flushWriters();
  }

  // ---- segment arrival (RFC 9293 3.10.7) ----

  /**
   * Whether pure ACKs that only move SND.UNA may be taken together, as the
   * last of them (see TcpLayer): not while recovering from a loss, when each
   * ACK clocks out a retransmission.
   */
  get takesCoalescedAcks(): boolean {
    return this.state === "ESTABLISHED" && !this.cc.inRecovery && this.timeoutRecovery === undefined && this.sacked.length === 0;
  }

  /** A segment for this connection; `acks` > 1 when it is the last of that many pure ACKs taken together. */
  input(seg: TcpSegment, options: TcpOptions, acks = 1): void {
    this.touch();
    if (this.state === "SYN-SENT") return this.inputSynSent(seg, options);
    const seq = seg.sequenceNumber, len = seg.segmentLength;
    // The peer did not get our SYN-ACK and sent its SYN again: answer with the SYN-ACK, not a bare ACK.
    if (this.state === "SYN-RECEIVED" && seg.syn && !seg.ack && seqAdd(seq, 1) === this.receive.nextExpected) {
      this.sendSyn(true);
      return;
    }

    // First: is the segment in our window?
    if (!this.acceptable(seq, len)) {
      if (!seg.rst) this.sendAck();
      return;
    }
    // Second: RST. Only an exact match resets; in-window gets a challenge ACK (RFC 5961 3.2).
    if (seg.rst) {
      if (seq === this.receive.nextExpected) this.fail(new ConnectionError(`connection reset by ${this.remoteAddress}:${this.remotePort}`));
      else this.sendAck();
      return;
    }
    // Fourth: a SYN in a synchronized state is answered with a challenge ACK (RFC 5961 4.2).
    if (seg.syn) {
      this.sendAck();
      return;
    }
    // Fifth: ACK.
    if (!seg.ack) return;
    if (this.state === "SYN-RECEIVED") {
      if (seg.acknowledgmentNumber !== seqAdd(this.iss, 1)) {
        this.layer.send(this, TcpFlags.Rst, seg.acknowledgmentNumber, 0, 0, undefined, 0, undefined);
        return;
      }
      this.sndWnd = seg.window << this.sndShift;
      this.sndWl1 = seq;
      this.sndWl2 = seg.acknowledgmentNumber;
      this.becomeEstablished();
    }
    if (!this.processAck(seg, options, acks)) return;

    // Seventh: segment text.
    const payload = seg.payload;
    if (payload.length > 0 && (this.state === "ESTABLISHED" || this.state === "FIN-WAIT-1" || this.state === "FIN-WAIT-2")) {
      const before = this.receive.nextExpected;
      const delivered = this.receive.offer(seq, payload);
      if (delivered > 0) {
        this.wakeReaders();
        // RFC 1122 4.2.3.2: ACK at least every second full-sized segment; else soon.
        if (++this.unackedSegments >= 2) this.sendAck();
        else this.scheduleAck();
      } else if (seq !== before || payload.length > 0) {
        if (seqGt(seq, before)) this.latestOutOfOrder = seq;
        this.sendAck(); // out of order or old: a duplicate ACK (with SACK blocks) tells the sender at once
      }
    }

    // Eighth: FIN, once everything before it has arrived; one already taken is acknowledged again.
    if (seg.fin && this.eof && seqAdd(seq, payload.length + 1) === this.receive.nextExpected) this.sendAck();
    if (seg.fin && seqAdd(seq, payload.length) === this.receive.nextExpected && !this.eof) {
      this.receive.advancePastControl();
      this.eof = true;
      this.sendAck();
      this.wakeReaders();
      if (this.state === "ESTABLISHED" || this.state === "SYN-RECEIVED") this.state = "CLOSE-WAIT";
      else if (this.state === "FIN-WAIT-1") this.state = "CLOSING";
      else if (this.state === "FIN-WAIT-2") this.enterTimeWait();
    }
  }

  private inputSynSent(seg: TcpSegment, options: TcpOptions): void {
    const ack = seg.acknowledgmentNumber;
    if (seg.ack && (seqLe(ack, this.iss) || seqGt(ack, this.sndNxt))) {
      if (!seg.rst) this.layer.send(this, TcpFlags.Rst, ack, 0, 0, undefined, 0, undefined);
      return;
    }
    if (seg.rst) {
      // Debian 12's passt refuses with the acknowledgment number of our SYN (ISS + 1) but without
      // the ACK flag. That number is as hard to guess as an acceptable ACK, so it counts as one.
      if (seg.ack || ack === this.sndNxt) this.fail(new ConnectionError(`connection refused by ${this.remoteAddress}:${this.remotePort}`));
      return;
    }
    if (!seg.syn) return;
    this.takePeerSyn(seg.sequenceNumber, options);
    if (seg.ack) {
      this.sndWnd = seg.window; // a SYN's window is never scaled (RFC 7323 2.2)
      this.sndWl1 = seg.sequenceNumber;
      this.sndWl2 = ack;
      this.becomeEstablished();
      this.sendAck();
    } else {
      this.state = "SYN-RECEIVED"; // simultaneous open
      this.sendSyn(true);
    }
  }

  /**
   * RFC 9293 3.10.7.4's test, widened as Linux widens it: a segment that ends
   * exactly at RCV.NXT is taken too, so a retransmitted FIN still delivers the
   * ACK it carries (QEMU's user network resends its FIN with the ACK of ours).
   */
  private acceptable(seq: number, len: number): boolean {
    const nxt = this.receive.nextExpected, wnd = this.receive.window;
    if (len > 0 && seqAdd(seq, len) === nxt) return true;
    if (len === 0) return wnd === 0 ? seq === nxt : seqInWindow(seq, nxt, wnd);
    if (wnd === 0) return false;
    return seqInWindow(seq, nxt, wnd) || seqInWindow(seqAdd(seq, len - 1), nxt, wnd);
  }

  /** Returns false if the segment must be dropped. */
  private processAck(seg: TcpSegment, options: TcpOptions, acks: number): boolean {
    const ack = seg.acknowledgmentNumber;
    if (seqGt(ack, this.sndNxt)) {
      this.sendAck(); // acknowledges something we never sent
      return false;
    }
    const una = this.send.unacknowledged;
    const flight = seqDiff(this.sndNxt, una);
    const newlySacked = this.sackOk && options.sackBlockCount > 0 && this.takeSackBlocks(options, ack);
    if (seqGt(ack, una)) {
      let acked = seqDiff(ack, una);
      const finAcked = this.finSent && !this.finAcked && seqGe(ack, seqAdd(this.finSeq, 1));
      if (finAcked) {
        acked--;
        this.finAcked = true;
      }
      this.send.acknowledge(seqAdd(una, acked));
      if (finAcked) this.send.advancePastControl();
      this.forgetSackedBelow(ack);
      if (this.timing && seqGt(ack, this.timing.seq)) {
        this.rto.sample(this.host.nowMs() - this.timing.sentAt);
        this.timing = undefined;
      }
      this.retries = 0;
      const verdict = this.cc.onAck(ack, acked, this.sndNxt, flight, undefined, acks);
      if (verdict === "partial-ack") {
        if (this.sackOk) this.retransmitHoles(this.highestSacked(), this.peerMss);
        else this.retransmitFirst();
      }
      if (this.timeoutRecovery !== undefined) {
        // Go-back-N after a timeout: what was in flight then is presumed lost; send it again as the window opens.
        if (seqGe(ack, this.timeoutRecovery)) this.timeoutRecovery = undefined;
        else this.retransmitHoles(this.timeoutRecovery, this.cc.cwnd - Math.max(seqDiff(this.highRxt, ack), 0));
      }
      if (seqGe(ack, this.sndNxt)) this.stopRetransmit();
      else this.armRetransmit(true);
      this.updateSendWindow(seg, ack);
      this.flushWriters(); // and sends what the windows now allow
      if (finAcked) this.ourFinAcked();
      return this.state !== "CLOSED";
    } else if (ack === una && seg.payloadLength === 0 && !seg.fin && flight > 0 && ((seg.window << this.sndShift) === this.sndWnd || newlySacked)) {
      const verdict = this.cc.onAck(ack, 0, this.sndNxt, flight, NewReno.threshold(this.dataInFlight(), this.peerMss));
      if (verdict === "fast-retransmit") {
        this.highRxt = una;
        this.retransmitFirst();
      } else if (this.cc.inRecovery && this.sackOk) {
        // A retransmission lost again would otherwise wait for the timer: data sent after it got through.
        const before = this.firstRetransmittedBefore;
        if (before !== undefined && seqGt(this.highestSacked(), before)) this.highRxt = una;
        // Each duplicate says a segment left the network: send the next hole the scoreboard shows.
        this.retransmitHoles(this.highestSacked(), this.peerMss);
      }
    }
    this.updateSendWindow(seg, ack);
    this.output();
    return this.state !== "CLOSED";
  }

  /** Window update (3.10.7.4): only from a segment newer than the last one that set it. */
  private updateSendWindow(seg: TcpSegment, ack: number): void {
    if (seqLt(this.sndWl1, seg.sequenceNumber) || (this.sndWl1 === seg.sequenceNumber && seqLe(this.sndWl2, ack))) {
      this.sndWnd = seg.window << this.sndShift;
      this.sndWl1 = seg.sequenceNumber;
      this.sndWl2 = ack;
    }
  }

  /** Merge the segment's SACK blocks into the scoreboard; true if they covered bytes it did not have. */
  private takeSackBlocks(options: TcpOptions, ack: number): boolean {
    let grew = false;
    for (let i = 0; i < options.sackBlockCount; i++) {
      const start = options.sackBlocks[2 * i], end = options.sackBlocks[2 * i + 1];
      // RFC 2018: a block lies above the cumulative ACK and within what was sent; others (D-SACK, lies) are ignored.
      if (!seqGt(start, ack) || !seqGt(end, start) || seqGt(end, this.sndNxt)) continue;
      const merged: [number, number][] = [];
      let a = start, b = end, placed = false, covered = false;
      for (const [x, y] of this.sacked) {
        if (seqLt(y, a)) merged.push([x, y]);
        else if (seqLt(b, x)) {
          if (!placed) merged.push([a, b]), (placed = true);
          merged.push([x, y]);
        } else {
          if (seqLe(x, a) && seqGe(y, b)) covered = true;
          if (seqLt(x, a)) a = x;
          if (seqGt(y, b)) b = y;
        }
      }
      if (!placed) merged.push([a, b]);
      if (merged.length > MAX_SACKED_RANGES) continue;
      this.sacked = merged;
      if (!covered) grew = true;
    }
    return grew;
  }

  private forgetSackedBelow(ack: number): void {
    while (this.sacked.length > 0 && seqLe(this.sacked[0][1], ack)) this.sacked.shift();
    if (this.sacked.length > 0 && seqLt(this.sacked[0][0], ack)) this.sacked[0][0] = ack;
  }

  private highestSacked(): number {
    return this.sacked.length > 0 ? this.sacked[this.sacked.length - 1][1] : this.send.unacknowledged;
  }

  /**
   * Send again, from HighRxt (or SND.UNA) up to `end`, the full segments the
   * scoreboard does not show as SACKed, while `room` bytes allow.
   */
  private retransmitHoles(end: number, room: number): void {
    const una = this.send.unacknowledged;
    const dataEnd = this.finSent ? this.finSeq : this.sndNxt;
    if (seqGt(end, dataEnd)) end = dataEnd;
    let seq = seqGt(this.highRxt, una) ? this.highRxt : una;
    let i = 0;
    while (seqLt(seq, end)) {
      while (i < this.sacked.length && seqLe(this.sacked[i][1], seq)) i++;
      if (i < this.sacked.length && seqLe(this.sacked[i][0], seq)) {
        seq = this.sacked[i][1];
        continue;
      }
      const holeEnd = i < this.sacked.length && seqLt(this.sacked[i][0], end) ? this.sacked[i][0] : end;
      const size = Math.min(this.peerMss, seqDiff(holeEnd, seq));
      if (size > room) return;
      this.resend(seq, size);
      seq = seqAdd(seq, size);
      room -= size;
    }
  }

  /** Send `size` bytes from `seq` again, noting how far this recovery has resent. */
  private resend(seq: number, size: number): void {
    this.timing = undefined; // Karn's rule
    if (seq === this.send.unacknowledged) this.firstRetransmittedBefore = this.sndNxt;
    const end = seqAdd(seq, size);
    if (seqLt(this.highRxt, end)) this.highRxt = end;
    this.layer.send(this, TcpFlags.Ack | TcpFlags.Psh, seq, this.receive.nextExpected, this.advertisedWindow(), undefined, size,
      (target, at) => this.send.copyOut(seq, target, at, size));
  }

  private ourFinAcked(): void {
    if (this.state === "FIN-WAIT-1") this.state = "FIN-WAIT-2";
    else if (this.state === "CLOSING") this.enterTimeWait();
    else if (this.state === "LAST-ACK") this.finish();
    for (const f of this.finishers.splice(0)) f.resolve();
  }

  // ---- output ----

  /** Send what the windows and Nagle allow, then the FIN if it is due. */
  private output(): void {
    if (!this.send || this.state === "CLOSED" || this.state === "SYN-SENT" || this.state === "SYN-RECEIVED") return;
    const unsent = this.send.buffered - this.dataInFlight();
    if (unsent > 0) {
      const flight = seqDiff(this.sndNxt, this.send.unacknowledged);
      const window = Math.min(this.sndWnd, this.cc.cwnd + this.cc.limitedTransmit) - flight;
      if (window > 0) this.sendNew(Math.min(unsent, window), flight, unsent);
      else if (this.sndWnd === 0 && flight === 0) this.armPersist();
    }
    this.maybeSendFin();
  }

  /** Send up to `room` bytes of new data as full segments, and a small one after them if Nagle lets it go. */
  private sendNew(room: number, flight: number, unsent: number): void {
    const mss = this.peerMss;
    let count = Math.floor(room / mss), lastSize = mss;
    const rest = room - count * mss;
    if (rest > 0 && !this.holdsSmallSegment(flight + count * mss)) {
      count++;
      lastSize = rest;
      this.smallSentEnd = seqAdd(this.sndNxt, room);
    }
    if (count === 0) return;
    const sent = (count - 1) * mss + lastSize;
    this.sendData(this.sndNxt, count, lastSize, sent === unsent);
    this.sndNxt = seqAdd(this.sndNxt, sent);
  }

  /**
   * Nagle (RFC 1122 4.2.3.4) as Minshall refined it, and as Linux does it: a
   * small segment waits while an earlier small one is unacknowledged, unless
   * told not to or closing. Plain Nagle would hold the tail of every answer
   * of a few full segments until they were all acknowledged, which is a
   * delayed-ACK timeout (40-200 ms) against a peer that acknowledges every
   * other segment.
   */
  private holdsSmallSegment(flight: number): boolean {
    if (flight === 0 || this.noDelay || this.endRequested) return false;
    return seqGt(this.smallSentEnd, this.send.unacknowledged) && seqLe(this.smallSentEnd, this.sndNxt);
  }

  /** Send `count` segments of new data from `seq`, full ones but the last (`lastSize`). */
  private sendData(seq: number, count: number, lastSize: number, push: boolean): void {
    if (!this.timing) this.timing = { seq, sentAt: this.host.nowMs() };
    this.cancelAck();
    this.layer.sendTrain(this, seq, this.receive.nextExpected, this.advertisedWindow(), count, this.peerMss, lastSize, push, this.copyOut);
    this.armRetransmit();
  }

  private maybeSendFin(): void {
    if (!this.finQueued || this.finSent) return;
    const sent = seqDiff(this.sndNxt, this.send.unacknowledged);
    if (sent < this.send.buffered) return; // data first
    this.finSeq = this.sndNxt;
    this.finSent = true;
    this.sndNxt = seqAdd(this.sndNxt, 1);
    this.layer.send(this, TcpFlags.Fin | TcpFlags.Ack, this.finSeq, this.receive.nextExpected, this.advertisedWindow(), undefined, 0, undefined);
    if (this.state === "ESTABLISHED") this.state = "FIN-WAIT-1";
    else if (this.state === "CLOSE-WAIT") this.state = "LAST-ACK";
    this.armRetransmit();
  }

  /** Data bytes sent and not yet acknowledged: SND.NXT - SND.UNA, less a FIN still in flight. */
  private dataInFlight(): number {
    return seqDiff(this.sndNxt, this.send.unacknowledged) - (this.finSent && !this.finAcked ? 1 : 0);
  }

  /** Resend the oldest unacknowledged segment (fast retransmit, partial ACK, timeout). */
  private retransmitFirst(): void {
    const dataInFlight = this.dataInFlight();
    this.timing = undefined; // Karn's rule
    if (dataInFlight > 0) {
      this.resend(this.send.unacknowledged, Math.min(this.peerMss, dataInFlight));
    } else if (this.finSent && !this.finAcked) {
      this.layer.send(this, TcpFlags.Fin | TcpFlags.Ack, this.finSeq, this.receive.nextExpected, this.advertisedWindow(), undefined, 0, undefined);
    }
  }

  private advertisedWindow(): number {
    return Math.min(this.receive.window >> this.rcvShift, 0xffff);
  }

  private sendAck(): void {
    this.cancelAck();
    this.layer.send(this, TcpFlags.Ack, this.sndNxt, this.receive.nextExpected, this.advertisedWindow(), this.sackBlocks(), 0, undefined);
  }

  /** SACK blocks for what is held beyond a gap, the latest segment's first (RFC 2018 4); undefined when none. */
  private sackBlocks(): TcpOptions | undefined {
    if (!this.sackOk || !this.receive.hasOutOfOrder) return undefined;
    const ranges = this.receive.outOfOrder();
    const latest = this.latestOutOfOrder;
    const first = latest === undefined ? -1 : ranges.findIndex(([a, b]) => seqGe(latest, a) && seqLt(latest, b));
    if (first > 0) ranges.unshift(ranges.splice(first, 1)[0]);
    const o = this.ackOptions.clear();
    o.sackBlockCount = Math.min(ranges.length, TCP_MAX_SACK_BLOCKS);
    for (let i = 0; i < o.sackBlockCount; i++) {
      o.sackBlocks[2 * i] = ranges[i][0];
      o.sackBlocks[2 * i + 1] = ranges[i][1];
    }
    return o;
  }

  /**
   * Acknowledge within the delayed-ACK time, unless something we send
   * first carries the ACK. The timer outlives a cancel (it then finds
   * nothing due), and a later delayed ACK rides it: nearly every delayed
   * ACK is cancelled by the answer, and setting and clearing a timer each
   * time cost more than the rest of taking a request's segment.
   */
  private scheduleAck(): void {
    this.ackDue = true;
    if (this.ackTimer === undefined) this.ackTimer = this.host.setTimer(() => {
      this.ackTimer = undefined;
      if (this.ackDue) this.sendAck();
    }, this.tuning.delayedAckMs);
  }

  private cancelAck(): void {
    this.unackedSegments = 0;
    this.ackDue = false;
  }

  // ---- timers ----

  /**
   * Start the retransmission timer, or with `restart` move its deadline to
   * one RTO from now. Every ACK restarts it and the last one of an exchange
   * stops it, so only the deadline moves: the timer fires no later than it,
   * sleeps on if it is early, and lapses if the deadline is gone (a
   * timer-heap removal and insertion per ACK cost more than the rest of the
   * ACK).
   */
  private armRetransmit(restart = false): void {
    if (this.retransmitDeadline !== undefined && !restart) return;
    const now = this.host.nowMs();
    this.retransmitDeadline = now + this.rto.rtoMs;
    if (this.retransmitTimer !== undefined) {
      if (this.retransmitTimerAt <= this.retransmitDeadline) return;
      this.host.clearTimer(this.retransmitTimer);
    }
    this.setRetransmitTimer(now, this.retransmitDeadline);
  }

  private setRetransmitTimer(now: number, deadline: number): void {
    this.retransmitTimerAt = deadline;
    this.retransmitTimer = this.host.setTimer(() => {
      this.retransmitTimer = undefined;
      const due = this.retransmitDeadline;
      if (due === undefined) return;
      const now = this.host.nowMs();
      if (now < due) this.setRetransmitTimer(now, due);
      else this.retransmitTimeout();
    }, deadline - now);
  }

  private stopRetransmit(): void {
    this.retransmitDeadline = undefined;
  }

  private retransmitTimeout(): void {
    this.retransmitDeadline = undefined;
    const synState = this.state === "SYN-SENT" || this.state === "SYN-RECEIVED";
    if (++this.retries > (synState ? this.tuning.maxSynRetries : this.tuning.maxRetries)) {
      const what = this.state === "SYN-SENT" ? "connecting to" : "talking to";
      return this.fail(new ConnectionError(`timed out ${what} ${this.remoteAddress}:${this.remotePort}`));
    }
    this.rto.expired();
    if (synState) {
      this.sendSyn(this.state === "SYN-RECEIVED");
      return;
    }
    this.cc.onTimeout(seqDiff(this.sndNxt, this.send.unacknowledged), this.sndNxt);
    // RFC 2018 8: after a timeout the receiver may have dropped what it SACKed; start over from SND.UNA.
    this.sacked = [];
    this.highRxt = this.send.unacknowledged;
    this.timeoutRecovery = this.sndNxt;
    this.retransmitFirst();
    this.armRetransmit();
  }

  /** The peer's window is zero: probe it now and then with one byte (3.8.6.1). */
  private armPersist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = this.host.setTimer(() => {
      this.persistTimer = undefined;
      if (this.sndWnd > 0 || this.state === "CLOSED") return;
      // The probe is one real byte of new data, so an ACK that takes it is in sequence.
      const una = this.send.unacknowledged;
      if (this.sndNxt === una && this.send.buffered > 0) {
        this.sendData(una, 1, 1, true);
        this.sndNxt = seqAdd(this.sndNxt, 1);
      }
      this.persistMs = Math.min(this.persistMs * 2, PERSIST_MAX_MS);
      this.armPersist();
    }, this.persistMs);
  }

  private enterTimeWait(): void {
    this.state = "TIME-WAIT";
    this.stopRetransmit();
    this.timeWaitTimer = this.host.setTimer(() => this.finish(), this.tuning.timeWaitMs);
    this.unref(); // a connection in TIME-WAIT does not keep the service alive
    this.resolveClosed();
  }

  /** Something arrived or was written: the idle and keep-alive clocks start over (their timers look at this when they fire). */
  private touch(): void {
    this.lastActive = this.host.nowMs();
    this.keepAliveProbesSent = 0;
    if (this.idleMs > 0 && this.idleTimer === undefined) this.armIdle(this.idleMs);
    if (this.keepAliveMs > 0 && this.keepAliveTimer === undefined) this.armKeepAlive(this.keepAliveMs);
  }

  private armIdle(ms: number): void {
    this.idleTimer = this.host.setTimer(() => {
      this.idleTimer = undefined;
      if (this.idleMs <= 0 || this.state === "CLOSED") return;
      const quiet = this.host.nowMs() - this.lastActive;
      if (quiet < this.idleMs) return this.armIdle(this.idleMs - quiet);
      this.layer.send(this, TcpFlags.Rst | TcpFlags.Ack, this.sndNxt, this.receive?.nextExpected ?? 0, 0, undefined, 0, undefined);
      this.fail(new ConnectionError(`idle for ${this.idleMs} ms`));
    }, ms);
  }

  /** After keepAliveMs of silence, probe every keepAliveIntervalMs; after keepAliveProbes unanswered probes, the peer is gone. */
  private armKeepAlive(ms: number): void {
    this.keepAliveTimer = this.host.setTimer(() => {
      this.keepAliveTimer = undefined;
      if (this.keepAliveMs <= 0 || !this.send || this.state === "CLOSED" || this.state === "TIME-WAIT") return;
      if (this.keepAliveProbesSent === 0) {
        const quiet = this.host.nowMs() - this.lastActive;
        if (quiet < this.keepAliveMs) return this.armKeepAlive(this.keepAliveMs - quiet);
      }
      if (this.keepAliveProbesSent >= this.tuning.keepAliveProbes) {
        this.layer.send(this, TcpFlags.Rst | TcpFlags.Ack, this.sndNxt, this.receive.nextExpected, 0, undefined, 0, undefined);
        return this.fail(new ConnectionError(`${this.remoteAddress}:${this.remotePort} stopped answering keep-alive probes`));
      }
      // RFC 1122 4.2.3.6: SEG.SEQ = SND.NXT - 1 and no data; a live peer answers with an ACK, which resets the count.
      this.layer.send(this, TcpFlags.Ack, seqAdd(this.sndNxt, -1), this.receive.nextExpected, this.advertisedWindow(), undefined, 0, undefined);
      this.keepAliveProbesSent++;
      this.armKeepAlive(this.tuning.keepAliveIntervalMs);
    }, ms);
  }

  // ---- ending ----

  private fail(error: Error): void {
    if (this.state === "CLOSED") return;
    this.failure = error;
    for (const r of this.readers.splice(0)) r.reject(error);
    for (const w of this.writers.splice(0)) w.reject(error);
    for (const f of this.finishers.splice(0)) f.reject(error);
    this.finish(error);
  }

  /** Forget the connection (after TIME-WAIT, LAST-ACK, a reset or a timeout). */
  private finish(error?: Error): void {
    this.state = "CLOSED";
    for (const timer of [this.retransmitTimer, this.ackTimer, this.persistTimer, this.timeWaitTimer, this.idleTimer, this.keepAliveTimer]) {
      if (timer !== undefined) this.host.clearTimer(timer);
    }
    this.retransmitTimer = this.ackTimer = this.persistTimer = this.timeWaitTimer = this.idleTimer = this.keepAliveTimer = undefined;
    this.retransmitDeadline = undefined;
    this.send?.close();
    this.receive?.close();
    this.unref();
    if (error) this.rejectClosed(error);
    else this.resolveClosed();
    this.wakeReaders();
    this.layer.closed(this);
  }

  /** The TCP layer dropped this connection to bound TIME-WAIT (or at shutdown). */
  forget(): void {
    if (this.state !== "CLOSED") this.finish();
  }

  // ---- the stream a service sees ----

  read(): Promise<Uint8Array | null> {
    const now = this.tryRead();
    if (now !== undefined) return Promise.resolve(now);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  tryRead(): Uint8Array | null | undefined {
    if (this.receive && this.receive.available > 0) {
      const out = new Uint8Array(this.receive.available);
      const before = this.receive.window;
      this.receive.read(out);
      // Reading opened the window; say so if it had been small (avoid silly window: at least an MSS more).
      if (before < this.peerMss && this.receive.window >= this.peerMss && this.state !== "CLOSED") this.sendAck();
      return out;
    }
    if (this.eof || this.state === "CLOSED") return null;
    return undefined;
  }

  onReadable(callback: () => void): void {
    this.readableCallback = callback;
  }

  private wakeReaders(): void {
    while (this.readers.length > 0) {
      const data = this.tryRead();
      if (data === undefined) break;
      this.readers.shift()!.resolve(data);
    }
    if (this.readableCallback && (this.eof || (this.receive && this.receive.available > 0))) this.readableCallback();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  write(data: Uint8Array | string): Promise<void> {
    const refused = this.writeRefusal();
    if (refused) return Promise.reject(refused);
    const bytes = typeof data === "string" ? utf8Encode(data) : data;
    this.touch();
    return new Promise((resolve, reject) => {
      this.writers.push({ data: bytes, resolve, reject });
      this.flushWriters();
    });
  }

  tryWrite(data: Uint8Array): number {
    const refused = this.writeRefusal();
    if (refused) throw refused;
    if (this.writers.length > 0) {
      this.writableWanted = true;
      return 0;
    }
    this.touch();
    const taken = this.send.write(data);
    if (taken < data.length) this.writableWanted = true;
    if (taken > 0) this.output();
    return taken;
  }

  /** Why nothing more can be written, if that is so: the connection failed, or our side is closing or closed. */
  private writeRefusal(): Error | undefined {
    if (this.failure) return this.failure;
    if (this.endRequested || this.state === "CLOSED") return new ConnectionError("the connection's sending side is closed");
    return undefined;
  }

  onWritable(callback: () => void): void {
    this.writableCallback = callback;
  }

  /** Move queued writes into the send buffer as room appears; each resolves once wholly buffered. */
  private flushWriters(): void {
    if (!this.send) return;
    while (this.writers.length > 0) {
      const w = this.writers[0];
      const taken = this.send.write(w.data);
      if (taken < w.data.length) {
        w.data = w.data.subarray(taken);
        break;
      }
      this.writers.shift()!.resolve();
    }
    // The FIN goes after every queued write has reached the send buffer.
    if (this.endRequested && this.writers.length === 0) this.finQueued = true;
    this.output();
    if (this.writableWanted && this.writers.length === 0 && this.send.free > 0 && !this.endRequested) {
      this.writableWanted = false;
      this.writableCallback?.();
    }
  }

  end(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.finSent && this.state !== "FIN-WAIT-1" && this.state !== "CLOSING" && this.state !== "LAST-ACK") return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.finishers.push({ resolve, reject });
      this.endRequested = true;
      this.flushWriters();
    });
  }

  close(): void {
    if (this.state === "CLOSED" || this.state === "TIME-WAIT") return;
    if (this.state === "SYN-SENT" || (this.receive && this.receive.available > 0)) {
      // Unread data, or nothing to close gracefully: reset (RFC 9293 3.6).
      if (this.state !== "SYN-SENT") this.layer.send(this, TcpFlags.Rst | TcpFlags.Ack, this.sndNxt, this.receive.nextExpected, 0, undefined, 0, undefined);
      this.fail(new ConnectionError("closed"));
      return;
    }
    if (!this.endRequested) void this.end().catch(() => {});
  }

  setNoDelay(noDelay: boolean): void {
    this.noDelay = noDelay;
    this.output();
  }

  setIdleTimeout(ms: number): void {
    this.idleMs = ms;
    if (this.idleTimer !== undefined) this.host.clearTimer(this.idleTimer);
    this.idleTimer = undefined;
    this.touch();
  }

  setKeepAlive(enable: boolean, idleMs = 7_200_000): void {
    this.keepAliveMs = enable ? Math.max(idleMs, 1) : 0;
    if (this.keepAliveTimer !== undefined) this.host.clearTimer(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.touch();
  }

  unref(): void {
    if (this.released) return;
    this.released = true;
    this.keepAlive.release();
  }

  ref(): void {
    // A connection in TIME-WAIT or closed keeps nothing alive, whatever it is told.
    if (!this.released || this.state === "TIME-WAIT" || this.state === "CLOSED") return;
    this.released = false;
    this.keepAlive.retain();
  }
}
