import { test } from "node:test";
import assert from "node:assert/strict";
import type { NetHost } from "../../kernel/net/host.ts";
import { Ipv4Interface } from "../../kernel/net/ipv4-interface.ts";
import { IcmpMessage, IcmpType } from "../../kernel/net/wire/icmp.ts";
import { IpProtocol, Ipv4Packet } from "../../kernel/net/wire/ipv4.ts";
import { EthernetFrame } from "../../kernel/net/wire/ethernet.ts";
import { ArpOperation, ArpPacket } from "../../kernel/net/wire/arp.ts";
import { cable, settle, SimulatedNic } from "../sim/link.ts";

const A = 0x0a000001, B = 0x0a000002, FAR = 0x08080808;

function host(): NetHost {
  let seed = 3;
  return {
    nowMs: () => 0,
    setTimer: () => undefined,
    clearTimer: () => {},
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    log: () => {},
  };
}

function pair() {
  const nicA = new SimulatedNic("a", Uint8Array.of(2, 0, 0, 0, 0, 1));
  const nicB = new SimulatedNic("b", Uint8Array.of(2, 0, 0, 0, 0, 2));
  cable(nicA, nicB);
  const a = new Ipv4Interface(nicA, host());
  const b = new Ipv4Interface(nicB, host());
  a.configure({ address: A, prefixLength: 24, gateway: B, dnsServers: [] });
  b.configure({ address: B, prefixLength: 24, gateway: undefined, dnsServers: [] });
  return { a, b, nicA, nicB };
}

test("UDP between two interfaces: ARP resolves first, then the datagram arrives with its source", async () => {
  const { a, b, nicA } = pair();
  const got: [string, number, number][] = [];
  b.bindUdp(7, (payload, source, sourcePort) => got.push([String.fromCharCode(...payload), source, sourcePort]));
  a.sendUdp(5555, B, 7, Uint8Array.from("hi", (c) => c.charCodeAt(0)));
  await settle();
  assert.deepEqual(got, [["hi", A, 5555]]);
  assert.equal(new EthernetFrame(nicA.sent[0]).etherType, 0x0806, "an ARP request went first");
  a.sendUdp(5555, B, 7, new Uint8Array(1));
  await settle();
  assert.equal(nicA.sent.filter((f) => new EthernetFrame(f).etherType === 0x0806).length, 1, "the address was cached");
});

test("packets from the header template carry their own length, identification, checksum and neighbour", async () => {
  const { a, b, nicA } = pair();
  const got: string[] = [];
  b.bindUdp(7, (payload) => got.push(String.fromCharCode(...payload)));
  b.bindUdp(8, (payload) => got.push(`8:${String.fromCharCode(...payload)}`));
  for (const [port, text] of [[7, "one"], [7, "second"], [8, "x"], [0, "another protocol"], [7, "fifth packet"]] as const) {
    // Port 0 here: a packet of an unassigned protocol to the same neighbour, between the UDP ones.
    if (port === 0) a.sendIpv4(B, 253, 4, (payload) => payload.set([1, 2, 3, 4]));
    else a.sendUdp(5555, B, port, Uint8Array.from(text, (c) => c.charCodeAt(0)));
    await settle();
  }
  assert.deepEqual(got, ["one", "second", "8:x", "fifth packet"]);
  const ip = nicA.sent.filter((f) => new EthernetFrame(f).etherType === 0x0800).map((f) => new Ipv4Packet(new EthernetFrame(f).payload));
  assert.ok(ip.every((p) => p.check() === undefined && p.verifyChecksum()));
  assert.deepEqual(ip.map((p) => p.totalLength), [31, 34, 29, 24, 40]);
  assert.deepEqual(ip.map((p) => p.protocol), [17, 17, 17, 253, 17]);
  assert.equal(new Set(ip.map((p) => p.identification)).size, 5);
  // The neighbour's card changes: ARP learns it (a gratuitous reply), and the next packet goes to the new address.
  const newMac = Uint8Array.of(2, 0, 0, 0, 0, 0x22);
  const reply = new Uint8Array(42);
  EthernetFrame.emit(reply, nicA.mac, newMac, 0x0806);
  ArpPacket.emit(reply.subarray(14), ArpOperation.Reply, newMac, B, nicA.mac, A);
  nicA.deliver([reply]);
  a.sendUdp(5555, B, 7, Uint8Array.of(0x41));
  await settle();
  const last = nicA.sent[nicA.sent.length - 1];
  assert.deepEqual(last.subarray(0, 6), newMac);
  assert.ok(new Ipv4Packet(new EthernetFrame(last).payload).verifyChecksum());
});

test("a datagram larger than the MTU goes in fragments and comes back whole", async () => {
  const { a, b, nicA } = pair();
  const data = Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff);
  let got: Uint8Array | undefined;
  b.bindUdp(9, (payload) => (got = Uint8Array.from(payload)));
  a.sendUdp(1, B, 9, data);
  await settle();
  assert.deepEqual(got, data);
  const ipFrames = nicA.sent.filter((f) => new EthernetFrame(f).etherType === 0x0800);
  assert.equal(ipFrames.length, 3);
  assert.ok(ipFrames.every((f) => f.length <= 1514));
});

