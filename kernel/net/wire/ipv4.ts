/**
 * IPv4 headers (RFC 791). Only the header: fragment reassembly and routing
 * belong to the layer above (see ../reassembly.ts).
 */
import { readUint16, readUint32, WireView, writeUint16, writeUint32 } from "./bytes.ts";
import { finishChecksum, onesComplementSum } from "./checksum.ts";

/** IP protocol numbers the network unit speaks. */
export const IpProtocol = {
  Icmp: 1,
  Tcp: 6,
  Udp: 17,
} as const;

/** A header without options. */
export const IPV4_MIN_HEADER_LENGTH = 20;

const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

/** What `Ipv4Packet.emit` writes; fields left out take the usual values. */
export interface Ipv4Header {
  source: number;
  destination: number;
  protocol: number;
  /** Bytes after the header. */
  payloadLength: number;
  /** Default 64. */
  ttl?: number;
  /** Default 0: unfragmented datagrams need no distinct identification (RFC 6864). */
  identification?: number;
  /** Default true: path MTU discovery (RFC 1191) wants DF on. */
  dontFragment?: boolean;
  /** Default false. */
  moreFragments?: boolean;
  /** In bytes, a multiple of 8; default 0. */
  fragmentOffset?: number;
  /** Differentiated services code point; default 0. */
  dscp?: number;
  /** Explicit congestion notification; default 0. */
  ecn?: number;
}

/** A zero-copy view of an IPv4 packet. */
export class Ipv4Packet extends WireView {
  /**
   * Why the packet cannot be read, or undefined: it must be version 4 with a
   * header length of at least 20 bytes that arrived whole, and a total length
   * that covers the header and no more than the bytes that arrived (more
   * bytes than that are link-layer padding). The checksum is separate:
   * `verifyChecksum()`.
   */
  check(): string | undefined {
    // Every packet passes here: the fields are read from the bytes, not through the getters (a call each).
    const bytes = this.bytes, length = bytes.length;
    if (length < IPV4_MIN_HEADER_LENGTH) return `an IPv4 header needs at least ${IPV4_MIN_HEADER_LENGTH} bytes, got ${length}`;
    const version = bytes[0] >>> 4;
    if (version !== 4) return `IP version ${version} is not 4`;
    const headerLength = (bytes[0] & 0x0f) * 4;
    if (headerLength < IPV4_MIN_HEADER_LENGTH) return `IPv4 header length ${headerLength} is below ${IPV4_MIN_HEADER_LENGTH} bytes`;
    if (headerLength > length) return `the IPv4 header says ${headerLength} bytes, only ${length} arrived`;
    const totalLength = (bytes[2] << 8) | bytes[3];
    if (totalLength < headerLength) return `IPv4 total length ${totalLength} is shorter than its header (${headerLength} bytes)`;
    if (totalLength > length) return `IPv4 total length ${totalLength} is more than the ${length} bytes that arrived`;
    return undefined;
  }

  get version(): number {
    return this.bytes[0] >>> 4;
  }

  set version(value: number) {
    this.bytes[0] = (value << 4) | (this.bytes[0] & 0x0f);
  }

  /** In bytes (IHL × 4), options included. */
  get headerLength(): number {
    return (this.bytes[0] & 0x0f) * 4;
  }

  /** In bytes, a multiple of 4 from 20 to 60. */
  set headerLength(value: number) {
    this.bytes[0] = (this.bytes[0] & 0xf0) | ((value >>> 2) & 0x0f);
  }

  get dscp(): number {
    return this.bytes[1] >>> 2;
  }

  set dscp(value: number) {
    this.bytes[1] = (value << 2) | (this.bytes[1] & 0x03);
  }

  get ecn(): number {
    return this.bytes[1] & 0x03;
  }

  set ecn(value: number) {
    this.bytes[1] = (this.bytes[1] & 0xfc) | (value & 0x03);
  }

  /** Header and payload, in bytes. */
  get totalLength(): number {
    return readUint16(this.bytes, 2);
  }

  set totalLength(value: number) {
    writeUint16(this.bytes, 2, value);
  }

  get identification(): number {
    return readUint16(this.bytes, 4);
  }

  set identification(value: number) {
    writeUint16(this.bytes, 4, value);
  }

  get dontFragment(): boolean {
    return (readUint16(this.bytes, 6) & FLAG_DONT_FRAGMENT) !== 0;
  }

  set dontFragment(on: boolean) {
    this.setFlag(FLAG_DONT_FRAGMENT, on);
  }

