// node:buffer (the npm `buffer` package with base64url added) against Node's
// own Buffer: the same calls must give the same bytes, strings and numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeBuffer from "node:buffer";
import * as toroBuffer from "../../../lib/node/buffer.ts";

type BufferClass = typeof nodeBuffer.Buffer;
const show = (value: unknown): unknown =>
  value instanceof Uint8Array ? `bytes ${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}` : value;

/** Each case runs against both Buffers; a thrown error counts as its constructor's name. */
function same(name: string, run: (B: BufferClass) => unknown) {
  const outcome = (B: BufferClass) => {
    try {
      const value = run(B);
      return Array.isArray(value) ? value.map(show) : show(value);
    } catch (error) {
      return `throws ${(error as Error).constructor.name}`;
    }
  };
  assert.deepEqual(outcome(toroBuffer.Buffer as unknown as BufferClass), outcome(nodeBuffer.Buffer), name);
}

const text = "héllo, wörld € 𝄞 ~~>>??";

test("strings encode and decode as in Node, in every encoding", () => {
  for (const encoding of ["utf8", "utf-8", "hex", "base64", "base64url", "latin1", "binary", "ascii", "ucs2", "utf16le"] as const) {
    same(`${encoding} encode`, (B) => B.from(text).toString(encoding));
    same(`${encoding} round trip`, (B) => B.from(B.from(text).toString(encoding), encoding));
    same(`${encoding} byteLength`, (B) => B.byteLength(B.from(text).toString(encoding), encoding));
    same(`${encoding} isEncoding`, (B) => B.isEncoding(encoding.toUpperCase()));
    same(`${encoding} range`, (B) => B.from(text).toString(encoding, 2, 9));
  }
  same("unpadded base64url", (B) => B.from("aGk", "base64url").toString());
  same("base64 with URL characters", (B) => B.from("-_-_", "base64"));
  same("odd hex stops at the bad digit", (B) => B.from("abcxz1", "hex"));
  same("an unknown encoding", (B) => B.from("x", "nope" as BufferEncoding));
  same("an unknown encoding is not one", (B) => B.isEncoding("nope"));
});

test("allocation, concatenation, comparison and search behave as in Node", () => {
  same("alloc fill", (B) => B.alloc(5, "ab"));
  same("alloc fill base64url", (B) => B.alloc(6, "-_8", "base64url"));
  same("allocUnsafe length", (B) => B.allocUnsafe(7).length);
  same("from array", (B) => B.from([1, 256, -1, 3.7]));
  same("from arrayBuffer shares memory", (B) => {
    const raw = new Uint8Array([1, 2, 3, 4]);
    const view = B.from(raw.buffer, 1, 2);
    raw[1] = 9;
    return view;
  });
  same("concat", (B) => B.concat([B.from("ab"), B.from([0, 1]), new Uint8Array([7])]));
  same("concat to a length", (B) => B.concat([B.from("abc"), B.from("def")], 4));
  same("compare", (B) => [B.compare(B.from("a"), B.from("b")), B.from("b").compare(B.from("a")), B.from("ab").equals(B.from("ab"))]);
  same("indexOf and includes", (B) => {
    const b = B.from("one two three two");
    return [b.indexOf("two"), b.lastIndexOf("two"), b.indexOf("two", 5), b.includes("three"), b.indexOf(B.from("ee")), b.indexOf(0x74)];
  });
  same("slice and subarray share memory", (B) => {
    const b = B.from("abcdef");
    const part = b.subarray(1, 3);
    part[0] = 0x5a;
    return [b.toString(), b.slice(-2).toString(), B.isBuffer(part)];
  });
  same("copy", (B) => {
    const target = B.alloc(6, ".");
    const copied = B.from("xyz").copy(target, 2);
    return [copied, target.toString()];
  });
  same("swap16/32/64", (B) => [B.from([1, 2, 3, 4, 5, 6, 7, 8]).swap16(), B.from([1, 2, 3, 4, 5, 6, 7, 8]).swap32(), B.from([1, 2, 3, 4, 5, 6, 7, 8]).swap64()]);
  same("toJSON", (B) => JSON.stringify(B.from("hi")));
  same("reverse and iteration", (B) => [[...B.from("abc").entries()].join(";"), B.from("abc").reverse()]);
});

test("numbers read and written as in Node, at every width and byte order", () => {
  same("integers", (B) => {
    const b = B.alloc(16);
    b.writeUInt8(200, 0);
    b.writeInt8(-5, 1);
    b.writeUInt16LE(0xbeef, 2);
    b.writeInt16BE(-1234, 4);
    b.writeUInt32LE(0xdeadbeef, 6);
    b.writeInt32BE(-123456789, 10);
    return [b, b.readUInt8(0), b.readInt8(1), b.readUInt16LE(2), b.readInt16BE(4), b.readUInt32LE(6), b.readInt32BE(10), b.readUInt16BE(2)];
  });
  same("variable widths", (B) => {
    const b = B.alloc(12);
    b.writeUIntBE(0x123456, 0, 3);
    b.writeIntLE(-0x123456789a, 3, 5);
    return [b, b.readUIntBE(0, 3), b.readIntLE(3, 5), b.readUIntLE(0, 6)];
  });
  same("floats and big integers", (B) => {
    const b = B.alloc(24);
    b.writeFloatLE(1.5, 0);
    b.writeDoubleBE(Math.PI, 4);
    b.writeBigInt64LE(-(2n ** 62n), 12);
    return [b, b.readFloatLE(0), b.readDoubleBE(4), b.readBigInt64LE(12), b.readBigUInt64BE(12)];
  });
  same("out of range", (B) => B.alloc(2).readUInt32LE(0));
  same("a value too large", (B) => B.alloc(2).writeUInt8(300, 0));
});

test("the module's other members are Node's", () => {
  for (const input of [new Uint8Array([0x68, 0x69]), new Uint8Array([0xe2, 0x82, 0xac]), new Uint8Array([0xe2, 0x82]), new Uint8Array([0xff]), new Uint8Array([])]) {
    assert.equal(toroBuffer.isUtf8(input), nodeBuffer.isUtf8(input));
    assert.equal(toroBuffer.isAscii(input), nodeBuffer.isAscii(input));
    assert.equal(toroBuffer.isUtf8(input.buffer), nodeBuffer.isUtf8(input.buffer));
  }
  assert.equal(toroBuffer.INSPECT_MAX_BYTES, nodeBuffer.INSPECT_MAX_BYTES);
  assert.equal(toroBuffer.constants.MAX_LENGTH, toroBuffer.kMaxLength);
  assert.equal(typeof toroBuffer.SlowBuffer, "function");
  assert.equal(toroBuffer.default.Buffer, toroBuffer.Buffer);
  assert.throws(() => toroBuffer.isUtf8("text" as never), TypeError);
});