test("an echo request to our address is answered with the same data", async () => {
  const { a } = pair();
  let reply: { id: number; seq: number; data: number[] } | undefined;
  a.bindProtocol(IpProtocol.Icmp, () => {}); // ICMP is the interface's own; this binding must not steal it
  const sniff = new Ipv4Packet();
  const nicA = a.nic as SimulatedNic;
  const original = nicA.deliver.bind(nicA);
  nicA.deliver = (frames) => {
    for (const f of frames) {
      const ip = sniff.wrap(new EthernetFrame(f).payload);
      if (new EthernetFrame(f).etherType === 0x0800 && ip.protocol === IpProtocol.Icmp) {
        const icmp = new IcmpMessage(ip.payload);
        if (icmp.type === IcmpType.EchoReply) reply = { id: icmp.identifier, seq: icmp.sequenceNumber, data: [...icmp.payload] };
      }
    }
    original(frames);
  };
  a.sendIpv4(B, IpProtocol.Icmp, 12, (p) => {
    IcmpMessage.emitEcho(p, IcmpType.EchoRequest, 0x1234, 7, 4);
    p.set([1, 2, 3, 4], 8);
    new IcmpMessage(p).fillChecksum();
  });
  await settle();
  assert.deepEqual(reply, { id: 0x1234, seq: 7, data: [1, 2, 3, 4] });
});

test("a datagram to a closed port draws an ICMP port unreachable", async () => {
  const { a, nicB } = pair();
  a.sendUdp(1000, B, 4444, new Uint8Array(3));
  await settle();
  const errors = nicB.sent.map((f) => new EthernetFrame(f)).filter((e) => e.etherType === 0x0800)
    .map((e) => new Ipv4Packet(e.payload)).filter((ip) => ip.protocol === IpProtocol.Icmp).map((ip) => new IcmpMessage(ip.payload));
  assert.equal(errors.length, 1);
  assert.equal(errors[0].type, IcmpType.DestinationUnreachable);
  assert.equal(errors[0].code, 3);
});

test("packets beyond the subnet go to the gateway's address; without a gateway they are dropped", async () => {
  const { a, b, nicA } = pair();
  let got = 0;
  b.bindUdp(53, () => got++);
  b.configure({ address: B, prefixLength: 24, gateway: undefined, dnsServers: [] });
  // b is a's gateway, so a frame for FAR reaches b's card (addressed to b's MAC) though not b's IP.
  a.sendUdp(1, FAR, 53, new Uint8Array(1));
  await settle();
  const toFar = nicA.sent.map((f) => new EthernetFrame(f)).filter((e) => e.etherType === 0x0800).map((e) => new Ipv4Packet(e.payload));
  assert.equal(toFar[0].destination, FAR);
  assert.equal(got, 0, "b is not FAR, so it does not take the datagram");
  const before = b.counters.dropped;
  b.sendUdp(1, FAR, 53, new Uint8Array(1));
  assert.equal(b.counters.dropped, before + 1);
});

test("random bytes, truncated frames and bad checksums are dropped, never thrown", async () => {
  const { a, b, nicA } = pair();
  b.bindUdp(7, () => {});
  a.sendUdp(5555, B, 7, new Uint8Array(100));
  await settle();
  const good = nicA.sent[nicA.sent.length - 1];
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const frames: Uint8Array[] = [];
  for (let cut = 0; cut < good.length; cut++) frames.push(good.subarray(0, cut));
  for (let i = 0; i < 2000; i++) {
    const f = Uint8Array.from(good);
    for (let k = 0; k < 1 + Math.floor(random() * 4); k++) f[Math.floor(random() * f.length)] = Math.floor(random() * 256);
    frames.push(f);
    frames.push(Uint8Array.from({ length: Math.floor(random() * 1600) }, () => Math.floor(random() * 256)));
  }
  for (const f of frames) b.receiveFrame(f);
  assert.ok(b.counters.dropped > 0);
  // And it still works afterwards.
  let got = 0;
  b.unbindUdp(7);
  b.bindUdp(7, () => got++);
  a.sendUdp(5555, B, 7, new Uint8Array(1));
  await settle();
  assert.equal(got, 1);
});

test("packets from addresses that are not one host get no answer: no echo reply, no ICMP error, no delivery", async () => {
  const { b, nicB } = pair();
  let delivered = 0;
  b.bindUdp(7, () => delivered++);
  const from = (source: number, protocol: number, payload: Uint8Array) => {
    const frame = new Uint8Array(14 + 20 + payload.length);
    EthernetFrame.emit(frame, nicB.mac, Uint8Array.of(2, 0, 0, 0, 0, 9), 0x0800);
    Ipv4Packet.emit(frame.subarray(14), { source, destination: B, protocol, payloadLength: payload.length });
    frame.set(payload, 34);
    return frame;
  };
  const echo = new Uint8Array(12);
  IcmpMessage.emitEcho(echo, IcmpType.EchoRequest, 1, 1, 4);
  const udp = (port: number) => Uint8Array.of(0x9c, 0x40, 0, port, 0, 9, 0, 0, 0x55); // no checksum
  const sent = nicB.sent.length;
  for (const source of [0, 0xffffffff, 0x0a0000ff, 0xe0000001, 0x7f000001, 0xf0000001]) {
    b.receiveFrame(from(source, IpProtocol.Icmp, echo));
    b.receiveFrame(from(source, IpProtocol.Udp, udp(7)));
    b.receiveFrame(from(source, IpProtocol.Udp, udp(9)));
  }
  await settle();
  assert.equal(nicB.sent.length, sent, "nothing was sent in answer");
  assert.equal(delivered, 0);
  // From one host, the same packets are answered.
  b.receiveFrame(from(A, IpProtocol.Icmp, echo));
  b.receiveFrame(from(A, IpProtocol.Udp, udp(7)));
  await settle();
  assert.equal(delivered, 1);
  assert.ok(nicB.sent.length > sent);
});
