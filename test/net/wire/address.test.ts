import { test } from "node:test";
import assert from "node:assert/strict";
import { BROADCAST_MAC, copyMac, formatIpv4, formatMac, macEquals, parseIpv4, parseMac } from "../../../kernel/net/wire/address.ts";

test("IPv4 addresses format as dotted quads and parse back", () => {
  assert.equal(formatIpv4(0x0a00020f), "10.0.2.15");
  assert.equal(formatIpv4(0xffffffff), "255.255.255.255");
  assert.equal(formatIpv4(0), "0.0.0.0");
  assert.equal(parseIpv4("10.0.2.15"), 0x0a00020f);
  assert.equal(parseIpv4(" 255.255.255.255 "), 0xffffffff);
  assert.equal(parseIpv4("0.0.0.0"), 0);
});

test("text that is not a dotted quad is refused", () => {
  for (const text of ["", "10.0.2", "10.0.2.15.1", "10.0.2.256", "10.0.2.-1", "10.0.2.0x1", "10.0.02.15", "10..2.15", "a.b.c.d", "1e1.0.0.1"]) {
    assert.equal(parseIpv4(text), undefined, text);
  }
});

test("MAC addresses format in lower case and parse with colons or dashes", () => {
  assert.equal(formatMac(Uint8Array.of(0x02, 0, 0, 0xab, 0x0c, 0xff)), "02:00:00:ab:0c:ff");
  assert.equal(formatMac(Uint8Array.of(9, 9, 0x52, 0x54, 0, 0x12, 0x34, 0x56), 2), "52:54:00:12:34:56");
  assert.deepEqual(parseMac("52:54:00:12:34:56"), Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56));
  assert.deepEqual(parseMac("52-54-00-AB-cd-1"), Uint8Array.of(0x52, 0x54, 0, 0xab, 0xcd, 1));
  const out = new Uint8Array(6);
  assert.equal(parseMac("ff:ff:ff:ff:ff:ff", out), out);
  assert.deepEqual(out, BROADCAST_MAC);
  for (const text of ["", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54:00:12:34:5g", "525400123456", "52:54:00:12:34:567"]) {
    assert.equal(parseMac(text), undefined, text);
  }
});

test("MAC addresses are copied and compared in place", () => {
  const frame = new Uint8Array(12);
  copyMac(Uint8Array.of(1, 2, 3, 4, 5, 6), 0, frame, 6);
  assert.deepEqual(frame, Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6));
  assert.ok(macEquals(frame, 6, Uint8Array.of(1, 2, 3, 4, 5, 6)));
  assert.ok(!macEquals(frame, 6, Uint8Array.of(1, 2, 3, 4, 5, 7)));
  assert.ok(macEquals(frame, 0, Uint8Array.of(9, 0, 0, 0, 0, 0, 0), 1));
});
