import { test } from "node:test";
import assert from "node:assert/strict";
import { setUtf8FastPath, TextDecoder, TextEncoder, utf8EncodeReference } from "../../kernel/process/text-encoding.ts";

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

/** Strings with every kind of character: ASCII, 2-, 3- and 4-byte ones, lone and paired surrogates. */
function randomText(next: () => number, length: number): string {
  const pools = [[0x20, 0x7e], [0x80, 0x7ff], [0x800, 0xd7ff], [0xd800, 0xdfff], [0xe000, 0xffff]];
  let s = "";
  for (let i = 0; i < length; i++) {
    if (next() < 0.1) s += String.fromCodePoint(0x10000 + Math.floor(next() * 0xfffff));
    else {
      const [lo, hi] = pools[Math.floor(next() * pools.length)];
      s += String.fromCharCode(lo + Math.floor(next() * (hi - lo)));
    }
  }
  return s;
}

/** Byte strings that are mostly UTF-8 with damage: cut sequences, stray continuations, overlongs, surrogates. */
function randomBytes(next: () => number, length: number): Uint8Array {
  const good = Buffer.from(randomText(next, length));
  const bytes = new Uint8Array(good);
  for (let i = 0; i < bytes.length; i++) {
    const r = next();
    if (r < 0.03) bytes[i] = Math.floor(next() * 256);
    else if (r < 0.04) bytes[i] = [0xc0, 0xc1, 0xe0, 0xed, 0xf4, 0xf5, 0xff, 0x80][Math.floor(next() * 8)];
  }
  return bytes;
}

// What the platform's transcoders do, done with Node's (same results by the Encoding Standard).
const nodeFastPath = {
  encode: (text: string) => new Uint8Array(Buffer.from(text, "utf8")),
  decode(bytes: Uint8Array) {
    try {
      return new globalThis.TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  },
};

for (const [name, path] of [["reference algorithms", undefined], ["a native fast path", nodeFastPath]] as const) {
  test(`TextEncoder and TextDecoder agree with Node's on random text and damaged bytes (${name})`, (t) => {
    setUtf8FastPath(path);
    t.after(() => setUtf8FastPath(undefined));
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const text = randomText(next, Math.floor(next() * 40));
      assert.deepEqual(new TextEncoder().encode(text), new globalThis.TextEncoder().encode(text));
      const bytes = randomBytes(next, Math.floor(next() * 40));
      assert.equal(new TextDecoder().decode(bytes), new globalThis.TextDecoder().decode(bytes));
      const fatal = () => new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      let expected: string | Error;
      try {
        expected = new globalThis.TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch (error) {
        expected = error as Error;
      }
      if (typeof expected === "string") assert.equal(fatal(), expected);
      else assert.throws(fatal, TypeError);

      // The same bytes in random pieces, streamed.
      const ours = new TextDecoder(), node = new globalThis.TextDecoder();
      let a = "", b = "";
      for (let at = 0; at < bytes.length;) {
        const end = Math.min(bytes.length, at + 1 + Math.floor(next() * 6));
        a += ours.decode(bytes.subarray(at, end), { stream: true });
        b += node.decode(bytes.subarray(at, end), { stream: true });
        at = end;
      }
      assert.equal(a + ours.decode(), b + node.decode());
    }
  });
}

test("a byte-order mark is dropped at the start of a stream, even cut in pieces, unless ignoreBOM", () => {
  const bytes = Uint8Array.of(0xef, 0xbb, 0xbf, 0x68, 0x69);
  assert.equal(new TextDecoder().decode(bytes), "hi");
  assert.equal(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), "\ufeffhi");
  const streamed = new TextDecoder();
  const out = [bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)].map((piece) => streamed.decode(piece, { stream: true })).join("");
  assert.equal(out + streamed.decode(), "hi");
  assert.equal(streamed.decode(bytes), "hi", "a new stream looks for a BOM again");
});

test("encodeInto writes whole characters only and says how far it got", () => {
  const text = "a\u00e9\u20ac\u{1f600}b";
  for (let size = 0; size <= 12; size++) {
    const ours = new Uint8Array(size), node = new Uint8Array(size);
    assert.deepEqual(new TextEncoder().encodeInto(text, ours), new globalThis.TextEncoder().encodeInto(text, node), `room for ${size}`);
    assert.deepEqual(ours, node);
  }
});

test("labels other than UTF-8's are refused clearly", () => {
  assert.equal(new TextDecoder(" UTF8 ").encoding, "utf-8");
  assert.throws(() => new TextDecoder("latin1"), /"latin1" encoding is not supported/);
});

test("the reference encoder handles a long string", () => {
  const text = randomText(random(3), 20_000);
  assert.deepEqual(utf8EncodeReference(text), new Uint8Array(Buffer.from(text)));
});
