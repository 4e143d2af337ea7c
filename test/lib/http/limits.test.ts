import { test } from "node:test";
import assert from "node:assert/strict";
import { Response } from "../../../lib/http/response.ts";
import { type FetchHandler } from "../../../lib/http/serve.ts";
import { exchange, open, statusLines, withoutDate } from "./harness.ts";

let handled = 0;
const counting: FetchHandler = () => { handled++; return new Response("ok"); };
// Reads the whole body first, so a body that breaks the framing or a limit fails the handler.
const reading: FetchHandler = async (request) => new Response(String((await request.bytes()).length));

/** The status lines a server answers `input` with, and that it closed after an error. */
async function answer(input: string, options = {}, handler = counting): Promise<string[]> {
  const { stream, served } = open(handler, options);
  stream.send(input);
  // No EOF from the client: an error answer must close the connection by itself.
  await served;
  assert.equal(stream.isClosed, true);
  return statusLines(stream.output);
}

test("malformed requests get a 400 and a closed connection", async () => {
  const bad = [
    "GET\r\n\r\n",
    "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
    "G@T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\n\r\n", // no Host
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\nX: \x01\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\nab",
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "GET nothing HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: bad host\r\n\r\n",
  ];
  handled = 0;
  for (const input of bad) assert.deepEqual(await answer(input), ["HTTP/1.1 400 Bad Request"], JSON.stringify(input));
  assert.equal(handled, 0);
});

const BAD_CHUNKS = [
  "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
  "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
];

test("bad chunk framing is a 400 when the handler reads the body", async () => {
  for (const input of BAD_CHUNKS) assert.deepEqual(await answer(input, {}, reading), ["HTTP/1.1 400 Bad Request"], JSON.stringify(input));
});

