import { test } from "node:test";
import assert from "node:assert/strict";
import type { Connection } from "../../../kernel/net/tcp/connection.ts";
import { settle, SimulatedNic } from "../../sim/link.ts";
import { TcpFlags, TcpOptions, TcpSegment } from "../../../kernel/net/wire/tcp.ts";
import { EthernetFrame } from "../../../kernel/net/wire/ethernet.ts";
import { IpProtocol, Ipv4Packet } from "../../../kernel/net/wire/ipv4.ts";
import { A, B, network, type LinkBehaviour } from "./network.ts";

async function readAll(c: Connection): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of c) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.length);
  return out;
}

async function transfer(size: number, behaviour: LinkBehaviour, seed: number) {
  const { clock, a, b } = network(behaviour, seed);
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 11)) & 0xff);
  let received: Uint8Array | undefined;
  b.listen(80, async (server) => {
    received = await readAll(server);
    await server.end();
  });
  let client: Connection | undefined;
  a.connect(B, 80).then(async (c) => {
    client = c;
    for (let at = 0; at < data.length; at += 16384) await c.write(data.subarray(at, at + 16384));
    await c.end();
  });
  await clock.run(() => received !== undefined && client?.state === "TIME-WAIT");
  return { received, data, client, clock, sender: a };
}

test("handshake, data both ways, and an orderly close", async () => {
  const { clock, a, b } = network();
  let serverSaw = "";
  b.listen(7, async (server) => {
    for await (const chunk of server) {
      serverSaw += String.fromCharCode(...chunk);
      await server.write(chunk);
    }
    await server.end();
  });
  let reply = "";
  let client: Connection | undefined;
  a.connect(B, 7).then(async (c) => {
    client = c;
    await c.write("hello, tcp");
    await c.end();
    for await (const chunk of c) reply += String.fromCharCode(...chunk);
  });
  await clock.run(() => client?.state === "TIME-WAIT" && reply.length === 10);
  assert.equal(serverSaw, "hello, tcp");
  assert.equal(reply, "hello, tcp");
  assert.equal(client!.state, "TIME-WAIT");
  await clock.run(() => client!.state === "CLOSED");
  assert.equal(client!.state, "CLOSED");
});

test("1 MB over a clean link arrives intact", async () => {
  const { received, data } = await transfer(1 << 20, {}, 1);
  assert.deepEqual(received, data);
});

test("5 MB over a link with loss, reordering and duplication arrives intact", async () => {
  const { received, data, clock } = await transfer(5 << 20, { loss: 0.02, duplicate: 0.02, jitterMs: 5 }, 7);
  assert.equal(received?.length, data.length);
  assert.deepEqual(received, data);
  assert.ok(clock.now < 600_000, `took ${clock.now} ms of virtual time`);
});

test("with SACK, 2 MB through 5% loss costs little more than the lost segments sent again", async () => {
  let payloadSent = 0, sackedAcks = 0;
  const segment = new TcpSegment(), options = new TcpOptions();
  const watch = (from: "a" | "b", frame: Uint8Array) => {
    const tcp = frame.subarray(14 + 20);
    segment.wrap(tcp);
    if (from === "a") payloadSent += tcp.length - segment.headerLength;
    else if (segment.readOptions(options) === undefined && options.sackBlockCount > 0) sackedAcks++;
  };
  const { received, data } = await transfer(2 << 20, { loss: 0.05, watch }, 11);
  assert.deepEqual(received, data);
  assert.ok(sackedAcks > 0, "the receiver sent SACK blocks");
  // About 5% is lost, and some retransmissions are lost again; resending whole windows would cost far more.
  console.log(`# ${(payloadSent / data.length).toFixed(3)}x payload sent`);
  assert.ok(payloadSent < data.length * 1.2, `sent ${payloadSent} payload bytes for ${data.length}`);
});

