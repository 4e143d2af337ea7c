import { test } from "node:test";
import assert from "node:assert/strict";
import {
  finishChecksum, onesComplementSum, pseudoHeaderSum, referenceOnesComplementSum, setChecksumFastPath, updateChecksum,
} from "../../../kernel/net/wire/checksum.ts";
import { IpProtocol } from "../../../kernel/net/wire/ipv4.ts";
import { ALL_FRAMES, fromHex, TCP_HTTP_GET, UDP_DATAGRAM } from "./packets.ts";

test("the RFC 1071 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2", () => {
  const bytes = fromHex("0001f203f4f5f6f7");
  assert.equal(onesComplementSum(bytes, 0, 8), 0xddf2);
  assert.equal(finishChecksum(0xddf2), 0x220d);
});

test("an odd length is padded with a zero byte", () => {
  assert.equal(onesComplementSum(fromHex("0102 03"), 0, 3), 0x0102 + 0x0300);
  assert.equal(onesComplementSum(fromHex("ff"), 0, 1), 0xff00);
  assert.equal(onesComplementSum(new Uint8Array(0), 0, 0), 0);
});

test("offset and length select the bytes, and initial chains partial sums", () => {
  const bytes = fromHex("aaaa 0001f203 f4f5f6f7 bbbb");
  assert.equal(onesComplementSum(bytes, 2, 8), 0xddf2);
  assert.equal(onesComplementSum(bytes, 6, 4, onesComplementSum(bytes, 2, 4)), 0xddf2);
});

test("carries are folded back in, also past 2^32", () => {
  assert.equal(onesComplementSum(fromHex("ffff ffff"), 0, 4), 0xffff);
  assert.equal(onesComplementSum(fromHex("8000 8000"), 0, 4), 0x0001);
  assert.equal(onesComplementSum(new Uint8Array(200_000).fill(0xff), 0, 200_000), 0xffff);
  // 2^48 is 1 in one's complement arithmetic (2^16 ≡ 1).
  assert.equal(onesComplementSum(fromHex("0001"), 0, 2, 2 ** 48), 0x0002);
  assert.equal(finishChecksum(0x1ffff), 0xfffe);
});

test("the IPv4 header of every captured frame sums to ffff", () => {
  for (const [name, frame] of Object.entries(ALL_FRAMES)) {
    if (frame[12] !== 0x08 || frame[13] !== 0x00) continue;
    const headerLength = (frame[14] & 0x0f) * 4;
    assert.equal(onesComplementSum(frame, 14, headerLength), 0xffff, name);
  }
});

test("the pseudo-header sum makes a captured UDP and TCP checksum come out right", () => {
  const udpLength = UDP_DATAGRAM.length - 34;
  assert.equal(onesComplementSum(UDP_DATAGRAM, 34, udpLength, pseudoHeaderSum(0xc0a84d01, 0xc0a84d02, IpProtocol.Udp, udpLength)), 0xffff);
  const tcpLength = TCP_HTTP_GET.length - 34;
  assert.equal(onesComplementSum(TCP_HTTP_GET, 34, tcpLength, pseudoHeaderSum(0xc0a84d01, 0xc0a84d02, IpProtocol.Tcp, tcpLength)), 0xffff);
});

test("an incremental update (RFC 1624) equals summing again", () => {
  const header = Uint8Array.from(TCP_HTTP_GET.subarray(14, 34));
  for (let ttl = 64; ttl > 0; ttl--) {
    const oldWord = (header[8] << 8) | header[9];
    header[8] = ttl - 1;
    const newWord = (header[8] << 8) | header[9];
    const updated = updateChecksum((header[10] << 8) | header[11], oldWord, newWord);
    header[10] = header[11] = 0;
    assert.equal(updated, finishChecksum(onesComplementSum(header, 0, 20)), `ttl ${ttl - 1}`);
    header[10] = updated >> 8;
    header[11] = updated & 0xff;
  }
});

test("the RFC 1624 example: a word going from 5555 to 3285 under a checksum of dd2f", () => {
  // RFC 1624 section 4: recomputing gives 0x0000; RFC 1141's form would give 0xffff.
  assert.equal(updateChecksum(0xdd2f, 0x5555, 0x3285), 0x0000);
});

test("a fast path installed with setChecksumFastPath is used and agrees with the reference", (t) => {
  t.after(() => setChecksumFastPath(undefined));
  let calls = 0;
  // A differently written summer (32-bit words, then halves), as a native one would be.
  setChecksumFastPath((bytes, offset, length, initial) => {
    calls++;
    let sum = initial, i = offset;
    const end = offset + length;
    for (; i + 3 < end; i += 4) sum += ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
    if (i < end) sum += bytes[i] << 8;
    while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
    return sum;
  });
  for (const frame of Object.values(ALL_FRAMES)) {
    for (let offset = 0; offset < 8; offset++) {
      for (const length of [0, 1, 2, 3, 7, 20, frame.length - offset]) {
        assert.equal(onesComplementSum(frame, offset, length, 0x1234), referenceOnesComplementSum(frame, offset, length, 0x1234));
      }
    }
  }
  assert.ok(calls > 0);
  const before = calls;
  setChecksumFastPath(undefined);
  onesComplementSum(UDP_DATAGRAM, 0, 10);
  assert.equal(calls, before, "undefined restores the reference");
});
