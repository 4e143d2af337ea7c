// The limits on what a client controls, each with its status and its count:
// request line (414), head deadline (slowloris, 408), idle keep-alive (close),
// open connections (closed unread); and the counters a server keeps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Connections } from "../../../lib/http/connections.ts";
import { Response } from "../../../lib/http/response.ts";
import { createStats } from "../../../lib/http/stats.ts";
import type { ConnectionOptions, FetchHandler } from "../../../lib/http/serve.ts";
import { MemoryStream } from "./memory-stream.ts";
import { exchange, open, statusLines } from "./harness.ts";

const ok: FetchHandler = () => new Response("ok");
const GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async function answer(input: string, options: ConnectionOptions = {}): Promise<string[]> {
  const { stream, served } = open(ok, options);
  stream.send(input);
  await served;
  assert.equal(stream.isClosed, true);
  return statusLines(stream.output);
}

test("a request line over maxRequestLineBytes is a 414, also when it never ends; one within it is served", async () => {
  const line = (length: number) => `GET /${"a".repeat(length - "GET / HTTP/1.1\r\n".length)} HTTP/1.1\r\n`;
  assert.equal(line(100).length, 100);
  assert.deepEqual(await answer(line(101) + "Host: x\r\n\r\n", { maxRequestLineBytes: 100 }), ["HTTP/1.1 414 URI Too Long"]);
  assert.deepEqual(await answer(`GET /${"a".repeat(200)}`, { maxRequestLineBytes: 100 }), ["HTTP/1.1 414 URI Too Long"]);
  assert.deepEqual(statusLines(await exchange([line(100) + "Host: x\r\n\r\n"], ok, { maxRequestLineBytes: 100 })), ["HTTP/1.1 200 OK"]);
});

test("the default request line limit is 8 KiB", async () => {
  const target = "/" + "a".repeat(8 * 1024);
  assert.deepEqual(await answer(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`), ["HTTP/1.1 414 URI Too Long"]);
  assert.deepEqual(statusLines(await exchange([`GET ${target.slice(0, 4000)} HTTP/1.1\r\nHost: x\r\n\r\n`], ok)), ["HTTP/1.1 200 OK"]);
});

test("when the header limit is the tighter one, a long request line is a 431", async () => {
  assert.deepEqual(await answer(`GET /${"a".repeat(300)} HTTP/1.1\r\nHost: x\r\n\r\n`, { maxHeaderBytes: 256, maxRequestLineBytes: 1000 }),
    ["HTTP/1.1 431 Request Header Fields Too Large"]);
});

test("slowloris: a head trickled in byte by byte gets a 408 at the headers deadline, which bytes do not renew", async () => {
  const { stream, served } = open(ok, { headersTimeoutMs: 40, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000 });
  stream.send("G");
  const trickle = "ET / HTTP/1.1\r\nHost: x\r\n" + "X: y\r\n".repeat(10_000);
  let at = 0;
  const timer = setInterval(() => stream.send(trickle[at++]), 2);
  await served;
  clearInterval(timer);
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 408 Request Timeout"]);
  assert.ok(at < trickle.length, "the head was cut off before it ended");
});

test("after the head, the body has what is left of the request timeout", async () => {
  const stats = createStats();
  const reading: FetchHandler = async (request) => new Response(await request.text());
  const { stream, served } = open(reading, { headersTimeoutMs: 60_000, requestTimeoutMs: 40, stats });
  stream.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 408 Request Timeout"]);
  assert.deepEqual(stats.rejected, { 408: 1 });
});

test("a head that arrives in time within a slow start is served: the deadline counts from the request's first byte", async () => {
  const { stream, served } = open(ok, { headersTimeoutMs: 60_000, idleTimeoutMs: 60_000 });
  await new Promise((resolve) => setTimeout(resolve, 30));
  stream.send("GET / HTTP/1.1\r\n");
  await new Promise((resolve) => setTimeout(resolve, 5));
  stream.send("Host: x\r\n\r\n");
  stream.finish();
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 200 OK"]);
});

test("every error answer, idle close, mid-request close and request is counted", async () => {
  const stats = createStats();
  const options = { stats, maxRequestLineBytes: 64, maxHeaderCount: 3, maxBodyBytes: 4, idleTimeoutMs: 5 };
  await answer("GET /" + "a".repeat(100) + " HTTP/1.1\r\n", options);
  await answer("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", options);
  await answer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n", options);
  await answer("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", options);
  await answer("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + GET, options); // two answered, then idle
  await exchange(["GET / HTTP/1.1\r\nHo"], ok, options); // the client leaves in the middle
  assert.deepEqual(stats, {
    connections: 0, accepted: 6, refused: 0, requests: 2, idleTimeouts: 1, aborted: 1,
    rejected: { 400: 1, 413: 1, 414: 1, 431: 1 },
  });
});

test("past maxConnections a connection is closed unread and counted; once one closes, a new one is served", async () => {
  const connections = new Connections(ok, { lingerMs: 0, idleTimeoutMs: 60_000 }, 2);
  const first = new MemoryStream(), second = new MemoryStream(), third = new MemoryStream();
  connections.accept(first);
  connections.accept(second);
  third.send(GET);
  connections.accept(third);
  assert.equal(third.isClosed, true);
  assert.equal(third.output, "");
  assert.deepEqual([connections.stats.connections, connections.stats.accepted, connections.stats.refused], [2, 2, 1]);

  first.send(GET);
  await first.waitFor((output) => output.includes("ok"));
  first.finish();
  await first.closed;
  const fourth = new MemoryStream();
  connections.accept(fourth);
  fourth.send(GET);
  fourth.finish();
  await fourth.closed;
  assert.deepEqual(statusLines(fourth.output), ["HTTP/1.1 200 OK"]);
  second.finish();
  await connections.closed();
  assert.deepEqual([connections.stats.connections, connections.stats.accepted, connections.stats.refused, connections.stats.requests], [0, 3, 1, 2]);
});

test("a lowercase get or head with a body is served, its body dropped (fetch uppercases the method and forbids the body)", async () => {
  let seen = "";
  const output = await exchange(["get / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" + GET], (request) => {
    seen += `${request.method} ${request.body === null} `;
    return new Response("ok");
  });
  assert.deepEqual(statusLines(output), ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
  assert.equal(seen, "GET true GET true ");
});
