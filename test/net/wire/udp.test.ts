import { test } from "node:test";
import assert from "node:assert/strict";
import { UdpDatagram, UDP_HEADER_LENGTH } from "../../../kernel/net/wire/udp.ts";
import { HOST_A_IP, HOST_B_IP, UDP_DATAGRAM } from "./packets.ts";

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

test("a captured datagram: 5300 → 53, 9 bytes, a correct checksum", () => {
  const udp = new UdpDatagram(UDP_DATAGRAM.subarray(34));
  assert.equal(udp.check(), undefined);
  assert.equal(udp.sourcePort, 5300);
  assert.equal(udp.destinationPort, 53);
  assert.equal(udp.length, 17);
  assert.equal(udp.checksum, 0x1ad8);
  assert.equal(udp.headerLength, 8);
  assert.equal(udp.payloadLength, 9);
  assert.equal(text(udp.payload), "toro dns?");
  assert.ok(udp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  assert.ok(!udp.verifyChecksum(HOST_B_IP, HOST_A_IP + 1), "the pseudo-header counts");
});

test("a checksum of 0 means none and always verifies", () => {
  const bytes = Uint8Array.from(UDP_DATAGRAM.subarray(34));
  const udp = new UdpDatagram(bytes);
  bytes[10] ^= 0xff;
  assert.ok(!udp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  udp.checksum = 0;
  assert.ok(udp.verifyChecksum(HOST_A_IP, HOST_B_IP));
});

test("emit and fillChecksum rebuild the captured datagram", () => {
  const bytes = new Uint8Array(17);
  bytes.set(Array.from("toro dns?", (c) => c.charCodeAt(0)), 8);
  assert.equal(UdpDatagram.emit(bytes, 5300, 53, 9), UDP_HEADER_LENGTH);
  new UdpDatagram(bytes).fillChecksum(HOST_A_IP, HOST_B_IP);
  assert.deepEqual(bytes, UDP_DATAGRAM.subarray(34));
});

test("a computed checksum of 0 is sent as ffff", () => {
  // Pick the payload word that makes the sum come out at ffff, so the checksum would be 0.
  const bytes = new Uint8Array(10);
  UdpDatagram.emit(bytes, 1, 2, 2);
  const udp = new UdpDatagram(bytes);
  udp.fillChecksum(HOST_A_IP, HOST_B_IP);
  const payloadWord = udp.checksum;
  bytes[8] = payloadWord >> 8;
  bytes[9] = payloadWord & 0xff;
  udp.fillChecksum(HOST_A_IP, HOST_B_IP);
  assert.equal(udp.checksum, 0xffff);
  assert.ok(udp.verifyChecksum(HOST_A_IP, HOST_B_IP));
});

test("setters round-trip", () => {
  const udp = new UdpDatagram(new Uint8Array(8));
  udp.sourcePort = 65535;
  udp.destinationPort = 1;
  udp.length = 8;
  udp.checksum = 0xabcd;
  assert.deepEqual([udp.sourcePort, udp.destinationPort, udp.length, udp.checksum, udp.payloadLength], [65535, 1, 8, 0xabcd, 0]);
});

test("truncated datagrams and lying lengths are reported", () => {
  const udp = new UdpDatagram();
  const datagram = UDP_DATAGRAM.subarray(34);
  for (let length = 0; length < datagram.length; length++) {
    const reason = udp.wrap(datagram.subarray(0, length)).check();
    assert.equal(reason, length < 8 ? `a UDP header needs 8 bytes, got ${length}` : `UDP length 17 is more than the ${length} bytes that arrived`);
    void [udp.payload, udp.verifyChecksum(HOST_A_IP, HOST_B_IP)];
  }
  const bytes = Uint8Array.from(datagram);
  udp.wrap(bytes).length = 7;
  assert.equal(udp.check(), "UDP length 7 is shorter than its header");
  udp.length = 12;
  assert.equal(udp.check(), undefined);
  assert.equal(text(udp.payload), "toro");
});