test("pure ACKs that arrive together are taken as one, and not while recovering from a loss", async () => {
  const clean = await transfer(1_000_000, {}, 3);
  const batched = await transfer(1_000_000, { batchMs: 2 }, 3);
  assert.deepEqual(batched.received, batched.data);
  assert.equal(clean.sender.counters.acksCoalesced, 0, "frames one at a time: nothing to take together");
  assert.ok(batched.sender.counters.acksCoalesced > 50, `${batched.sender.counters.acksCoalesced} ACKs taken together`);
  const lossy = await transfer(1_000_000, { batchMs: 2, loss: 0.03 }, 4);
  assert.deepEqual(lossy.received, lossy.data);
});

test("keep-alive probes a silent peer and gives up on it, and a live peer keeps the connection", async () => {
  let silent = false;
  const { clock, a, b } = network({ watch: () => {} }, 3);
  const bSend = b["iface"].nic.send.bind(b["iface"].nic);
  b["iface"].nic.send = (frame: Uint8Array) => (silent ? true : bSend(frame));
  b.listen(7, () => {});
  let client: Connection | undefined;
  let failure: Error | undefined;
  a.connect(B, 7).then((c) => {
    client = c;
    c.setKeepAlive(true, 10_000);
    c.closed.catch((e: Error) => (failure = e));
  });
  await clock.run(() => client !== undefined);
  await clock.run(() => false, clock.now + 300_000);
  assert.equal(client!.state, "ESTABLISHED", "a peer that answers the probes keeps the connection");
  silent = true;
  const from = clock.now;
  await clock.run(() => failure !== undefined, clock.now + 2_000_000);
  assert.match(String(failure), /stopped answering keep-alive probes/);
  // 10 s of silence, then 9 probes 75 s apart.
  assert.ok(clock.now - from >= 9 * 75_000 && clock.now - from <= 10_000 + 10 * 75_000, `gave up after ${clock.now - from} ms`);
});

test("100 connections at once to one listener, over a lossy link, each echoed intact", async () => {
  const { clock, a, b } = network({ loss: 0.01, jitterMs: 3 }, 5);
  b.listen(7, async (server) => {
    for await (const chunk of server) await server.write(chunk);
    await server.end();
  });
  const results: boolean[] = [];
  for (let i = 0; i < 100; i++) {
    const message = Uint8Array.from(`message ${i} `.repeat(50), (c) => c.charCodeAt(0));
    a.connect(B, 7).then(async (c) => {
      await c.write(message);
      await c.end();
      const back = await readAll(c);
      results.push(back.length === message.length && back.every((v, k) => v === message[k]));
    });
  }
  await clock.run(() => results.length === 100);
  assert.equal(results.length, 100);
  assert.ok(results.every(Boolean));
});

/** Payload lengths of the data segments `from` sent, with the virtual time of each. */
function dataSegments(from: "a" | "b", now: () => number) {
  const sent: { length: number; at: number }[] = [];
  const watch = (side: "a" | "b", frame: Uint8Array) => {
    if (side !== from) return;
    const ip = new Ipv4Packet().wrap(new EthernetFrame().wrap(frame).payload);
    if (ip.protocol !== IpProtocol.Tcp) return;
    const length = new TcpSegment().wrap(ip.payload).payloadLength;
    if (length > 0) sent.push({ length, at: now() });
  };
  return { sent, watch };
}

test("Nagle holds a small segment only while an earlier small one is unacknowledged (Minshall)", async () => {
  const segments = dataSegments("b", () => net.clock.now);
  const net = network({ watch: segments.watch });
  const { clock, a, b } = net;
  // An answer of a few full segments and a tail, to a peer that delays its ACKs: the tail goes at once.
  const answer = new Uint8Array(7 * 1460 + 140).fill(0x61);
  let server: Connection | undefined;
  b.listen(80, (c) => (server = c));
  let client: Connection | undefined;
  a.connect(B, 80).then((c) => (client = c));
  await clock.run(() => server !== undefined && client !== undefined);
  const start = clock.now;
  let received = 0;
  client!.onReadable(() => {
    for (let chunk = client!.tryRead(); chunk; chunk = client!.tryRead()) received += chunk.length;
  });
  void server!.write(answer);
  await clock.run(() => received === answer.length);
  assert.ok(clock.now - start < 10, `the answer took ${clock.now - start} ms of virtual time (a delayed ACK is 40)`);
  assert.deepEqual(segments.sent.map((s) => s.length), [1460, 1460, 1460, 1460, 1460, 1460, 1460, 140]);

  // Small writes in a row: the first goes at once, the rest wait for its ACK and go together.
  segments.sent.length = 0;
  received = 0;
  void server!.write("x");
  await clock.run(() => segments.sent.length === 1);
  void server!.write("y");
  void server!.write("z");
  await clock.run(() => received === 3);
  assert.deepEqual(segments.sent.map((s) => s.length), [1, 2]);
  assert.ok(segments.sent[1].at >= segments.sent[0].at + 2, "the second small segment waited for the first one's ACK");
});

