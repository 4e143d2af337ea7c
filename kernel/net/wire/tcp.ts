/**
 * TCP segments (RFC 9293) over IPv4, with the options of RFC 9293 (MSS),
 * RFC 7323 (window scale, timestamps) and RFC 2018 (SACK). Options are read
 * and written without allocating: an iterator over them, and a reusable
 * `TcpOptions` record filled in place.
 */
import { readUint16, readUint32, WireView, writeUint16, writeUint32 } from "./bytes.ts";
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from "./checksum.ts";
import { IpProtocol } from "./ipv4.ts";

/** The flag bits of byte 13. */
export const TcpFlags = {
  Fin: 0x01,
  Syn: 0x02,
  Rst: 0x04,
  Psh: 0x08,
  Ack: 0x10,
  Urg: 0x20,
  Ece: 0x40,
  Cwr: 0x80,
} as const;

/** Option kinds. */
export const TcpOptionKind = {
  EndOfOptions: 0,
  NoOperation: 1,
  MaxSegmentSize: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamps: 8,
} as const;

/** A header without options. */
export const TCP_MIN_HEADER_LENGTH = 20;

/** Room for options: the data offset counts at most 15 words. */
export const TCP_MAX_OPTIONS_LENGTH = 40;

/** The most SACK blocks an option can hold in 40 bytes. */
export const TCP_MAX_SACK_BLOCKS = 4;

/** What `TcpSegment.emit` writes besides the options. */
export interface TcpHeader {
  sourcePort: number;
  destinationPort: number;
  sequenceNumber: number;
  acknowledgmentNumber: number;
  /** `TcpFlags` bits, or-ed. */
  flags: number;
  window: number;
  /** Default 0. */
  urgentPointer?: number;
}

/**
 * The options of one segment, read or to be written. Keep one and reuse it:
 * `TcpSegment.readOptions` clears it first. Absent options are undefined
 * (or false, or a block count of 0).
 */
export class TcpOptions {
  maxSegmentSize: number | undefined = undefined;
  /** The shift as sent; RFC 7323 says to use 14 for anything larger, which is the connection's business. */
  windowScale: number | undefined = undefined;
  sackPermitted = false;
  /** How many blocks `sackBlocks` holds. */
  sackBlockCount = 0;
  /** Left and right edges (unsigned 32-bit sequence numbers) of each block, in pairs. */
  readonly sackBlocks = new Uint32Array(2 * TCP_MAX_SACK_BLOCKS);
  /** TSval; undefined when the segment has no timestamps option. */
  timestampValue: number | undefined = undefined;
  /** TSecr, meaningful when `timestampValue` is set. */
  timestampEchoReply = 0;

  /** Forget every option. */
  clear(): this {
    this.maxSegmentSize = undefined;
    this.windowScale = undefined;
    this.sackPermitted = false;
    this.sackBlockCount = 0;
    this.timestampValue = undefined;
    this.timestampEchoReply = 0;
    return this;
  }
}

/** The length each fixed-size option must have (RFC 9293, RFC 7323, RFC 2018); 0 for others. */
function requiredOptionLength(kind: number): number {
  switch (kind) {
    case TcpOptionKind.MaxSegmentSize: return 4;
    case TcpOptionKind.WindowScale: return 3;
    case TcpOptionKind.SackPermitted: return 2;
    case TcpOptionKind.Timestamps: return 10;
    default: return 0;
  }
}

/**
 * Walks the options of a segment without allocating. After `start`, each
 * `next()` that returns true describes one option in `kind`, `length` and
 * `valueOffset`; false means the options ended, or, with `error` set, that
 * they are malformed (a length below 2, one running past the header, a
 * known option of the wrong length). Unknown kinds are passed over by their
 * length.
 */
export class TcpOptionIterator {
  /** The option's kind. */
  kind = 0;
  /** Its whole length, kind and length bytes included (1 for a no-operation). */
  length = 0;
  /** Where its value starts in the segment's bytes. */
  valueOffset = 0;
  /** Why the options are malformed, once `next()` found it. */
  error: string | undefined = undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  private position = 0;
  private end = 0;

  /** Begin at the first option of `segment`. */
  start(segment: TcpSegment): this {
    this.bytes = segment.bytes;
    this.position = TCP_MIN_HEADER_LENGTH;
    // Bounded by the bytes too, so a segment whose check() failed still cannot be read past its end.
    this.end = Math.min(segment.headerLength, segment.bytes.length);
    this.error = undefined;
    return this;
  }