  get moreFragments(): boolean {
    return (readUint16(this.bytes, 6) & FLAG_MORE_FRAGMENTS) !== 0;
  }

  set moreFragments(on: boolean) {
    this.setFlag(FLAG_MORE_FRAGMENTS, on);
  }

  /** In bytes (the field counts 8-byte units), as the reassembly takes it. */
  get fragmentOffset(): number {
    return (readUint16(this.bytes, 6) & FRAGMENT_OFFSET_MASK) * 8;
  }

  /** In bytes, a multiple of 8. */
  set fragmentOffset(value: number) {
    writeUint16(this.bytes, 6, (readUint16(this.bytes, 6) & ~FRAGMENT_OFFSET_MASK) | ((value >>> 3) & FRAGMENT_OFFSET_MASK));
  }

  /** A fragment rather than a whole datagram: MF set or a non-zero offset. */
  get isFragment(): boolean {
    return (readUint16(this.bytes, 6) & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) !== 0;
  }

  get ttl(): number {
    return this.bytes[8];
  }

  set ttl(value: number) {
    this.bytes[8] = value;
  }

  /** `IpProtocol.Tcp`, `Udp`, `Icmp`, … */
  get protocol(): number {
    return this.bytes[9];
  }

  set protocol(value: number) {
    this.bytes[9] = value;
  }

  get headerChecksum(): number {
    return readUint16(this.bytes, 10);
  }

  set headerChecksum(value: number) {
    writeUint16(this.bytes, 10, value);
  }

  get source(): number {
    return readUint32(this.bytes, 12);
  }

  set source(value: number) {
    writeUint32(this.bytes, 12, value);
  }

  get destination(): number {
    return readUint32(this.bytes, 16);
  }

  set destination(value: number) {
    writeUint32(this.bytes, 16, value);
  }

  /** Bytes of options after the fixed 20-byte header. */
  get optionsLength(): number {
    return this.headerLength - IPV4_MIN_HEADER_LENGTH;
  }

  get options(): Uint8Array {
    return this.bytes.subarray(IPV4_MIN_HEADER_LENGTH, this.headerLength);
  }

  /** Bytes of payload: the total length less the header. */
  get payloadLength(): number {
    return this.totalLength - this.headerLength;
  }

  /** The payload up to the total length, without any link-layer padding after it. */
  get payload(): Uint8Array {
    const bytes = this.bytes;
    return bytes.subarray((bytes[0] & 0x0f) * 4, (bytes[2] << 8) | bytes[3]);
  }

  /** Whether the header checksum is right. */
  verifyChecksum(): boolean {
    return onesComplementSum(this.bytes, 0, (this.bytes[0] & 0x0f) * 4) === 0xffff;
  }

  /** Compute and store the header checksum (after the last change to the header). */
  fillChecksum(): void {
    writeUint16(this.bytes, 10, 0);
    writeUint16(this.bytes, 10, finishChecksum(onesComplementSum(this.bytes, 0, this.headerLength)));
  }

  private setFlag(mask: number, on: boolean): void {
    const word = readUint16(this.bytes, 6);
    writeUint16(this.bytes, 6, on ? word | mask : word & ~mask);
  }

  /**
   * Write a 20-byte header (no options) with its checksum at the start of
   * `bytes`; returns its length. The payload goes after it.
   */
  static emit(bytes: Uint8Array, header: Ipv4Header): number {
    bytes[0] = 0x45;
    bytes[1] = ((header.dscp ?? 0) << 2) | ((header.ecn ?? 0) & 0x03);
    writeUint16(bytes, 2, IPV4_MIN_HEADER_LENGTH + header.payloadLength);
    writeUint16(bytes, 4, header.identification ?? 0);
    const flags = ((header.dontFragment ?? true) ? FLAG_DONT_FRAGMENT : 0) | (header.moreFragments ? FLAG_MORE_FRAGMENTS : 0);
    writeUint16(bytes, 6, flags | (((header.fragmentOffset ?? 0) >>> 3) & FRAGMENT_OFFSET_MASK));
    bytes[8] = header.ttl ?? 64;
    bytes[9] = header.protocol;
    writeUint16(bytes, 10, 0);
    writeUint32(bytes, 12, header.source);
    writeUint32(bytes, 16, header.destination);
    writeUint16(bytes, 10, finishChecksum(onesComplementSum(bytes, 0, IPV4_MIN_HEADER_LENGTH)));
    return IPV4_MIN_HEADER_LENGTH;
  }
}
