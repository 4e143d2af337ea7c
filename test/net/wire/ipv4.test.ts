import { test } from "node:test";
import assert from "node:assert/strict";
import { IpProtocol, Ipv4Packet, IPV4_MIN_HEADER_LENGTH } from "../../../kernel/net/wire/ipv4.ts";
import { ALL_FRAMES, HOST_A_IP, HOST_B_IP, ICMP_PORT_UNREACHABLE, IP_LAST_FRAGMENT, TCP_SYN, UDP_DATAGRAM } from "./packets.ts";

test("a captured TCP SYN's IP header: DF, TTL 64, id 47120, 60 bytes", () => {
  const ip = new Ipv4Packet(TCP_SYN.subarray(14));
  assert.equal(ip.check(), undefined);
  assert.ok(ip.verifyChecksum());
  assert.equal(ip.version, 4);
  assert.equal(ip.headerLength, 20);
  assert.equal(ip.optionsLength, 0);
  assert.equal(ip.options.length, 0);
  assert.equal(ip.dscp, 0);
  assert.equal(ip.ecn, 0);
  assert.equal(ip.totalLength, 60);
  assert.equal(ip.identification, 47120);
  assert.ok(ip.dontFragment);
  assert.ok(!ip.moreFragments);
  assert.equal(ip.fragmentOffset, 0);
  assert.ok(!ip.isFragment);
  assert.equal(ip.ttl, 64);
  assert.equal(ip.protocol, IpProtocol.Tcp);
  assert.equal(ip.headerChecksum, 0x6757);
  assert.equal(ip.source, HOST_A_IP);
  assert.equal(ip.destination, HOST_B_IP);
  assert.equal(ip.payloadLength, 40);
  assert.equal(ip.payload.length, 40);
});

test("a captured last fragment: offset 1480, MF clear, 528 bytes of payload", () => {
  const ip = new Ipv4Packet(IP_LAST_FRAGMENT.subarray(14));
  assert.equal(ip.check(), undefined);
  assert.ok(ip.verifyChecksum());
  assert.equal(ip.identification, 27362);
  assert.ok(!ip.dontFragment && !ip.moreFragments);
  assert.equal(ip.fragmentOffset, 1480);
  assert.ok(ip.isFragment);
  assert.equal(ip.protocol, IpProtocol.Icmp);
  assert.equal(ip.payload.length, 528);
  assert.equal(ip.payload[0], 0xc0);
});

test("a captured ICMP error has TOS 0xc0: DSCP 48 (network control), ECN 0", () => {
  const ip = new Ipv4Packet(ICMP_PORT_UNREACHABLE.subarray(14));
  assert.equal(ip.dscp, 48);
  assert.equal(ip.ecn, 0);
  assert.ok(ip.verifyChecksum());
});

test("every captured IPv4 header checks out and a flipped bit breaks its checksum", () => {
  const ip = new Ipv4Packet();
  for (const [name, frame] of Object.entries(ALL_FRAMES)) {
    if (frame[12] !== 0x08 || frame[13] !== 0x00) continue;
    const copy = Uint8Array.from(frame.subarray(14));
    assert.equal(ip.wrap(copy).check(), undefined, name);
    assert.ok(ip.verifyChecksum(), name);
    copy[8] ^= 0x10;
    assert.ok(!ip.verifyChecksum(), name);
    ip.fillChecksum();
    assert.ok(ip.verifyChecksum(), name);
  }
});

test("link-layer padding after the total length is not payload", () => {
  const padded = new Uint8Array(64);
  padded.set(UDP_DATAGRAM.subarray(14));
  const ip = new Ipv4Packet(padded);
  assert.equal(ip.check(), undefined);
  assert.deepEqual(ip.payload, UDP_DATAGRAM.subarray(34));
});

test("emit writes the header of a captured packet byte for byte", () => {
  const bytes = new Uint8Array(20);
  const length = Ipv4Packet.emit(bytes, { source: HOST_A_IP, destination: HOST_B_IP, protocol: IpProtocol.Tcp, payloadLength: 40, identification: 47120 });
  assert.equal(length, IPV4_MIN_HEADER_LENGTH);
  assert.deepEqual(bytes, TCP_SYN.subarray(14, 34));
  Ipv4Packet.emit(bytes, {
    source: HOST_A_IP, destination: HOST_B_IP, protocol: IpProtocol.Icmp, payloadLength: 528,
    identification: 27362, dontFragment: false, fragmentOffset: 1480,
  });
  assert.deepEqual(bytes, IP_LAST_FRAGMENT.subarray(14, 34));
});

