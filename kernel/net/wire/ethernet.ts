/** Ethernet II frames (IEEE 802.3 with an EtherType), as virtio-net hands them over: no preamble, no FCS. */
import { copyMac, macEquals, MAC_LENGTH } from "./address.ts";
import { readUint16, WireView, writeUint16 } from "./bytes.ts";

/** EtherType values the network unit speaks (and one it recognises to ignore). */
export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Ipv6: 0x86dd,
} as const;

/** Destination, source, EtherType. */
export const ETHERNET_HEADER_LENGTH = 14;

/** A zero-copy view of an Ethernet frame. */
export class EthernetFrame extends WireView {
  /** Why the frame cannot be read, or undefined when it can. */
  check(): string | undefined {
    if (this.bytes.length < ETHERNET_HEADER_LENGTH) return `an Ethernet frame needs ${ETHERNET_HEADER_LENGTH} bytes of header, got ${this.bytes.length}`;
    return undefined;
  }

  get headerLength(): number {
    return ETHERNET_HEADER_LENGTH;
  }

  /** Copy the destination address into `out` at `offset`. */
  copyDestination(out: Uint8Array, offset = 0): void {
    copyMac(this.bytes, 0, out, offset);
  }

  setDestination(mac: Uint8Array, offset = 0): void {
    copyMac(mac, offset, this.bytes, 0);
  }

  destinationEquals(mac: Uint8Array, offset = 0): boolean {
    return macEquals(this.bytes, 0, mac, offset);
  }

  /** Sent to every station: ff:ff:ff:ff:ff:ff. */
  get isBroadcast(): boolean {
    const b = this.bytes;
    return (b[0] & b[1] & b[2] & b[3] & b[4] & b[5]) === 0xff;
  }

  /** The group bit: broadcast and multicast destinations. */
  get isMulticast(): boolean {
    return (this.bytes[0] & 1) === 1;
  }

  /** Copy the source address into `out` at `offset`. */
  copySource(out: Uint8Array, offset = 0): void {
    copyMac(this.bytes, MAC_LENGTH, out, offset);
  }

  setSource(mac: Uint8Array, offset = 0): void {
    copyMac(mac, offset, this.bytes, MAC_LENGTH);
  }

  sourceEquals(mac: Uint8Array, offset = 0): boolean {
    return macEquals(this.bytes, MAC_LENGTH, mac, offset);
  }

  get etherType(): number {
    return readUint16(this.bytes, 12);
  }

  set etherType(value: number) {
    writeUint16(this.bytes, 12, value);
  }

  /** The bytes after the header, padding included (the IP layer trims it by its total length). */
  get payload(): Uint8Array {
    return this.bytes.subarray(ETHERNET_HEADER_LENGTH);
  }

  /** Write a header at the start of `bytes`; returns its length. */
  static emit(bytes: Uint8Array, destination: Uint8Array, source: Uint8Array, etherType: number): number {
    copyMac(destination, 0, bytes, 0);
    copyMac(source, 0, bytes, MAC_LENGTH);
    writeUint16(bytes, 12, etherType);
    return ETHERNET_HEADER_LENGTH;
  }
}