  /** Move to the next option; false at the end of the options or on a malformed one. */
  next(): boolean {
    const bytes = this.bytes, position = this.position;
    // End of options: whatever follows up to the data offset is padding.
    if (position >= this.end || bytes[position] === TcpOptionKind.EndOfOptions) return false;
    const kind = bytes[position];
    if (kind === TcpOptionKind.NoOperation) return this.found(kind, 1, position + 1);
    if (position + 1 >= this.end) return this.fail(`TCP option ${kind} at byte ${position} has no length byte`);
    const length = bytes[position + 1];
    if (length < 2) return this.fail(`TCP option ${kind} at byte ${position} has length ${length}, below 2`);
    if (position + length > this.end) return this.fail(`TCP option ${kind} at byte ${position} (${length} bytes) runs past the header's ${this.end} bytes`);
    const required = requiredOptionLength(kind);
    if (required !== 0 && length !== required) return this.fail(`TCP option ${kind} has length ${length}, not ${required}`);
    if (kind === TcpOptionKind.Sack && (length < 10 || (length - 2) % 8 !== 0)) return this.fail(`TCP SACK option length ${length} is not 2 + 8 per block`);
    return this.found(kind, length, position + 2);
  }

  private found(kind: number, length: number, valueOffset: number): boolean {
    this.kind = kind;
    this.length = length;
    this.valueOffset = valueOffset;
    this.position += length;
    return true;
  }

  private fail(error: string): boolean {
    this.error = error;
    this.position = this.end;
    return false;
  }
}

/** Reused by `readOptions`: the network unit runs on one thread, and reading never re-enters. */
const sharedIterator = new TcpOptionIterator();

/**
 * Write `options` at `bytes[offset]` in the layout Linux uses (every option
 * 4-byte aligned with no-operations), as many SACK blocks as fit in
 * `room`; returns the bytes written, a multiple of 4.
 */
export function emitTcpOptions(bytes: Uint8Array, offset: number, options: TcpOptions, room = TCP_MAX_OPTIONS_LENGTH): number {
  let at = offset;
  if (options.maxSegmentSize !== undefined) {
    bytes[at] = TcpOptionKind.MaxSegmentSize;
    bytes[at + 1] = 4;
    writeUint16(bytes, at + 2, options.maxSegmentSize);
    at += 4;
  }
  if (options.timestampValue !== undefined) {
    // SACK-permitted takes the place of the two no-operations that align the timestamps.
    if (options.sackPermitted) {
      bytes[at] = TcpOptionKind.SackPermitted;
      bytes[at + 1] = 2;
    } else {
      bytes[at] = bytes[at + 1] = TcpOptionKind.NoOperation;
    }
    bytes[at + 2] = TcpOptionKind.Timestamps;
    bytes[at + 3] = 10;
    writeUint32(bytes, at + 4, options.timestampValue);
    writeUint32(bytes, at + 8, options.timestampEchoReply);
    at += 12;
  } else if (options.sackPermitted) {
    bytes[at] = bytes[at + 1] = TcpOptionKind.NoOperation;
    bytes[at + 2] = TcpOptionKind.SackPermitted;
    bytes[at + 3] = 2;
    at += 4;
  }
  if (options.windowScale !== undefined) {
    bytes[at] = TcpOptionKind.NoOperation;
    bytes[at + 1] = TcpOptionKind.WindowScale;
    bytes[at + 2] = 3;
    bytes[at + 3] = options.windowScale;
    at += 4;
  }
  const blocks = Math.min(options.sackBlockCount, Math.floor((room - (at - offset) - 4) / 8));
  if (blocks > 0) {
    bytes[at] = bytes[at + 1] = TcpOptionKind.NoOperation;
    bytes[at + 2] = TcpOptionKind.Sack;
    bytes[at + 3] = 2 + 8 * blocks;
    at += 4;
    for (let i = 0; i < 2 * blocks; i++, at += 4) writeUint32(bytes, at, options.sackBlocks[i]);
  }
  return at - offset;
}

