// Request and Response bodies as ReadableStreams (made only when asked for),
// bodyUsed and locking as the fetch standard has them, clone() by tee, and
// bodies read whole held once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ReadableStream } from "web-streams-polyfill";
import { Body, type BodySource } from "../../../lib/http/body.ts";
import { Request } from "../../../lib/http/request.ts";
import { Response } from "../../../lib/http/response.ts";
import { CompressionStream } from "../../../lib/web/compression-streams.ts";
import { TextDecoderStream } from "../../../lib/web/text-streams.ts";
import { gunzipSync } from "node:zlib";
import { exchange } from "./harness.ts";

const bytesOf = (text: string) => new TextEncoder().encode(text);

test("body is one ReadableStream, null without a body; reading it sets bodyUsed and then text() fails", async () => {
  assert.equal(new Response().body, null);
  assert.equal(new Request("http://x/").body, null);
  const response = new Response("hello");
  const body = response.body!;
  assert.ok(body instanceof ReadableStream);
  assert.equal(response.body, body);
  assert.equal(response.bodyUsed, false);
  const reader = body.getReader();
  assert.equal(response.bodyUsed, false); // a reader alone does not disturb it
  await assert.rejects(response.text(), TypeError); // but it locks it
  assert.deepEqual(await reader.read(), { value: bytesOf("hello"), done: false });
  assert.equal(response.bodyUsed, true);
  assert.deepEqual(await reader.read(), { value: undefined, done: true });
  reader.releaseLock();
  await assert.rejects(response.text(), TypeError);
});

test("text() without touching body makes no stream; a stream made but unread still reads through the fast path", async () => {
  const response = new Response("abc");
  assert.equal(await response.text(), "abc");
  assert.equal(response.bodyUsed, true);
  await assert.rejects(response.arrayBuffer(), TypeError);
  const touched = new Response("def");
  assert.ok(touched.body);
  assert.deepEqual(Body.knownBytes(touched), bytesOf("def")); // still sent with a Content-Length
  assert.equal(await touched.text(), "def");
  await assert.rejects(touched.body!.getReader().read(), TypeError); // the stream finds the body gone
});

test("new Response(readableStream) reads it; a locked one is refused; chunks may be strings or bytes", async () => {
  const stream = new ReadableStream({ start(c) { c.enqueue(bytesOf("a")); c.enqueue("b"); c.close(); } });
  assert.equal(await new Response(stream).text(), "ab");
  const locked = new ReadableStream();
  locked.getReader();
  assert.throws(() => new Response(locked), TypeError);
  // Node's own ReadableStream is taken as well.
  const native = new globalThis.ReadableStream({ start(c) { c.enqueue(bytesOf("n")); c.close(); } });
  assert.equal(await new Response(native as never).text(), "n");
});

test("async iterables stay bodies; body streams them on demand and cancelling stops the producer", async () => {
  let produced = 0, stopped = false;
  async function* numbers() {
    try {
      for (;;) { produced++; yield bytesOf(String(produced)); }
    } finally {
      stopped = true;
    }
  }
  const response = new Response(numbers());
  assert.equal(produced, 0);
  const chunks: string[] = [];
  for await (const chunk of response.body!) {
    chunks.push(new TextDecoder().decode(chunk));
    if (chunks.length === 3) break;
  }
  assert.deepEqual(chunks, ["1", "2", "3"]);
  assert.equal(stopped, true);
  assert.equal(response.bodyUsed, true);
});

test("clone() tees a streamed body: both read all of it; a clone of bytes is a copy", async () => {
  async function* parts() { yield "x"; yield "y"; }
  const original = new Response(parts());
  const copy = original.clone();
  assert.equal(await copy.text(), "xy");
  assert.equal(await original.text(), "xy");
  const request = new Request("http://x/", { method: "POST", body: "z" });
  const requestCopy = request.clone();
  assert.equal(await request.text(), "z");
  assert.equal(await requestCopy.text(), "z");
  await assert.rejects(request.text(), TypeError);
  assert.throws(() => request.clone(), TypeError);
});

test("new Request(request) moves the body: the first counts as used", async () => {
  const first = new Request("http://x/", { method: "PUT", body: "moved" });
  const second = new Request(first);
  assert.equal(first.bodyUsed, true);
  assert.equal(await second.text(), "moved");
  const bodiless = new Request("http://x/");
  new Request(bodiless);
  assert.equal(bodiless.bodyUsed, false);
});

test("body pipes through TextDecoderStream and CompressionStream", async () => {
  const text = new Response("héllo").body!.pipeThrough(new TextDecoderStream() as never);
  const parts: string[] = [];
  for await (const part of text) parts.push(part as string);
  assert.equal(parts.join(""), "héllo");
  const zipped = new Response(new Response("z".repeat(5000)).body!.pipeThrough(new CompressionStream("gzip") as never));
  assert.equal(gunzipSync(new Uint8Array(await zipped.arrayBuffer())).toString(), "z".repeat(5000));
});

/** A source that announces `expected` bytes and yields `chunks`, recording what was done with it. */
function announced(expected: number, chunks: Uint8Array[]): BodySource {
  return { expectedBytes: expected, async *[Symbol.asyncIterator]() { yield* chunks; } };
}

test("a body of announced length is read into one array of that length, its buffer given without a copy", async () => {
  const chunks = [bytesOf("abc"), bytesOf("defg"), bytesOf("h")];
  const buffer = await new Response(announced(8, chunks) as never).arrayBuffer();
  assert.equal(buffer.byteLength, 8);
  assert.equal(new TextDecoder().decode(buffer), "abcdefgh");
  // A source that gives fewer or more than it announced still gives all it had.
  assert.equal(await new Response(announced(20, chunks) as never).text(), "abcdefgh");
  assert.equal(await new Response(announced(4, chunks) as never).text(), "abcdefgh");
  // Bytes made from a string come back as they are, not copied again.
  const whole = new Response("whole");
  assert.equal((await whole.arrayBuffer()).byteLength, 5);
});

test("the server streams a ReadableStream response chunked, and a handler reads the request through a reader", async () => {
  const output = await exchange(["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"], async (request) => {
    const reader = request.body!.getReader();
    let seen = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += new TextDecoder().decode(r.value);
    const stream = new ReadableStream({ start(c) { c.enqueue(bytesOf(seen)); c.enqueue(bytesOf("!")); c.close(); } });
    return new Response(stream);
  });
  assert.equal(output, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n1\r\n!\r\n0\r\n\r\n");
});

test("a handler whose Response body was read already gets a 500, and a HEAD answer cancels a stream", async () => {
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"], async () => {
    const response = new Response("once");
    await response.text();
    return response;
  }, { onError: () => {} });
  assert.match(output, /^HTTP\/1\.1 500 /);
  let cancelled = false;
  const head = await exchange(["HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"], () =>
    new Response(new ReadableStream({ pull(c) { c.enqueue(bytesOf("never")); }, cancel() { cancelled = true; } })));
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.equal(cancelled, true);
});
