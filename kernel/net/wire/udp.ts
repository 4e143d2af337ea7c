/** UDP (RFC 768) over IPv4. */
import { readUint16, WireView, writeUint16 } from "./bytes.ts";
import { finishChecksum, onesComplementSum, pseudoHeaderSum } from "./checksum.ts";
import { IpProtocol } from "./ipv4.ts";

/** Ports, length, checksum. */
export const UDP_HEADER_LENGTH = 8;

/** A zero-copy view of a UDP datagram (the IP payload). */
export class UdpDatagram extends WireView {
  /** Why the datagram cannot be read (too short; a length field that lies), or undefined. */
  check(): string | undefined {
    const length = this.bytes.length;
    if (length < UDP_HEADER_LENGTH) return `a UDP header needs ${UDP_HEADER_LENGTH} bytes, got ${length}`;
    const claimed = this.length;
    if (claimed < UDP_HEADER_LENGTH) return `UDP length ${claimed} is shorter than its header`;
    if (claimed > length) return `UDP length ${claimed} is more than the ${length} bytes that arrived`;
    return undefined;
  }

  get headerLength(): number {
    return UDP_HEADER_LENGTH;
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

  /** Header and payload, in bytes. */
  get length(): number {
    return readUint16(this.bytes, 4);
  }

  set length(value: number) {
    writeUint16(this.bytes, 4, value);
  }

  /** 0 when the sender computed none. */
  get checksum(): number {
    return readUint16(this.bytes, 6);
  }

  set checksum(value: number) {
    writeUint16(this.bytes, 6, value);
  }

  get payloadLength(): number {
    return this.length - UDP_HEADER_LENGTH;
  }

  /** The payload up to the UDP length. */
  get payload(): Uint8Array {
    return this.bytes.subarray(UDP_HEADER_LENGTH, this.length);
  }

  /** Whether the checksum (with the pseudo-header of `source` → `destination`) is right, or absent (0). */
  verifyChecksum(source: number, destination: number): boolean {
    if (this.checksum === 0) return true;
    const length = this.length;
    return onesComplementSum(this.bytes, 0, length, pseudoHeaderSum(source, destination, IpProtocol.Udp, length)) === 0xffff;
  }

  /** Compute and store the checksum over the header (its length field set) and payload. */
  fillChecksum(source: number, destination: number): void {
    const length = this.length;
    writeUint16(this.bytes, 6, 0);
    const checksum = finishChecksum(onesComplementSum(this.bytes, 0, length, pseudoHeaderSum(source, destination, IpProtocol.Udp, length)));
    // A computed 0 is sent as its other one's complement form, 0xffff, since 0 means "no checksum" (RFC 768).
    writeUint16(this.bytes, 6, checksum === 0 ? 0xffff : checksum);
  }

  /**
   * Write a header at the start of `bytes`, checksum 0; returns its length.
   * Put the payload after it, then `wrap(bytes).fillChecksum(…)`.
   */
  static emit(bytes: Uint8Array, sourcePort: number, destinationPort: number, payloadLength: number): number {
    writeUint16(bytes, 0, sourcePort);
    writeUint16(bytes, 2, destinationPort);
    writeUint16(bytes, 4, UDP_HEADER_LENGTH + payloadLength);
    writeUint16(bytes, 6, 0);
    return UDP_HEADER_LENGTH;
  }
}
