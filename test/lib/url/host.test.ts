/** The host parser: IPv4 number forms and IPv6 against Node, and the domain rules. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { endsInANumber, parseHost, parseIPv4, parseIPv6, serializeIPv4 } from "../../../lib/url/host.ts";
import { domainToASCII } from "../../../lib/url/idna.ts";
import { pick, random } from "./corpus.ts";

// What Node's URL makes of a host in an http URL: its hostname, or null for failure.
function nodeHost(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

test("IPv4: 5000 random addresses in decimal, octal and hexadecimal parts, against Node", () => {
  const rand = random(31);
  const part = () => {
    const value = pick(rand, [0, 1, 7, 8, 9, 10, 127, 255, 256, 4095, 65535, 65536, 16777215, 16777216, 4294967295, 4294967296, Math.floor(rand() * 2 ** 32)]);
    switch (Math.floor(rand() * 5)) {
      case 0: return String(value);
      case 1: return "0" + value.toString(8);
      case 2: return pick(rand, ["0x", "0X"]) + value.toString(16);
      case 3: return pick(rand, ["0x", "0X"]) + value.toString(16).toUpperCase();
      default: return pick(rand, ["", "0", "00", "0x", "09", "0x0g", "1e1", "-1", "a"]);
    }
  };
  for (let i = 0; i < 5000; i++) {
    const parts: string[] = [];
    const count = 1 + Math.floor(rand() * 5);
    for (let j = 0; j < count; j++) parts.push(part());
    let host = parts.join(".");
    if (rand() < 0.15) host += ".";
    if (rand() < 0.05) host = "x." + host;
    assert.equal(parseHost(host, false), nodeHost(host), host);
  }
});

test("IPv6: 5000 random addresses, compressed or not, with IPv4 tails, against Node", () => {
  const rand = random(32);
  for (let i = 0; i < 5000; i++) {
    const pieces: string[] = [];
    const count = Math.floor(rand() * 10);
    for (let j = 0; j < count; j++) {
      pieces.push(pick(rand, ["0", "00", "0000", "1", "ffff", "FFFF", "abcd", "12345", "g", "", Math.floor(rand() * 65536).toString(16)]));
    }
    if (rand() < 0.2) pieces.push(pick(rand, ["1.2.3.4", "255.255.255.255", "01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4.5", ".1.2.3", "1..2.3"]));
    let text = pieces.join(":");
    if (rand() < 0.5) {
      const at = Math.floor(rand() * (pieces.length + 1));
      const split = text.split(":");
      text = [...split.slice(0, at), "", ...split.slice(at)].join(":");
      if (at === 0) text = ":" + text;
      if (at === split.length) text += ":";
    }
    const host = `[${text}]`;
    assert.equal(parseHost(host, false), nodeHost(host), host);
    assert.equal(parseHost(host, true), parseHost(host, false), `${host} opaque`);
  }
});

test("the IPv4 parser and serializer on the standard's number forms", () => {
  assert.equal(parseIPv4("0x7f.1"), 0x7f000001);
  assert.equal(parseIPv4("127.0.0.1."), 0x7f000001);
  assert.equal(parseIPv4("0"), 0);
  assert.equal(parseIPv4("0x"), 0, '"0x" alone is 0');
  assert.equal(parseIPv4("4294967295"), 0xffffffff);
  assert.equal(parseIPv4("4294967296"), null);
  assert.equal(parseIPv4("1.2.3.4.5"), null);
  assert.equal(parseIPv4("256.1"), null, "only the last part may exceed 255");
  assert.equal(parseIPv4("1.16777215"), 0x01ffffff);
  assert.equal(parseIPv4("1.16777216"), null);
  assert.equal(parseIPv4("09"), null);
  assert.equal(serializeIPv4(0xffffffff), "255.255.255.255");
  for (const [input, result] of [["1.2.3", true], ["a.0x", true], ["a.0xg", false], ["a.b.", false], ["a.1.", true], [".", false], ["a..", false], ["0x.", true]] as const) {
    assert.equal(endsInANumber(input), result, input);
  }
});

test("the IPv6 parser rejects what the standard rejects", () => {
  for (const bad of [":1", "1:::1", "1::1::1", "1:2:3:4:5:6:7:8:9", "1:2:3", "12345::", "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::256.1.1.1", "1:2:3:4:5:6:7:1.2.3.4", "::1:", "", "::g"]) {
    assert.equal(parseIPv6(bad), null, bad);
  }
  assert.deepEqual(parseIPv6("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  assert.deepEqual(parseIPv6("1::"), [1, 0, 0, 0, 0, 0, 0, 0]);
});

test("domains: lowercased, percent-decoded, forbidden code points refused", () => {
  assert.equal(parseHost("EXAMPLE.com", false), "example.com");
  assert.equal(parseHost("%45xample.com", false), "example.com");
  assert.equal(parseHost("%C3%A9.com", false), "xn--9ca.com");
  assert.equal(parseHost("%FF.com", false), null, "malformed UTF-8 fails");
  assert.equal(parseHost("%EF%BF%BD.com", false), null, "so does U+FFFD itself");
  for (const c of ["\u0000", "\t", " ", "#", "%", "/", ":", "<", ">", "?", "@", "[", "\\", "]", "^", "|", "\u0001", "\u007f"]) {
    assert.equal(domainToASCII(`a${c}b`), null, JSON.stringify(c));
  }
  assert.equal(domainToASCII("a!$&'()*+,;=_~`{}\"b"), "a!$&'()*+,;=_~`{}\"b", "the rest of ASCII is allowed");
  assert.equal(domainToASCII(""), null);
  assert.equal(parseHost("a%2Fb", false), null, "percent-decoding can make a forbidden code point");
});

test("domains: the documented approximation of UTS #46", () => {
  assert.equal(domainToASCII("ÉXAMPLE.com"), "xn--xample-9ua.com", "lowercased");
  assert.equal(domainToASCII("e\u0301.com"), "xn--9ca.com", "NFC");
  assert.equal(domainToASCII("a\u3002b\uff0ec\uff61d"), "a.b.c.d", "the other full stops");
  assert.equal(domainToASCII("\u0301x.com"), null, "a label may not start with a combining mark");
  assert.equal(domainToASCII("é.xn--zz"), null, "an xn-- label must be valid Punycode");
  assert.equal(domainToASCII("é.xn--ls8h"), "xn--9ca.xn--ls8h");
  assert.equal(domainToASCII("é.xn--é"), null);
  assert.equal(domainToASCII("é.xn--ab-"), null, "an xn-- label must decode to non-ASCII");
  assert.equal(domainToASCII("é.xn--ca-yia"), "xn--9ca.xn--ca-yia");
  assert.equal(domainToASCII("é.xn--CA-yia"), "xn--9ca.xn--ca-yia", "lowercased before it is checked");
  assert.equal(domainToASCII("K"), "k", "the Kelvin sign lowercases to ASCII");
  assert.equal(domainToASCII("ΣΑΣ"), "xn--mxa9ab", "σασ: no final sigma, as in UTS #46");
  // The known differences from UTS #46 (see idna.ts): kept, not mapped.
  assert.equal(domainToASCII("ＡＢＣ"), "xn--mi7ccd", "fullwidth letters are lowercased, not folded to ASCII (UTS #46: abc)");
  assert.equal(domainToASCII("a\u00adb"), "xn--ab-5da", "a soft hyphen is not ignored (UTS #46: ab)");
});

test("opaque hosts: forbidden host code points refused, the rest percent-encoded as C0 controls", () => {
  assert.equal(parseHost("EXAMPLE%2Ecom", true), "EXAMPLE%2Ecom");
  assert.equal(parseHost("é\u0001~", true), "%C3%A9%01~");
  assert.equal(parseHost("a%b", true), "a%b");
  for (const c of ["\u0000", "\t", "\n", "\r", " ", "#", "/", ":", "<", ">", "?", "@", "[", "\\", "]", "^", "|"]) {
    assert.equal(parseHost(`a${c}b`, true), null, JSON.stringify(c));
  }
  assert.equal(parseHost("", true), "");
});
