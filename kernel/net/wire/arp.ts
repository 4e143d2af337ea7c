/** ARP (RFC 826) for IPv4 over Ethernet, the only pairing the network unit needs. */
import { copyMac, macEquals, MAC_LENGTH } from "./address.ts";
import { readUint16, readUint32, WireView, writeUint16, writeUint32 } from "./bytes.ts";
import { EtherType } from "./ethernet.ts";

/** ARP operations. */
export const ArpOperation = {
  Request: 1,
  Reply: 2,
} as const;

/** The hardware type of Ethernet. */
export const ARP_HARDWARE_ETHERNET = 1;

/** An Ethernet/IPv4 ARP packet; frames are padded beyond it to 46 bytes. */
export const ARP_PACKET_LENGTH = 28;

const SENDER_MAC = 8;
const SENDER_IP = 14;
const TARGET_MAC = 18;
const TARGET_IP = 24;

/** A zero-copy view of an Ethernet/IPv4 ARP packet. */
export class ArpPacket extends WireView {
  /** Why the packet cannot be used (too short, not Ethernet/IPv4, unknown operation), or undefined. */
  check(): string | undefined {
    if (this.bytes.length < ARP_PACKET_LENGTH) return `an ARP packet needs ${ARP_PACKET_LENGTH} bytes, got ${this.bytes.length}`;
    if (this.hardwareType !== ARP_HARDWARE_ETHERNET) return `ARP hardware type ${this.hardwareType} is not Ethernet`;
    if (this.protocolType !== EtherType.Ipv4) return `ARP protocol type 0x${this.protocolType.toString(16)} is not IPv4`;
    if (this.hardwareLength !== MAC_LENGTH) return `ARP hardware address length ${this.hardwareLength} is not 6`;
    if (this.protocolLength !== 4) return `ARP protocol address length ${this.protocolLength} is not 4`;
    if (this.operation !== ArpOperation.Request && this.operation !== ArpOperation.Reply) return `ARP operation ${this.operation} is neither request nor reply`;
    return undefined;
  }

  get hardwareType(): number {
    return readUint16(this.bytes, 0);
  }

  set hardwareType(value: number) {
    writeUint16(this.bytes, 0, value);
  }

  get protocolType(): number {
    return readUint16(this.bytes, 2);
  }

  set protocolType(value: number) {
    writeUint16(this.bytes, 2, value);
  }

  get hardwareLength(): number {
    return this.bytes[4];
  }

  set hardwareLength(value: number) {
    this.bytes[4] = value;
  }

  get protocolLength(): number {
    return this.bytes[5];
  }

  set protocolLength(value: number) {
    this.bytes[5] = value;
  }

  /** `ArpOperation.Request` or `Reply`. */
  get operation(): number {
    return readUint16(this.bytes, 6);
  }

  set operation(value: number) {
    writeUint16(this.bytes, 6, value);
  }

  copySenderHardwareAddress(out: Uint8Array, offset = 0): void {
    copyMac(this.bytes, SENDER_MAC, out, offset);
  }

  setSenderHardwareAddress(mac: Uint8Array, offset = 0): void {
    copyMac(mac, offset, this.bytes, SENDER_MAC);
  }

  senderHardwareAddressEquals(mac: Uint8Array, offset = 0): boolean {
    return macEquals(this.bytes, SENDER_MAC, mac, offset);
  }

  get senderProtocolAddress(): number {
    return readUint32(this.bytes, SENDER_IP);
  }

  set senderProtocolAddress(value: number) {
    writeUint32(this.bytes, SENDER_IP, value);
  }

  copyTargetHardwareAddress(out: Uint8Array, offset = 0): void {
    copyMac(this.bytes, TARGET_MAC, out, offset);
  }

  setTargetHardwareAddress(mac: Uint8Array, offset = 0): void {
    copyMac(mac, offset, this.bytes, TARGET_MAC);
  }

  targetHardwareAddressEquals(mac: Uint8Array, offset = 0): boolean {
    return macEquals(this.bytes, TARGET_MAC, mac, offset);
  }

  get targetProtocolAddress(): number {
    return readUint32(this.bytes, TARGET_IP);
  }

  set targetProtocolAddress(value: number) {
    writeUint32(this.bytes, TARGET_IP, value);
  }

  /**
   * Write an Ethernet/IPv4 ARP packet at the start of `bytes`; returns its
   * length. A request's target hardware address is ignored by receivers;
   * RFC 5227 asks for zeros there.
   */
  static emit(bytes: Uint8Array, operation: number, senderMac: Uint8Array, senderIp: number, targetMac: Uint8Array, targetIp: number): number {
    writeUint16(bytes, 0, ARP_HARDWARE_ETHERNET);
    writeUint16(bytes, 2, EtherType.Ipv4);
    bytes[4] = MAC_LENGTH;
    bytes[5] = 4;
    writeUint16(bytes, 6, operation);
    copyMac(senderMac, 0, bytes, SENDER_MAC);
    writeUint32(bytes, SENDER_IP, senderIp);
    copyMac(targetMac, 0, bytes, TARGET_MAC);
    writeUint32(bytes, TARGET_IP, targetIp);
    return ARP_PACKET_LENGTH;
  }
}
