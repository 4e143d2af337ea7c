/** Punycode (RFC 3492) against the RFC's samples and against node:punycode. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { punycodeDecode, punycodeEncode } from "../../../lib/url/punycode.ts";
import { punycode, random } from "./corpus.ts";

// RFC 3492 §7.1 sample strings (A, B, D, I, J, L, M) and the URL Standard's own examples.
const SAMPLES: [string, string][] = [
  ["ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"],
  ["他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"],
  ["Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"],
  ["почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"],
  ["PorquénopuedensimplementehablarenEspañol", "PorqunopuedensimplementehablarenEspaol-fmd56a"],
  ["3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"],
  ["安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"],
  ["faß", "fa-hia"],
  ["☕", "53h"],
  ["bücher", "bcher-kva"],
  ["😀", "e28h"],
];

test("RFC 3492 samples encode and decode", () => {
  for (const [text, encoded] of SAMPLES) {
    assert.equal(punycodeEncode(text), encoded, text);
    assert.equal(punycodeDecode(encoded), text, encoded);
  }
});

test("encode and decode agree with node:punycode on 3000 random labels", () => {
  const rand = random(21);
  const ranges = [[0x61, 0x7a], [0x30, 0x39], [0xe0, 0xff], [0x391, 0x3c9], [0x430, 0x44f], [0x4e00, 0x4fff], [0x1f600, 0x1f64f], [0x2d, 0x2d]];
  for (let i = 0; i < 3000; i++) {
    let label = "";
    const length = 1 + Math.floor(rand() * 20);
    for (let j = 0; j < length; j++) {
      const [low, high] = ranges[Math.floor(rand() * ranges.length)];
      label += String.fromCodePoint(low + Math.floor(rand() * (high - low + 1)));
    }
    const encoded = punycode.encode(label);
    assert.equal(punycodeEncode(label), encoded, label);
    assert.equal(punycodeDecode(encoded), label, encoded);
  }
});

test("invalid Punycode does not decode; what node:punycode decodes, we decode alike", () => {
  for (const bad of ["a-é", "99999999999999", "-", "a-!", "ü", "a-zzzzzzzzzzzzzzzzzzzz", "-a"]) {
    assert.throws(() => punycode.decode(bad), bad);
    assert.equal(punycodeDecode(bad), null, bad);
  }
  for (const odd of ["zzzzzzzzzzzzzzzzzzzzzz", "xn--", "3-", "a--", "ab-", ""]) {
    assert.equal(punycodeDecode(odd), punycode.decode(odd), odd);
  }
});
