import { test } from "node:test";
import assert from "node:assert/strict";
import {
  emitTcpOptions, TcpFlags, TcpOptionIterator, TcpOptionKind, TcpOptions, TcpSegment, TCP_MAX_OPTIONS_LENGTH,
} from "../../../kernel/net/wire/tcp.ts";
import { fromHex, HOST_A_IP, HOST_B_IP, TCP_HTTP_GET, TCP_SACK, TCP_SYN, TCP_SYN_ACK } from "./packets.ts";

/** The TCP segment of a captured frame (Ethernet and a 20-byte IP header before it). */
const segmentOf = (frame: Uint8Array) => frame.subarray(34);

/** A segment with a 20-byte header followed by `options` (padded to a multiple of 4). */
function withOptions(options: number[]): TcpSegment {
  const optionBytes = Math.ceil(options.length / 4) * 4;
  const bytes = new Uint8Array(20 + optionBytes);
  TcpSegment.emit(bytes, { sourcePort: 1, destinationPort: 2, sequenceNumber: 0, acknowledgmentNumber: 0, flags: TcpFlags.Syn, window: 0 });
  bytes[12] = ((20 + optionBytes) / 4) << 4;
  bytes.set(options, 20);
  return new TcpSegment(bytes);
}

test("a captured SYN: ports, sequence number, flags, window and checksum", () => {
  const tcp = new TcpSegment(segmentOf(TCP_SYN));
  assert.equal(tcp.check(), undefined);
  assert.ok(tcp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  assert.equal(tcp.sourcePort, 33704);
  assert.equal(tcp.destinationPort, 8000);
  assert.equal(tcp.sequenceNumber, 3158432858);
  assert.equal(tcp.acknowledgmentNumber, 0);
  assert.equal(tcp.headerLength, 40);
  assert.equal(tcp.flags, TcpFlags.Syn);
  assert.ok(tcp.syn && !tcp.ack && !tcp.fin && !tcp.rst && !tcp.psh && !tcp.urg && !tcp.ece && !tcp.cwr);
  assert.equal(tcp.window, 64240);
  assert.equal(tcp.checksum, 0xa86d);
  assert.equal(tcp.urgentPointer, 0);
  assert.equal(tcp.options.length, 20);
  assert.equal(tcp.payloadLength, 0);
  assert.equal(tcp.segmentLength, 1, "SYN takes one sequence number");
});

test("a captured SYN's options: mss 1460, sackOK, TS val 2780735494 ecr 0, nop, wscale 10", () => {
  const options = new TcpOptions();
  assert.equal(new TcpSegment(segmentOf(TCP_SYN)).readOptions(options), undefined);
  assert.equal(options.maxSegmentSize, 1460);
  assert.ok(options.sackPermitted);
  assert.equal(options.timestampValue, 2780735494);
  assert.equal(options.timestampEchoReply, 0);
  assert.equal(options.windowScale, 10);
  assert.equal(options.sackBlockCount, 0);
});

test("a captured SYN-ACK: ack 3158432859, both flags, the echoed timestamp", () => {
  const tcp = new TcpSegment(segmentOf(TCP_SYN_ACK));
  assert.equal(tcp.check(), undefined);
  assert.ok(tcp.verifyChecksum(HOST_B_IP, HOST_A_IP));
  assert.deepEqual([tcp.sequenceNumber, tcp.acknowledgmentNumber, tcp.window], [2146469759, 3158432859, 65160]);
  assert.equal(tcp.flags, TcpFlags.Syn | TcpFlags.Ack);
  const options = new TcpOptions();
  assert.equal(tcp.readOptions(options), undefined);
  assert.deepEqual([options.maxSegmentSize, options.sackPermitted, options.timestampValue, options.timestampEchoReply, options.windowScale], [1460, true, 1594486028, 2780735494, 10]);
});

test("a captured data segment: PSH ACK with 81 bytes of HTTP and a timestamp", () => {
  const tcp = new TcpSegment(segmentOf(TCP_HTTP_GET));
  assert.equal(tcp.check(), undefined);
  assert.ok(tcp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  assert.ok(tcp.psh && tcp.ack && !tcp.syn);
  assert.equal(tcp.headerLength, 32);
  assert.equal(tcp.payloadLength, 81);
  assert.equal(tcp.segmentLength, 81);
  assert.equal(String.fromCharCode(...tcp.payload.subarray(0, 16)), "GET / HTTP/1.1\r\n");
  const options = new TcpOptions();
  assert.equal(tcp.readOptions(options), undefined);
  assert.deepEqual([options.maxSegmentSize, options.windowScale, options.sackPermitted, options.timestampValue, options.timestampEchoReply], [undefined, undefined, false, 2780735495, 1594486028]);
});

test("a captured SACK: two blocks, edges as unsigned 32-bit sequence numbers", () => {
  const tcp = new TcpSegment(segmentOf(TCP_SACK));
  assert.equal(tcp.check(), undefined);
  assert.ok(tcp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  assert.equal(tcp.acknowledgmentNumber, 115389609);
  const options = new TcpOptions();
  assert.equal(tcp.readOptions(options), undefined);
  assert.equal(options.sackBlockCount, 2);
  assert.deepEqual(Array.from(options.sackBlocks.subarray(0, 4)), [115447905, 115453697, 115391057, 115446457]);
  assert.deepEqual([options.timestampValue, options.timestampEchoReply], [3780082118, 196145223]);
});

test("the iterator walks the captured SYN's options in order", () => {
  const iterator = new TcpOptionIterator().start(new TcpSegment(segmentOf(TCP_SYN)));
  const seen: [number, number, number][] = [];
  while (iterator.next()) seen.push([iterator.kind, iterator.length, iterator.valueOffset]);
  assert.equal(iterator.error, undefined);
  assert.deepEqual(seen, [[2, 4, 22], [4, 2, 26], [8, 10, 28], [1, 1, 37], [3, 3, 39]]);
});

test("emit with options rebuilds captured segments byte for byte", () => {
  const cases: [Uint8Array, number, number][] = [[TCP_SYN, HOST_A_IP, HOST_B_IP], [TCP_SYN_ACK, HOST_B_IP, HOST_A_IP], [TCP_HTTP_GET, HOST_A_IP, HOST_B_IP], [TCP_SACK, HOST_A_IP, HOST_B_IP]];
  const options = new TcpOptions();
  for (const [frame, source, destination] of cases) {
    const captured = new TcpSegment(segmentOf(frame));
    captured.readOptions(options);
    const bytes = new Uint8Array(captured.bytes.length);
    const header = {
      sourcePort: captured.sourcePort, destinationPort: captured.destinationPort, sequenceNumber: captured.sequenceNumber,
      acknowledgmentNumber: captured.acknowledgmentNumber, flags: captured.flags, window: captured.window,
    };
    const headerLength = TcpSegment.emit(bytes, header, options);
    assert.equal(headerLength, captured.headerLength);
    bytes.set(captured.payload, headerLength);
    new TcpSegment(bytes).fillChecksum(source, destination);
    assert.deepEqual(bytes, captured.bytes);
  }
});

test("a header without options is 20 bytes; every field round-trips through setters", () => {
  const bytes = new Uint8Array(24);
  assert.equal(TcpSegment.emit(bytes, { sourcePort: 80, destinationPort: 49152, sequenceNumber: 0xffffffff, acknowledgmentNumber: 0x80000000, flags: TcpFlags.Rst | TcpFlags.Ack, window: 0, urgentPointer: 3 }), 20);
  const tcp = new TcpSegment(bytes);
  assert.deepEqual([tcp.sourcePort, tcp.destinationPort, tcp.sequenceNumber, tcp.acknowledgmentNumber, tcp.headerLength, tcp.rst, tcp.ack, tcp.urgentPointer, tcp.payloadLength], [80, 49152, 0xffffffff, 0x80000000, 20, true, true, 3, 4]);
  tcp.sourcePort = 1;
  tcp.destinationPort = 65535;
  tcp.sequenceNumber = (0xffffffff + 5) >>> 0;
  tcp.acknowledgmentNumber = 7;
  tcp.headerLength = 24;
  tcp.flags = 0;
  tcp.window = 65535;
  tcp.urgentPointer = 9;
  tcp.checksum = 0xbeef;
  assert.deepEqual([tcp.sourcePort, tcp.destinationPort, tcp.sequenceNumber, tcp.acknowledgmentNumber, tcp.headerLength, tcp.flags, tcp.window, tcp.urgentPointer, tcp.checksum, tcp.payloadLength], [1, 65535, 4, 7, 24, 0, 65535, 9, 0xbeef, 0]);
});

test("each flag has its own bit, set and cleared alone", () => {
  const tcp = new TcpSegment(new Uint8Array(20));
  tcp.headerLength = 20;
  const names = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"] as const;
  const masks = [TcpFlags.Fin, TcpFlags.Syn, TcpFlags.Rst, TcpFlags.Psh, TcpFlags.Ack, TcpFlags.Urg, TcpFlags.Ece, TcpFlags.Cwr];
  names.forEach((name, i) => {
    tcp[name] = true;
    assert.equal(tcp.flags, masks[i], name);
    tcp.flags = 0xff;
    tcp[name] = false;
    assert.equal(tcp.flags, 0xff & ~masks[i], name);
    tcp.flags = 0;
  });
  tcp.syn = tcp.fin = true;
  assert.equal(tcp.segmentLength, 2);
});

test("options are written 4-byte aligned, and SACK blocks only as far as 40 bytes allow", () => {
  const options = new TcpOptions();
  const bytes = new Uint8Array(TCP_MAX_OPTIONS_LENGTH);
  options.sackPermitted = true;
  assert.equal(emitTcpOptions(bytes, 0, options), 4);
  assert.deepEqual(bytes.subarray(0, 4), Uint8Array.of(1, 1, 4, 2));
  options.clear().windowScale = 14;
  assert.equal(emitTcpOptions(bytes, 0, options), 4);
  assert.deepEqual(bytes.subarray(0, 4), Uint8Array.of(1, 3, 3, 14));
  options.clear();
  assert.equal(emitTcpOptions(bytes, 0, options), 0);

  // With timestamps (12 bytes) three blocks fit (4 + 24), the fourth does not.
  options.timestampValue = 1;
  options.sackBlockCount = 4;
  options.sackBlocks.set([10, 20, 30, 40, 50, 60, 70, 80]);
  assert.equal(emitTcpOptions(bytes, 0, options), 40);
  const segment = new Uint8Array(60);
  const headerLength = TcpSegment.emit(segment, { sourcePort: 1, destinationPort: 2, sequenceNumber: 0, acknowledgmentNumber: 0, flags: TcpFlags.Ack, window: 0 }, options);
  assert.equal(headerLength, 60);
  const read = new TcpOptions();
  assert.equal(new TcpSegment(segment).readOptions(read), undefined);
  assert.equal(read.sackBlockCount, 3);
  assert.deepEqual(Array.from(read.sackBlocks.subarray(0, 6)), [10, 20, 30, 40, 50, 60]);
  // Without timestamps all four fit.
  options.timestampValue = undefined;
  assert.equal(emitTcpOptions(bytes, 0, options), 36);
});

test("end-of-options stops the walk, and unknown kinds are passed over by their length", () => {
  const options = new TcpOptions();
  // An MPTCP-like option (kind 30), MSS, end of options, then junk that must not be read.
  const tcp = withOptions([30, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4, 0, 3, 3, 7]);
  assert.equal(tcp.readOptions(options), undefined);
  assert.equal(options.maxSegmentSize, 1460);
  assert.equal(options.windowScale, undefined);
  const iterator = new TcpOptionIterator().start(tcp);
  assert.ok(iterator.next());
  assert.deepEqual([iterator.kind, iterator.length, iterator.valueOffset], [30, 4, 22]);
});

test("malformed options are reported, not thrown", () => {
  const options = new TcpOptions();
  const cases: [number[], string][] = [
    [[2, 0, 0, 0], "TCP option 2 at byte 20 has length 0, below 2"],
    [[30, 1, 0, 0], "TCP option 30 at byte 20 has length 1, below 2"],
    [[1, 1, 1, 30], "TCP option 30 at byte 23 has no length byte"],
    [[1, 1, 8, 10, 0, 0, 0, 0], "TCP option 8 at byte 22 (10 bytes) runs past the header's 28 bytes"],
    [[30, 255, 0, 0], "TCP option 30 at byte 20 (255 bytes) runs past the header's 24 bytes"],
    [[2, 5, 0, 0, 0, 0, 0, 0], "TCP option 2 has length 5, not 4"],
    [[3, 4, 7, 0], "TCP option 3 has length 4, not 3"],
    [[4, 3, 0, 0], "TCP option 4 has length 3, not 2"],
    [[8, 8, 0, 0, 0, 0, 0, 0], "TCP option 8 has length 8, not 10"],
    [[5, 2, 0, 0], "TCP SACK option length 2 is not 2 + 8 per block"],
    [[5, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "TCP SACK option length 11 is not 2 + 8 per block"],
  ];
  for (const [bytes, reason] of cases) {
    assert.equal(withOptions(bytes).readOptions(options), reason, reason);
  }
  // What came before the bad option was read.
  assert.equal(withOptions([2, 4, 1, 0, 3, 4, 0, 0]).readOptions(options), "TCP option 3 has length 4, not 3");
  assert.equal(options.maxSegmentSize, 256);
});

test("truncated segments and bad data offsets are reported at every length", () => {
  const tcp = new TcpSegment();
  const options = new TcpOptions();
  const segment = segmentOf(TCP_SYN);
  for (let length = 0; length < segment.length; length++) {
    const reason = tcp.wrap(segment.subarray(0, length)).check();
    assert.equal(reason, length < 20 ? `a TCP header needs at least 20 bytes, got ${length}` : `the TCP data offset says 40 header bytes, only ${length} arrived`);
    // Nothing reads past the bytes or throws even if the caller ignores check().
    void [tcp.sequenceNumber, tcp.options, tcp.payload, tcp.verifyChecksum(HOST_A_IP, HOST_B_IP), tcp.readOptions(options)];
  }
  const bytes = Uint8Array.from(segment);
  tcp.wrap(bytes);
  for (const words of [0, 1, 4]) {
    bytes[12] = words << 4;
    assert.equal(tcp.check(), `TCP data offset ${words} is below 5 words`);
  }
  bytes[12] = 15 << 4;
  assert.equal(tcp.check(), "the TCP data offset says 60 header bytes, only 40 arrived");
});

test("a flipped bit or the wrong addresses fail the checksum", () => {
  const bytes = Uint8Array.from(segmentOf(TCP_HTTP_GET));
  const tcp = new TcpSegment(bytes);
  assert.ok(!tcp.verifyChecksum(HOST_B_IP, HOST_A_IP + 1));
  bytes[bytes.length - 1] ^= 1;
  assert.ok(!tcp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  tcp.fillChecksum(HOST_A_IP, HOST_B_IP);
  assert.ok(tcp.verifyChecksum(HOST_A_IP, HOST_B_IP));
  // An odd-length segment inside a larger buffer: the length argument bounds the sum.
  const big = new Uint8Array(100);
  big.set(fromHex("0050c000000000010000000050100400"), 0);
  new TcpSegment(big).fillChecksum(HOST_A_IP, HOST_B_IP, 21);
  assert.ok(new TcpSegment(big.subarray(0, 21)).verifyChecksum(HOST_A_IP, HOST_B_IP));
  assert.equal(TcpOptionKind.EndOfOptions, 0);
});

test("a bare ACK is an ACK alone: no other flag, no options, no data", () => {
  const bareAck = (flags: number, length = 20, headerLength = 20) => {
    const bytes = new Uint8Array(length);
    TcpSegment.emit(bytes, { sourcePort: 1, destinationPort: 2, sequenceNumber: 3, acknowledgmentNumber: 4, flags, window: 5 });
    bytes[12] = (headerLength / 4) << 4;
    return new TcpSegment(bytes).isBareAck;
  };
  assert.equal(bareAck(TcpFlags.Ack), true);
  assert.equal(bareAck(TcpFlags.Ack | TcpFlags.Psh), false);
  assert.equal(bareAck(TcpFlags.Ack | TcpFlags.Fin), false);
  assert.equal(bareAck(TcpFlags.Syn | TcpFlags.Ack), false);
  assert.equal(bareAck(TcpFlags.Ack, 21), false, "one byte of data");
  assert.equal(bareAck(TcpFlags.Ack, 24, 24), false, "a header with options");
  assert.equal(new TcpSegment(segmentOf(TCP_HTTP_GET)).isBareAck, false);
});