test("a SYN flood from hosts that never answer does not lock a real client out", async () => {
  const { clock, a, b } = network({}, 9);
  let accepted = 0;
  b.listen(80, () => accepted++, 16);
  const nicB = b["iface"].nic as SimulatedNic;
  // 300 SYNs from made-up hosts on the subnet, more than the SYN queue holds.
  for (let i = 0; i < 300; i++) {
    const source = 0x0a000010 + (i % 200), frame = new Uint8Array(14 + 20 + 20);
    EthernetFrame.emit(frame, nicB.mac, Uint8Array.of(2, 0, 0, 0, 9, i & 0xff), 0x0800);
    Ipv4Packet.emit(frame.subarray(14), { source, destination: B, protocol: IpProtocol.Tcp, payloadLength: 20 });
    const segment = frame.subarray(34);
    TcpSegment.emit(segment, { sourcePort: 10_000 + i, destinationPort: 80, sequenceNumber: i * 1000, acknowledgmentNumber: 0, flags: TcpFlags.Syn, window: 65535 });
    new TcpSegment().wrap(segment).fillChecksum(source, B);
    nicB.deliver([frame]);
  }
  let client: Connection | undefined;
  a.connect(B, 80).then((c) => (client = c));
  const started = clock.now;
  await clock.run(() => client !== undefined && accepted === 1, started + 60_000);
  assert.ok(client, "the real client got in");
  assert.ok(clock.now - started < 5000, `and at once, not after the flood's SYN-ACKs gave up (${clock.now - started} ms)`);
});

test("a FIN sent again with the ACK of ours is taken, though its own sequence number is old", async () => {
  // A scripted peer at 10.0.0.1 talks to B's stack frame by frame.
  const { b } = network({}, 4);
  const nicB = b["iface"].nic as SimulatedNic;
  const toPeer: Uint8Array[] = [];
  nicB.send = (frame: Uint8Array) => (toPeer.push(Uint8Array.from(frame)), true);
  const peerMac = Uint8Array.of(2, 0, 0, 0, 0, 1);
  const send = (flags: number, seq: number, ack: number) => {
    const frame = new Uint8Array(14 + 20 + 20);
    EthernetFrame.emit(frame, nicB.mac, peerMac, 0x0800);
    Ipv4Packet.emit(frame.subarray(14), { source: A, destination: B, protocol: IpProtocol.Tcp, payloadLength: 20 });
    const segment = frame.subarray(34);
    TcpSegment.emit(segment, { sourcePort: 4000, destinationPort: 7, sequenceNumber: seq, acknowledgmentNumber: ack, flags, window: 65535 });
    new TcpSegment().wrap(segment).fillChecksum(A, B);
    nicB.deliver([frame]);
  };
  const lastFromB = () => {
    const frame = toPeer.filter((f) => f[12] === 0x08 && f[23] === IpProtocol.Tcp).at(-1)!;
    return new TcpSegment().wrap(frame.subarray(34));
  };
  let server: Connection | undefined;
  b.listen(7, (c) => (server = c));
  b["iface"]["arp"].learn(A, peerMac, 0);
  send(TcpFlags.Syn, 1000, 0);
  await settle();
  const iss = lastFromB().sequenceNumber;
  send(TcpFlags.Ack, 1001, iss + 1);
  await settle();
  void server!.end(); // B's FIN: iss + 1
  await settle();
  send(TcpFlags.Fin | TcpFlags.Ack, 1001, iss + 1); // the peer's FIN, not yet acknowledging B's
  await settle();
  assert.equal(server!.state, "CLOSING");
  send(TcpFlags.Fin | TcpFlags.Ack, 1001, iss + 2); // the same FIN again, now acknowledging B's
  await settle();
  assert.equal(server!.state, "TIME-WAIT");
  assert.equal(lastFromB().acknowledgmentNumber, 1002, "and the repeated FIN is acknowledged");
});