/** A zero-copy view of a TCP segment: the whole IP payload, since its length is the segment's. */
export class TcpSegment extends WireView {
  /**
   * Why the segment cannot be read (too short, a data offset below 5 words
   * or past the bytes that arrived), or undefined. Options are checked by
   * `readOptions`, the checksum by `verifyChecksum`.
   */
  check(): string | undefined {
    const bytes = this.bytes, length = bytes.length;
    if (length < TCP_MIN_HEADER_LENGTH) return `a TCP header needs at least ${TCP_MIN_HEADER_LENGTH} bytes, got ${length}`;
    const headerLength = (bytes[12] >>> 4) * 4; // read here, not through the getter: every segment passes
    if (headerLength < TCP_MIN_HEADER_LENGTH) return `TCP data offset ${headerLength / 4} is below 5 words`;
    if (headerLength > length) return `the TCP data offset says ${headerLength} header bytes, only ${length} arrived`;
    return undefined;
  }

  get sourcePort(): number {
    return readUint16(this.bytes, 0);
  }

  set sourcePort(value: number) {
    writeUint16(this.bytes, 0, value);
  }

  get destinationPort(): number {
    return readUint16(this.bytes, 2);
  }

  set destinationPort(value: number) {
    writeUint16(this.bytes, 2, value);
  }

  /** Unsigned 32-bit; compare with modular arithmetic. */
  get sequenceNumber(): number {
    return readUint32(this.bytes, 4);
  }

  set sequenceNumber(value: number) {
    writeUint32(this.bytes, 4, value);
  }

  /** Unsigned 32-bit. */
  get acknowledgmentNumber(): number {
    return readUint32(this.bytes, 8);
  }

  set acknowledgmentNumber(value: number) {
    writeUint32(this.bytes, 8, value);
  }

  /** The data offset in bytes (words × 4), options included. */
  get headerLength(): number {
    return (this.bytes[12] >>> 4) * 4;
  }

  /** In bytes, a multiple of 4 from 20 to 60. */
  set headerLength(value: number) {
    this.bytes[12] = (((value >>> 2) & 0x0f) << 4) | (this.bytes[12] & 0x0f);
  }

  /** The `TcpFlags` bits. */
  get flags(): number {
    return this.bytes[13];
  }

  set flags(value: number) {
    this.bytes[13] = value;
  }

  /** FIN: no more data from the sender. */
  get fin(): boolean {
    return (this.bytes[13] & TcpFlags.Fin) !== 0;
  }

  set fin(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Fin : this.bytes[13] & ~TcpFlags.Fin;
  }

  /** SYN: synchronize sequence numbers. */
  get syn(): boolean {
    return (this.bytes[13] & TcpFlags.Syn) !== 0;
  }

  set syn(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Syn : this.bytes[13] & ~TcpFlags.Syn;
  }

  /** RST: reset the connection. */
  get rst(): boolean {
    return (this.bytes[13] & TcpFlags.Rst) !== 0;
  }

  set rst(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Rst : this.bytes[13] & ~TcpFlags.Rst;
  }

  /** PSH: push. */
  get psh(): boolean {
    return (this.bytes[13] & TcpFlags.Psh) !== 0;
  }

  set psh(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Psh : this.bytes[13] & ~TcpFlags.Psh;
  }

  /** ACK: the acknowledgment number is significant. */
  get ack(): boolean {
    return (this.bytes[13] & TcpFlags.Ack) !== 0;
  }

  set ack(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Ack : this.bytes[13] & ~TcpFlags.Ack;
  }

  /** URG: the urgent pointer is significant. */
  get urg(): boolean {
    return (this.bytes[13] & TcpFlags.Urg) !== 0;
  }

  set urg(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Urg : this.bytes[13] & ~TcpFlags.Urg;
  }

  /** ECE: ECN echo (RFC 3168). */
  get ece(): boolean {
    return (this.bytes[13] & TcpFlags.Ece) !== 0;
  }

  set ece(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Ece : this.bytes[13] & ~TcpFlags.Ece;
  }

  /** CWR: congestion window reduced (RFC 3168). */
  get cwr(): boolean {
    return (this.bytes[13] & TcpFlags.Cwr) !== 0;
  }

  set cwr(on: boolean) {
    this.bytes[13] = on ? this.bytes[13] | TcpFlags.Cwr : this.bytes[13] & ~TcpFlags.Cwr;
  }

  /** The receive window, unscaled. */
  get window(): number {
    return readUint16(this.bytes, 14);
  }

  set window(value: number) {
    writeUint16(this.bytes, 14, value);
  }