test("a handler that answers without reading a broken body is answered, then the connection closes", async () => {
  for (const input of BAD_CHUNKS) assert.deepEqual(await answer(input + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ["HTTP/1.1 200 OK"], JSON.stringify(input));
});

test("repeated equal Content-Length values are accepted", async () => {
  assert.deepEqual(await exchange(["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\nab"], counting).then(statusLines), ["HTTP/1.1 200 OK"]);
});

test("an unknown transfer coding is a 501, another HTTP major version a 505", async () => {
  assert.deepEqual(await answer("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), ["HTTP/1.1 501 Not Implemented"]);
  assert.deepEqual(await answer("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), ["HTTP/1.1 505 HTTP Version Not Supported"]);
});

test("headers over the byte limit are a 431, also when they never end", async () => {
  const long = `GET / HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(300)}\r\n\r\n`;
  assert.deepEqual(await answer(long, { maxHeaderBytes: 256 }), ["HTTP/1.1 431 Request Header Fields Too Large"]);
  assert.deepEqual(await answer(`GET / HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(300)}`, { maxHeaderBytes: 256 }), ["HTTP/1.1 431 Request Header Fields Too Large"]);
  const many = `GET / HTTP/1.1\r\nHost: x\r\n${"A: b\r\n".repeat(60)}\r\n`;
  assert.deepEqual(await answer(many, { maxHeaderBytes: 256 }), ["HTTP/1.1 431 Request Header Fields Too Large"]);
  assert.deepEqual(await exchange([long], counting, { maxHeaderBytes: 400 }).then(statusLines), ["HTTP/1.1 200 OK"]);
});

test("more header fields than the count limit are a 431", async () => {
  const fields = (n: number) => `GET / HTTP/1.1\r\nHost: x\r\n${"A: b\r\n".repeat(n)}\r\n`;
  assert.deepEqual(await answer(fields(10), { maxHeaderCount: 10 }), ["HTTP/1.1 431 Request Header Fields Too Large"]);
  assert.deepEqual(await exchange([fields(9)], counting, { maxHeaderCount: 10 }).then(statusLines), ["HTTP/1.1 200 OK"]);
});

test("a body over the limit is a 413, announced (before the handler runs) or chunked, and huge lengths do not overflow", async () => {
  const options = { maxBodyBytes: 10 };
  handled = 0;
  assert.deepEqual(await answer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", options), ["HTTP/1.1 413 Content Too Large"]);
  assert.deepEqual(await answer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", options), ["HTTP/1.1 413 Content Too Large"]);
  assert.equal(handled, 0);
  assert.deepEqual(await answer("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\nabcde\r\n", options, reading), ["HTTP/1.1 413 Content Too Large"]);
  assert.deepEqual(await answer("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", options, reading), ["HTTP/1.1 413 Content Too Large"]);
  const exact = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n5\r\nabcde\r\n0\r\n\r\n";
  assert.deepEqual(await exchange([exact], reading, options).then(statusLines), ["HTTP/1.1 200 OK"]);
});

test("a chunked body that passes the limit while streamed back cuts the answer and closes", async () => {
  const { stream, served } = open((request) => new Response(request.body), { maxBodyBytes: 10 });
  stream.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n");
  await stream.waitFor((output) => output.includes("abcdef"));
  stream.send("5\r\nabcde\r\n");
  await served;
  assert.equal(withoutDate(stream.output), "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\nabcdef\r\n");
  assert.equal(stream.isClosed, true);
});

test("chunked trailers count against the header limit", async () => {
  const input = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ${"a".repeat(300)}\r\n\r\n`;
  assert.deepEqual(await answer(input, { maxHeaderBytes: 256 }, reading), ["HTTP/1.1 431 Request Header Fields Too Large"]);
});

test("an idle keep-alive connection is closed quietly", async () => {
  const { stream, served } = open(counting, { idleTimeoutMs: 30 });
  stream.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const started = performance.now();
  await served;
  assert.ok(performance.now() - started >= 25);
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 200 OK"]);
  assert.equal(stream.isClosed, true);
});

test("a connection that never sends is closed after the idle timeout", async () => {
  const { stream, served } = open(counting, { idleTimeoutMs: 20 });
  await served;
  assert.equal(stream.output, "");
  assert.equal(stream.isClosed, true);
});

test("a request that trickles in too slowly gets a 408", async () => {
  const { stream, served } = open(counting, { requestTimeoutMs: 40 });
  stream.send("GET / HTTP/1.1\r\n");
  const timer = setInterval(() => stream.send("A: b\r\n"), 5); // Busy, but never done.
  await served;
  clearInterval(timer);
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 408 Request Timeout"]);
});

test("a body that stalls gets a 408", async () => {
  const { stream, served } = open(reading, { requestTimeoutMs: 30 });
  stream.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 408 Request Timeout"]);
});

test("Expect: 100-continue is answered before the body is read", async () => {
  let body = "";
  const { stream, served } = open(async (request) => { body = await request.text(); return new Response("got it"); });
  stream.send("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  await stream.waitFor((output) => output.length > 0);
  assert.equal(stream.output, "HTTP/1.1 100 Continue\r\n\r\n");
  stream.send("data");
  await stream.waitFor((output) => output.endsWith("got it"));
  stream.finish();
  await served;
  assert.equal(body, "data");
});

test("Expect: 100-continue with a body over the limit is refused with a 413 and no 100", async () => {
  assert.deepEqual(await answer("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n", { maxBodyBytes: 10 }),
    ["HTTP/1.1 413 Content Too Large"]);
});

test("Expect: 100-continue without a body sends no 100; other expectations are a 417", async () => {
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n"], counting);
  assert.deepEqual(statusLines(output), ["HTTP/1.1 200 OK"]);
  assert.deepEqual(await answer("PUT / HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 1\r\n\r\nx"), ["HTTP/1.1 417 Expectation Failed"]);
});

test("after an error answer the server keeps reading briefly, then closes", async () => {
  const { stream, served } = open(counting, { lingerMs: 1000 });
  stream.send("GET / HTTP/2.0\r\n\r\n");
  await stream.waitFor(() => stream.ended);
  assert.match(stream.output, /505/);
  assert.equal(stream.isClosed, false);
  stream.send("more bytes the client had in flight");
  stream.finish();
  await served;
  assert.equal(stream.isClosed, true);
});
