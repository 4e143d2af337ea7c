/**
 * ICMP for IPv4 (RFC 792): echo request and reply, and the error messages
 * (destination unreachable, time exceeded) that quote the datagram they are
 * about.
 */
import { readUint16, readUint32, WireView, writeUint16, writeUint32 } from "./bytes.ts";
import { finishChecksum, onesComplementSum } from "./checksum.ts";
import { IPV4_MIN_HEADER_LENGTH } from "./ipv4.ts";

/** ICMP message types the network unit sends or reads. */
export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  EchoRequest: 8,
  TimeExceeded: 11,
} as const;

/** Codes of destination unreachable messages (RFC 792, RFC 1191). */
export const IcmpUnreachableCode = {
  Network: 0,
  Host: 1,
  Protocol: 2,
  Port: 3,
  /** DF was set and the datagram was too big: carries the next hop's MTU. */
  FragmentationNeeded: 4,
} as const;

/** Type, code, checksum and the 4-byte rest of the header. */
export const ICMP_HEADER_LENGTH = 8;

/** An error quotes the offending IP header and (at least) its first 8 payload bytes (RFC 792). */
const MIN_QUOTED_LENGTH = IPV4_MIN_HEADER_LENGTH + 8;

/**
 * The most an error quotes, so that the whole error datagram stays within
 * the 576 bytes every host accepts (RFC 1812 4.3.2.3).
 */
const MAX_QUOTED_LENGTH = 576 - IPV4_MIN_HEADER_LENGTH - ICMP_HEADER_LENGTH;

/** Store the checksum of the message's first `length` bytes; returns `length`. */
function writeChecksum(bytes: Uint8Array, length: number): number {
  writeUint16(bytes, 2, 0);
  writeUint16(bytes, 2, finishChecksum(onesComplementSum(bytes, 0, length)));
  return length;
}

/** A zero-copy view of an ICMP message (the whole IP payload, as the checksum covers it all). */
export class IcmpMessage extends WireView {
  /** Why the message cannot be read (too short; an error quoting too little), or undefined. */
  check(): string | undefined {
    const length = this.bytes.length;
    if (length < ICMP_HEADER_LENGTH) return `an ICMP message needs ${ICMP_HEADER_LENGTH} bytes, got ${length}`;
    const type = this.type;
    if ((type === IcmpType.DestinationUnreachable || type === IcmpType.TimeExceeded) && length < ICMP_HEADER_LENGTH + MIN_QUOTED_LENGTH) {
      return `an ICMP error must quote an IP header and 8 bytes, got ${length - ICMP_HEADER_LENGTH} bytes`;
    }
    return undefined;
  }

  get headerLength(): number {
    return ICMP_HEADER_LENGTH;
  }

  /** `IcmpType.EchoRequest`, … */
  get type(): number {
    return this.bytes[0];
  }

  set type(value: number) {
    this.bytes[0] = value;
  }

  get code(): number {
    return this.bytes[1];
  }

  set code(value: number) {
    this.bytes[1] = value;
  }

  get checksum(): number {
    return readUint16(this.bytes, 2);
  }

  set checksum(value: number) {
    writeUint16(this.bytes, 2, value);
  }

  /** The 4 bytes after the checksum, whatever the type makes of them. */
  get restOfHeader(): number {
    return readUint32(this.bytes, 4);
  }

  set restOfHeader(value: number) {
    writeUint32(this.bytes, 4, value);
  }

  /** Echo request/reply: the identifier. */
  get identifier(): number {
    return readUint16(this.bytes, 4);
  }

  set identifier(value: number) {
    writeUint16(this.bytes, 4, value);
  }

  /** Echo request/reply: the sequence number. */
  get sequenceNumber(): number {
    return readUint16(this.bytes, 6);
  }

  set sequenceNumber(value: number) {
    writeUint16(this.bytes, 6, value);
  }

  /** Destination unreachable, fragmentation needed: the MTU of the next hop (RFC 1191), 0 from old routers. */
  get nextHopMtu(): number {
    return readUint16(this.bytes, 6);
  }

  set nextHopMtu(value: number) {
    writeUint16(this.bytes, 6, value);
  }

  /**
   * After the header: an echo's data, or an error's quoted datagram (its IP
   * header and the start of its payload; wrap it in an `Ipv4Packet`, whose
   * `check()` will find it truncated, but whose header fields can be read).
   */
  get payload(): Uint8Array {
    return this.bytes.subarray(ICMP_HEADER_LENGTH);
  }

  /** Whether the checksum over the whole message is right. */
  verifyChecksum(): boolean {
    return onesComplementSum(this.bytes, 0, this.bytes.length) === 0xffff;
  }

  /** Compute and store the checksum over the first `length` bytes (the whole view by default). */
  fillChecksum(length = this.bytes.length): void {
    writeChecksum(this.bytes, length);
  }

  /**
   * Write an echo request or reply header and its checksum at the start of
   * `bytes`, whose next `dataLength` bytes already hold the data; returns
   * the message length.
   */
  static emitEcho(bytes: Uint8Array, type: number, identifier: number, sequenceNumber: number, dataLength: number): number {
    bytes[0] = type;
    bytes[1] = 0;
    writeUint16(bytes, 4, identifier);
    writeUint16(bytes, 6, sequenceNumber);
    return writeChecksum(bytes, ICMP_HEADER_LENGTH + dataLength);
  }

  /**
   * Write a destination unreachable message into `bytes`, quoting the start
   * of `invokingPacket` (the IP packet it answers, from its IP header on) as
   * far as `bytes` and the 576-byte rule allow; returns the message length.
   */
  static emitDestinationUnreachable(bytes: Uint8Array, code: number, invokingPacket: Uint8Array, nextHopMtu = 0): number {
    const quoted = Math.min(invokingPacket.length, bytes.length - ICMP_HEADER_LENGTH, MAX_QUOTED_LENGTH);
    bytes[0] = IcmpType.DestinationUnreachable;
    bytes[1] = code;
    writeUint16(bytes, 4, 0);
    writeUint16(bytes, 6, nextHopMtu);
    bytes.set(invokingPacket.subarray(0, quoted), ICMP_HEADER_LENGTH);
    return writeChecksum(bytes, ICMP_HEADER_LENGTH + quoted);
  }
}