  get checksum(): number {
    return readUint16(this.bytes, 16);
  }

  set checksum(value: number) {
    writeUint16(this.bytes, 16, value);
  }

  get urgentPointer(): number {
    return readUint16(this.bytes, 18);
  }

  set urgentPointer(value: number) {
    writeUint16(this.bytes, 18, value);
  }

  /** The option bytes, padding included. */
  get options(): Uint8Array {
    return this.bytes.subarray(TCP_MIN_HEADER_LENGTH, this.headerLength);
  }

  get payloadLength(): number {
    return this.bytes.length - this.headerLength;
  }

  /**
   * ACK alone: no other flag, no options, no data. After `check()`, 20
   * bytes can only be a bare header. Most segments a sender receives are
   * these, so it is one test.
   */
  get isBareAck(): boolean {
    return this.bytes.length === TCP_MIN_HEADER_LENGTH && this.bytes[13] === TcpFlags.Ack;
  }

  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLength);
  }

  /** The sequence space the segment takes (SEG.LEN): its data, plus one each for SYN and FIN. */
  get segmentLength(): number {
    return this.payloadLength + (this.bytes[13] & TcpFlags.Syn ? 1 : 0) + (this.bytes[13] & TcpFlags.Fin ? 1 : 0);
  }

  /**
   * Fill `out` with the options this segment carries; returns why they are
   * malformed, or undefined. On an error `out` holds the options before it.
   */
  readOptions(out: TcpOptions): string | undefined {
    out.clear();
    if (this.headerLength === TCP_MIN_HEADER_LENGTH) return undefined;
    const bytes = this.bytes;
    const options = sharedIterator.start(this);
    while (options.next()) {
      const at = options.valueOffset;
      switch (options.kind) {
        case TcpOptionKind.MaxSegmentSize:
          out.maxSegmentSize = readUint16(bytes, at);
          break;
        case TcpOptionKind.WindowScale:
          out.windowScale = bytes[at];
          break;
        case TcpOptionKind.SackPermitted:
          out.sackPermitted = true;
          break;
        case TcpOptionKind.Timestamps:
          out.timestampValue = readUint32(bytes, at);
          out.timestampEchoReply = readUint32(bytes, at + 4);
          break;
        case TcpOptionKind.Sack: {
          // The iterator checked the length, and 40 bytes of room hold at most 4 blocks.
          const words = (options.length - 2) / 4;
          for (let i = 0; i < words; i++) out.sackBlocks[i] = readUint32(bytes, at + 4 * i);
          out.sackBlockCount = words / 2;
          break;
        }
      }
    }
    return options.error;
  }

  /** Whether the checksum (with the pseudo-header of `source` → `destination`) is right. */
  verifyChecksum(source: number, destination: number): boolean {
    const length = this.bytes.length;
    return onesComplementSum(this.bytes, 0, length, pseudoHeaderSum(source, destination, IpProtocol.Tcp, length)) === 0xffff;
  }

  /** Compute and store the checksum over the first `length` bytes (the whole view by default). */
  fillChecksum(source: number, destination: number, length = this.bytes.length): void {
    writeUint16(this.bytes, 16, 0);
    writeUint16(this.bytes, 16, finishChecksum(onesComplementSum(this.bytes, 0, length, pseudoHeaderSum(source, destination, IpProtocol.Tcp, length))));
  }

  /**
   * Write a header and `options` at the start of `bytes`, checksum 0;
   * returns the header length. Put the payload after it, then
   * `fillChecksum(…)` with the segment's length.
   */
  static emit(bytes: Uint8Array, header: TcpHeader, options?: TcpOptions): number {
    writeUint16(bytes, 0, header.sourcePort);
    writeUint16(bytes, 2, header.destinationPort);
    writeUint32(bytes, 4, header.sequenceNumber);
    writeUint32(bytes, 8, header.acknowledgmentNumber);
    const headerLength = TCP_MIN_HEADER_LENGTH + (options ? emitTcpOptions(bytes, TCP_MIN_HEADER_LENGTH, options) : 0);
    bytes[12] = (headerLength >>> 2) << 4;
    bytes[13] = header.flags;
    writeUint16(bytes, 14, header.window);
    writeUint16(bytes, 16, 0);
    writeUint16(bytes, 18, header.urgentPointer ?? 0);
    return headerLength;
  }
}
