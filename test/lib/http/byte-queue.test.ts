import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteQueue } from "../../../lib/http/byte-queue.ts";

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (data: Uint8Array) => String.fromCharCode(...data);

test("finds a line feed across chunks and takes pieces spanning them", () => {
  const queue = new ByteQueue();
  queue.push(bytes("ab"));
  assert.equal(queue.indexOfLineFeed(), -1);
  queue.push(bytes(""));
  queue.push(bytes("c\r"));
  assert.equal(queue.indexOfLineFeed(), -1);
  queue.push(bytes("\nde\n"));
  assert.equal(queue.indexOfLineFeed(), 4);
  assert.equal(text(queue.take(5)), "abc\r\n");
  assert.equal(queue.indexOfLineFeed(), 2);
  assert.equal(queue.length, 3);
  assert.equal(text(queue.take(3)), "de\n");
  assert.equal(queue.length, 0);
  assert.throws(() => queue.take(1), RangeError);
});

test("a piece within one chunk is a view, not a copy", () => {
  const queue = new ByteQueue();
  const chunk = bytes("hello");
  queue.push(chunk);
  const piece = queue.take(3);
  assert.equal(piece.buffer, chunk.buffer);
});

test("a long line fed byte by byte is scanned once, not rescanned per byte", (t) => {
  // Count the bytes every search looks at: rescanning from the front would look at n²/2.
  let examined = 0;
  const indexOf = Uint8Array.prototype.indexOf;
  t.mock.method(Uint8Array.prototype, "indexOf", function (this: Uint8Array, value: number, from = 0) {
    const at = indexOf.call(this, value, from);
    examined += (at < 0 ? this.length : at + 1) - from;
    return at;
  });
  const queue = new ByteQueue();
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    queue.push(Uint8Array.of(97));
    assert.equal(queue.indexOfLineFeed(), -1);
  }
  queue.push(Uint8Array.of(10));
  assert.equal(queue.indexOfLineFeed(), n);
  assert.equal(queue.take(n + 1).length, n + 1);
  assert.equal(examined, n + 1);
});
