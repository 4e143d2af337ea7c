import { test } from "node:test";
import assert from "node:assert/strict";
import { ArpOperation, ArpPacket, ARP_PACKET_LENGTH } from "../../../kernel/net/wire/arp.ts";
import { EtherType } from "../../../kernel/net/wire/ethernet.ts";
import { ARP_REPLY, ARP_REQUEST, HOST_A_IP, HOST_A_MAC, HOST_B_IP, HOST_B_MAC } from "./packets.ts";

const ZERO_MAC = new Uint8Array(6);

test("a captured request: who has 192.168.77.2, tell 192.168.77.1", () => {
  const arp = new ArpPacket(ARP_REQUEST.subarray(14));
  assert.equal(arp.check(), undefined);
  assert.equal(arp.hardwareType, 1);
  assert.equal(arp.protocolType, EtherType.Ipv4);
  assert.equal(arp.hardwareLength, 6);
  assert.equal(arp.protocolLength, 4);
  assert.equal(arp.operation, ArpOperation.Request);
  assert.ok(arp.senderHardwareAddressEquals(HOST_A_MAC));
  assert.equal(arp.senderProtocolAddress, HOST_A_IP);
  assert.ok(arp.targetHardwareAddressEquals(ZERO_MAC));
  assert.equal(arp.targetProtocolAddress, HOST_B_IP);
});

test("a captured reply: 192.168.77.2 is at 82:4f:60:b1:f9:49", () => {
  const arp = new ArpPacket(ARP_REPLY.subarray(14));
  assert.equal(arp.check(), undefined);
  assert.equal(arp.operation, ArpOperation.Reply);
  const mac = new Uint8Array(6);
  arp.copySenderHardwareAddress(mac);
  assert.deepEqual(mac, HOST_B_MAC);
  assert.equal(arp.senderProtocolAddress, HOST_B_IP);
  arp.copyTargetHardwareAddress(mac);
  assert.deepEqual(mac, HOST_A_MAC);
  assert.equal(arp.targetProtocolAddress, HOST_A_IP);
});

test("emit builds the captured request and reply byte for byte", () => {
  const bytes = new Uint8Array(ARP_PACKET_LENGTH);
  assert.equal(ArpPacket.emit(bytes, ArpOperation.Request, HOST_A_MAC, HOST_A_IP, ZERO_MAC, HOST_B_IP), ARP_PACKET_LENGTH);
  assert.deepEqual(bytes, ARP_REQUEST.subarray(14));
  ArpPacket.emit(bytes, ArpOperation.Reply, HOST_B_MAC, HOST_B_IP, HOST_A_MAC, HOST_A_IP);
  assert.deepEqual(bytes, ARP_REPLY.subarray(14));
});

test("setters turn a request into its reply in place", () => {
  const bytes = Uint8Array.from(ARP_REQUEST.subarray(14));
  const arp = new ArpPacket(bytes);
  arp.operation = ArpOperation.Reply;
  arp.setTargetHardwareAddress(HOST_A_MAC);
  arp.targetProtocolAddress = arp.senderProtocolAddress;
  arp.setSenderHardwareAddress(HOST_B_MAC);
  arp.senderProtocolAddress = HOST_B_IP;
  assert.deepEqual(bytes, ARP_REPLY.subarray(14));
  arp.hardwareType = 6;
  arp.protocolType = 0x86dd;
  arp.hardwareLength = 8;
  arp.protocolLength = 16;
  assert.deepEqual([arp.hardwareType, arp.protocolType, arp.hardwareLength, arp.protocolLength], [6, 0x86dd, 8, 16]);
});

test("truncated and foreign ARP packets are reported, not thrown", () => {
  const arp = new ArpPacket();
  const packet = ARP_REQUEST.subarray(14);
  for (let length = 0; length < ARP_PACKET_LENGTH; length++) {
    assert.equal(arp.wrap(packet.subarray(0, length)).check(), `an ARP packet needs 28 bytes, got ${length}`);
  }
  const cases: [number, number, string][] = [
    [1, 6, "ARP hardware type 6 is not Ethernet"],
    [2, 0x86, "ARP protocol type 0x86dd is not IPv4"],
    [4, 8, "ARP hardware address length 8 is not 6"],
    [5, 16, "ARP protocol address length 16 is not 4"],
    [7, 3, "ARP operation 3 is neither request nor reply"],
  ];
  for (const [index, value, reason] of cases) {
    const bytes = Uint8Array.from(packet);
    bytes[index] = value;
    if (index === 2) bytes[3] = 0xdd;
    assert.equal(arp.wrap(bytes).check(), reason);
  }
});