test("connecting to a port nobody listens on is refused by a reset", async () => {
  const { clock, a } = network();
  let error: Error | undefined;
  a.connect(B, 9).catch((e: Error) => (error = e));
  await clock.run(() => error !== undefined);
  assert.match(String(error), /connection refused by 10\.0\.0\.2:9/);
});

test("a reset with the SYN's acknowledgment number but no ACK flag (passt's) refuses too; one with another number does not", async () => {
  for (const [shift, refused] of [[0, true], [1, false]] as const) {
    // b's answer to the SYN loses its ACK flag (the checksum mended as RFC 1624 says), and its acknowledgment number moves by `shift`.
    const { clock, a } = network({
      watch: (from, frame) => {
        const tcp = 14 + (frame[14] & 0x0f) * 4;
        if (from !== "b" || !(frame[tcp + 13] & TcpFlags.Rst)) return;
        const view = new DataView(frame.buffer, frame.byteOffset);
        const words = [view.getUint16(tcp + 10), view.getUint16(tcp + 12)];
        view.setUint32(tcp + 8, view.getUint32(tcp + 8) + shift);
        frame[tcp + 13] &= ~TcpFlags.Ack;
        let sum = ~view.getUint16(tcp + 16) & 0xffff;
        for (const [i, old] of words.entries()) sum += (~old & 0xffff) + view.getUint16(tcp + 10 + 2 * i);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        view.setUint16(tcp + 16, ~sum & 0xffff);
      },
    });
    let error: Error | undefined;
    a.connect(B, 9).catch((e: Error) => (error = e));
    await clock.run(() => error !== undefined);
    assert.match(String(error), refused ? /connection refused by 10\.0\.0\.2:9/ : /timed out connecting to 10\.0\.0\.2:9/);
  }
});

test("a connection to a silent host times out", async () => {
  const { clock, a } = network({ loss: 1 });
  let error: Error | undefined;
  a.connect(B, 80).catch((e: Error) => (error = e));
  await clock.run(() => error !== undefined);
  assert.match(String(error), /timed out connecting to 10\.0\.0\.2:80/);
});

test("tryWrite takes what the send buffer has room for, onWritable says when there is more, and the bytes arrive in order", async () => {
  const { clock, a, b } = network({}, 12);
  const data = new Uint8Array(1_500_000).map((_, i) => (i * 7) & 0xff);
  let server: Connection | undefined;
  b.listen(7, (c) => (server = c)); // reads nothing until told to: the sender's buffer fills
  let client: Connection | undefined;
  void a.connect(B, 7).then((c) => (client = c));
  await clock.run(() => client !== undefined && server !== undefined);

  let sent = client!.tryWrite(data);
  assert.ok(sent > 0 && sent < data.length, `the first tryWrite took ${sent} of ${data.length} bytes`);
  assert.equal(client!.tryWrite(data.subarray(sent)), 0, "no room: nothing taken");
  let wakeups = 0;
  client!.onWritable(() => {
    wakeups++;
    sent += client!.tryWrite(data.subarray(sent));
  });
  const chunks: Uint8Array[] = [];
  let received = 0;
  void (async () => {
    for await (const chunk of server!) chunks.push(chunk), (received += chunk.length);
  })();
  await clock.run(() => received === data.length);
  assert.ok(wakeups > 0);
  assert.equal(sent, data.length);
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.length);
  assert.deepEqual(out, data);

  // Behind a queued write(), tryWrite takes nothing, so bytes cannot overtake it; after end() it throws.
  const queued = client!.write(new Uint8Array(600_000));
  assert.equal(client!.tryWrite(Uint8Array.of(1)), 0);
  void client!.end();
  assert.throws(() => client!.tryWrite(Uint8Array.of(1)), /sending side is closed/);
  await clock.run(() => received === data.length + 600_000);
  await queued;
});
