import { test } from "node:test";
import assert from "node:assert/strict";
import { IcmpMessage, IcmpType, IcmpUnreachableCode, ICMP_HEADER_LENGTH } from "../../../kernel/net/wire/icmp.ts";
import { IpProtocol, Ipv4Packet } from "../../../kernel/net/wire/ipv4.ts";
import { UdpDatagram } from "../../../kernel/net/wire/udp.ts";
import { HOST_A_IP, HOST_B_IP, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_PORT_UNREACHABLE, UDP_DATAGRAM } from "./packets.ts";

test("a captured echo request and its reply: id 1252, seq 1, 56 bytes of data", () => {
  const request = new IcmpMessage(ICMP_ECHO_REQUEST.subarray(34));
  assert.equal(request.check(), undefined);
  assert.ok(request.verifyChecksum());
  assert.equal(request.type, IcmpType.EchoRequest);
  assert.equal(request.code, 0);
  assert.equal(request.checksum, 0xf64e);
  assert.equal(request.identifier, 1252);
  assert.equal(request.sequenceNumber, 1);
  assert.equal(request.headerLength, 8);
  assert.equal(request.payload.length, 56);
  const reply = new IcmpMessage(ICMP_ECHO_REPLY.subarray(34));
  assert.equal(reply.check(), undefined);
  assert.ok(reply.verifyChecksum());
  assert.equal(reply.type, IcmpType.EchoReply);
  assert.deepEqual([reply.identifier, reply.sequenceNumber], [1252, 1]);
  assert.deepEqual(reply.payload, request.payload);
});

test("emitEcho turns the captured request into the captured reply", () => {
  const bytes = Uint8Array.from(ICMP_ECHO_REQUEST.subarray(34));
  const request = new IcmpMessage(bytes);
  assert.equal(IcmpMessage.emitEcho(bytes, IcmpType.EchoReply, request.identifier, request.sequenceNumber, request.payload.length), 64);
  assert.deepEqual(bytes, ICMP_ECHO_REPLY.subarray(34));
});

test("a captured port unreachable quotes the UDP datagram it answers", () => {
  const icmp = new IcmpMessage(ICMP_PORT_UNREACHABLE.subarray(34));
  assert.equal(icmp.check(), undefined);
  assert.ok(icmp.verifyChecksum());
  assert.equal(icmp.type, IcmpType.DestinationUnreachable);
  assert.equal(icmp.code, IcmpUnreachableCode.Port);
  assert.equal(icmp.restOfHeader, 0);
  const quoted = new Ipv4Packet(icmp.payload);
  assert.equal(quoted.check(), undefined);
  assert.deepEqual([quoted.source, quoted.destination, quoted.protocol, quoted.identification], [HOST_A_IP, HOST_B_IP, IpProtocol.Udp, 10829]);
  const udp = new UdpDatagram(quoted.payload);
  assert.deepEqual([udp.sourcePort, udp.destinationPort], [5300, 53]);
});

test("emitDestinationUnreachable builds the captured message byte for byte", () => {
  const bytes = new Uint8Array(100);
  const length = IcmpMessage.emitDestinationUnreachable(bytes, IcmpUnreachableCode.Port, UDP_DATAGRAM.subarray(14));
  assert.equal(length, 45);
  assert.deepEqual(bytes.subarray(0, length), ICMP_PORT_UNREACHABLE.subarray(34));
});

test("an unreachable quotes no more than fits the buffer, and no more than 548 bytes", () => {
  const invoking = new Uint8Array(1500).fill(7);
  const small = new Uint8Array(8 + 28);
  assert.equal(IcmpMessage.emitDestinationUnreachable(small, IcmpUnreachableCode.FragmentationNeeded, invoking, 1400), 36);
  const message = new IcmpMessage(small);
  assert.ok(message.verifyChecksum());
  assert.equal(message.nextHopMtu, 1400);
  assert.equal(IcmpMessage.emitDestinationUnreachable(new Uint8Array(2000), IcmpUnreachableCode.Host, invoking), 8 + 548);
});

test("setters round-trip and fillChecksum covers the whole message", () => {
  const bytes = new Uint8Array(12);
  const icmp = new IcmpMessage(bytes);
  icmp.type = IcmpType.EchoRequest;
  icmp.code = 0;
  icmp.identifier = 0xabcd;
  icmp.sequenceNumber = 0xffff;
  bytes.set([1, 2, 3], 8);
  icmp.fillChecksum();
  assert.ok(icmp.verifyChecksum());
  assert.deepEqual([icmp.type, icmp.code, icmp.identifier, icmp.sequenceNumber, icmp.restOfHeader], [8, 0, 0xabcd, 0xffff, 0xabcdffff]);
  icmp.restOfHeader = 0x01020304;
  icmp.nextHopMtu = 576;
  icmp.checksum = 1;
  assert.deepEqual([icmp.identifier, icmp.nextHopMtu, icmp.checksum], [0x0102, 576, 1]);
  assert.ok(!icmp.verifyChecksum());
});

test("truncated messages are reported at every length, errors that quote too little too", () => {
  const icmp = new IcmpMessage();
  const echo = ICMP_ECHO_REQUEST.subarray(34);
  for (let length = 0; length < ICMP_HEADER_LENGTH; length++) {
    assert.equal(icmp.wrap(echo.subarray(0, length)).check(), `an ICMP message needs 8 bytes, got ${length}`);
    void [icmp.identifier, icmp.payload, icmp.verifyChecksum()];
  }
  assert.equal(icmp.wrap(echo.subarray(0, 8)).check(), undefined);
  const error = ICMP_PORT_UNREACHABLE.subarray(34);
  for (let length = 8; length < 36; length++) {
    assert.equal(icmp.wrap(error.subarray(0, length)).check(), `an ICMP error must quote an IP header and 8 bytes, got ${length - 8} bytes`);
  }
  assert.equal(icmp.wrap(error.subarray(0, 36)).check(), undefined);
});