test("setters round-trip every field, and fillChecksum makes the header valid", () => {
  const bytes = new Uint8Array(24 + 8);
  const ip = new Ipv4Packet(bytes);
  ip.version = 4;
  ip.headerLength = 24;
  ip.dscp = 46;
  ip.ecn = 3;
  ip.totalLength = 32;
  ip.identification = 0xbeef;
  ip.dontFragment = true;
  ip.moreFragments = true;
  ip.fragmentOffset = 8 * 0x1fff;
  ip.ttl = 255;
  ip.protocol = IpProtocol.Udp;
  ip.source = 0xffffffff;
  ip.destination = 0x7f000001;
  ip.fillChecksum();
  assert.equal(ip.check(), undefined);
  assert.ok(ip.verifyChecksum());
  assert.deepEqual(
    [ip.version, ip.headerLength, ip.optionsLength, ip.dscp, ip.ecn, ip.totalLength, ip.identification, ip.dontFragment, ip.moreFragments, ip.fragmentOffset, ip.ttl, ip.protocol, ip.source, ip.destination, ip.payloadLength],
    [4, 24, 4, 46, 3, 32, 0xbeef, true, true, 8 * 0x1fff, 255, IpProtocol.Udp, 0xffffffff, 0x7f000001, 8],
  );
  ip.dontFragment = false;
  ip.fragmentOffset = 16;
  assert.deepEqual([ip.dontFragment, ip.moreFragments, ip.fragmentOffset], [false, true, 16]);
  ip.moreFragments = false;
  ip.fragmentOffset = 0;
  assert.ok(!ip.isFragment);
  ip.headerChecksum = 0x1234;
  assert.equal(ip.headerChecksum, 0x1234);
});

test("truncated packets are reported at every length", () => {
  const ip = new Ipv4Packet();
  const packet = UDP_DATAGRAM.subarray(14);
  for (let length = 0; length < packet.length; length++) {
    const reason = ip.wrap(packet.subarray(0, length)).check();
    assert.ok(reason, `length ${length}`);
    assert.match(reason, length < 20 ? /needs at least 20 bytes, got/ : /total length 37 is more than the \d+ bytes that arrived/);
    // Reading the fields of a truncated view does not throw either.
    void [ip.totalLength, ip.source, ip.destination, ip.payload, ip.options, ip.verifyChecksum()];
  }
});

test("a bad version, IHL or total length is reported", () => {
  const ip = new Ipv4Packet();
  const packet = () => Uint8Array.from(UDP_DATAGRAM.subarray(14));
  const withByte = (index: number, value: number) => { const p = packet(); p[index] = value; return p; };
  assert.equal(ip.wrap(withByte(0, 0x65)).check(), "IP version 6 is not 4");
  assert.equal(ip.wrap(withByte(0, 0x44)).check(), "IPv4 header length 16 is below 20 bytes");
  assert.equal(ip.wrap(withByte(0, 0x40)).check(), "IPv4 header length 0 is below 20 bytes");
  assert.equal(ip.wrap(withByte(0, 0x4f)).check(), "the IPv4 header says 60 bytes, only 37 arrived");
  assert.equal(ip.wrap(withByte(3, 19)).check(), "IPv4 total length 19 is shorter than its header (20 bytes)");
  assert.equal(ip.wrap(withByte(3, 38)).check(), "IPv4 total length 38 is more than the 37 bytes that arrived");
  assert.equal(ip.wrap(withByte(2, 0xff)).check(), "IPv4 total length 65317 is more than the 37 bytes that arrived");
});

test("a header with options: options and payload are split by IHL", () => {
  // A router-alert option (RFC 2113), as IGMP packets carry.
  const bytes = new Uint8Array(24 + 4);
  Ipv4Packet.emit(bytes, { source: HOST_A_IP, destination: 0xe0000016, protocol: 2, payloadLength: 8, ttl: 1 });
  bytes.set([0x94, 0x04, 0x00, 0x00], 20);
  const ip = new Ipv4Packet(bytes);
  ip.headerLength = 24;
  ip.totalLength = 28;
  ip.fillChecksum();
  assert.equal(ip.check(), undefined);
  assert.ok(ip.verifyChecksum());
  assert.deepEqual(ip.options, Uint8Array.of(0x94, 4, 0, 0));
  assert.equal(ip.payload.length, 4);
});
