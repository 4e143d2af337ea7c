import { test } from "node:test";
import assert from "node:assert/strict";
import { BROADCAST_MAC } from "../../../kernel/net/wire/address.ts";
import { EtherType, EthernetFrame, ETHERNET_HEADER_LENGTH } from "../../../kernel/net/wire/ethernet.ts";
import { ARP_REQUEST, HOST_A_MAC, HOST_B_MAC, TCP_SYN } from "./packets.ts";

test("a captured frame's addresses and EtherType are read in place", () => {
  const frame = new EthernetFrame(TCP_SYN);
  assert.equal(frame.check(), undefined);
  assert.ok(frame.destinationEquals(HOST_B_MAC));
  assert.ok(frame.sourceEquals(HOST_A_MAC));
  assert.ok(!frame.sourceEquals(HOST_B_MAC));
  assert.equal(frame.etherType, EtherType.Ipv4);
  assert.equal(frame.headerLength, 14);
  assert.ok(!frame.isBroadcast && !frame.isMulticast);
  assert.equal(frame.payload.length, TCP_SYN.length - 14);
  assert.equal(frame.payload.byteOffset, TCP_SYN.byteOffset + 14, "the payload is a view, not a copy");
  const mac = new Uint8Array(8);
  frame.copySource(mac, 2);
  assert.deepEqual(mac.subarray(2), HOST_A_MAC);
  frame.copyDestination(mac);
  assert.deepEqual(mac.subarray(0, 6), HOST_B_MAC);
});

test("a broadcast ARP request is broadcast and multicast", () => {
  const frame = new EthernetFrame().wrap(ARP_REQUEST);
  assert.equal(frame.etherType, EtherType.Arp);
  assert.ok(frame.isBroadcast && frame.isMulticast);
  assert.ok(frame.destinationEquals(BROADCAST_MAC));
});

test("emit writes the header a captured frame has, and setters change it", () => {
  const bytes = new Uint8Array(TCP_SYN.length);
  assert.equal(EthernetFrame.emit(bytes, HOST_B_MAC, HOST_A_MAC, EtherType.Ipv4), ETHERNET_HEADER_LENGTH);
  assert.deepEqual(bytes.subarray(0, 14), TCP_SYN.subarray(0, 14));
  const frame = new EthernetFrame(bytes);
  frame.setDestination(BROADCAST_MAC);
  frame.setSource(Uint8Array.of(0, 0, 2, 0, 0, 0, 0, 1), 2);
  frame.etherType = EtherType.Arp;
  assert.deepEqual(bytes.subarray(0, 14), Uint8Array.of(255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 1, 8, 6));
});

test("frames shorter than a header are reported at every length", () => {
  const frame = new EthernetFrame();
  for (let length = 0; length < 14; length++) {
    assert.match(frame.wrap(TCP_SYN.subarray(0, length)).check() ?? "", /needs 14 bytes of header, got \d+/);
  }
  assert.equal(frame.wrap(TCP_SYN.subarray(0, 14)).check(), undefined);
  assert.equal(frame.payload.length, 0);
});
