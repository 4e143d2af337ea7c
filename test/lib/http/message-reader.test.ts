import { test } from "node:test";
import assert from "node:assert/strict";
import { MessageReader } from "../../../lib/http/message-reader.ts";
import { HttpError } from "../../../lib/http/errors.ts";
import { MemoryStream } from "./memory-stream.ts";

const LIMITS = { maxHeaderBytes: 1024, maxHeaderCount: 10 };

test("a head that is all here is taken without waiting, and the next message is seen as queued", async () => {
  const stream = new MemoryStream();
  const reader = new MessageReader(stream, LIMITS);
  stream.send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n");
  assert.equal(await reader.awaitMessage(1000), true);
  assert.deepEqual(reader.takeHead(), { startLine: "GET / HTTP/1.1", fields: [["host", "a"]] });
  assert.equal(reader.messageQueued, true);
  assert.deepEqual(reader.takeHead(), { startLine: "GET /2 HTTP/1.1", fields: [["host", "b"]] });
  assert.equal(reader.messageQueued, false);
  assert.equal(reader.takeHead(), undefined);
});

test("a head that is not all here: takeHead keeps its lines and readHead goes on from them", async () => {
  const stream = new MemoryStream();
  const reader = new MessageReader(stream, LIMITS);
  stream.send("\r\nPOST /x HTTP/1.1\r\nHost: a\r\nContent-Le");
  await reader.awaitMessage(1000);
  assert.equal(reader.takeHead(), undefined);
  const head = reader.readHead();
  stream.send("ngth: 3\r\n\r\nabc");
  assert.deepEqual(await head, { startLine: "POST /x HTTP/1.1", fields: [["host", "a"], ["content-length", "3"]] });
  assert.equal(reader.messageQueued, true, "the body's bytes stay queued");
});

test("the header limits hold across takeHead and readHead", async () => {
  const stream = new MemoryStream();
  const reader = new MessageReader(stream, { maxHeaderBytes: 40, maxHeaderCount: 10 });
  stream.send("GET / HTTP/1.1\r\nHost: a\r\n");
  await reader.awaitMessage(1000);
  assert.equal(reader.takeHead(), undefined);
  const head = reader.readHead();
  stream.send("X-Long: 0123456789012345\r\n\r\n");
  await assert.rejects(head, (error: unknown) => error instanceof HttpError && error.status === 431);
});
