import { test } from "node:test";
import assert from "node:assert/strict";
import { Response } from "../../../lib/http/response.ts";
import { exchange, open, statusLines, withoutDate } from "./harness.ts";

const hello = () => new Response("hi");
const GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

test("a GET gets a Content-Length answer, and keep-alive is the default", async () => {
  const output = await exchange([GET], hello);
  assert.equal(output, "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 2\r\n\r\nhi");
});

test("the handler sees method, absolute URL, headers, body and the peer", async () => {
  let seen: unknown;
  await exchange(["POST /a/b?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nX-Thing: yes\r\nContent-Length: 5\r\n\r\nhello"],
    async (request, info) => {
      seen = [request.method, request.url, request.headers.get("x-thing"), await request.text(), info.remoteAddress];
      return new Response(null, { status: 204 });
    });
  assert.deepEqual(seen, ["POST", "http://example.com:8080/a/b?q=1", "yes", "hello", "10.0.2.2"]);
});

test("the Date header is sent", async () => {
  const { stream, served } = open(hello);
  stream.send(GET);
  stream.finish();
  await served;
  assert.match(stream.output, /\r\ndate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
});

test("keep-alive: requests sent apart on one connection are all answered", async () => {
  const { stream, served } = open(hello);
  for (let i = 1; i <= 3; i++) {
    stream.send(GET);
    await stream.waitFor((output) => statusLines(output).length === i);
    assert.equal(stream.isClosed, false);
  }
  stream.finish();
  await served;
  assert.equal(statusLines(stream.output).length, 3);
});

test("Connection: close from the client closes after the answer", async () => {
  const { stream, served } = open(hello);
  stream.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  stream.send(GET); // Must not be answered.
  await served;
  assert.equal(statusLines(stream.output).length, 1);
  assert.match(stream.output, /\r\nconnection: close\r\n/);
  assert.equal(stream.isClosed, true);
});

test("Connection: close from the handler closes after the answer", async () => {
  const output = await exchange([GET + GET], () => new Response("bye", { headers: { connection: "close" } }));
  assert.equal(statusLines(output).length, 1);
  assert.match(output, /\r\nconnection: close\r\n/);
});

test("HTTP/1.0 closes by default and keeps alive when asked", async () => {
  const closing = await exchange(["GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n"], hello);
  assert.equal(statusLines(closing).length, 1);
  assert.match(closing, /connection: close/);
  const kept = await exchange(["GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n"], hello);
  assert.equal(statusLines(kept).length, 2);
  assert.match(kept, /connection: keep-alive/);
});

test("HEAD gets the headers and length of a GET but no body", async () => {
  const output = await exchange(["HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + GET], () => new Response("hello"));
  assert.equal(output,
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 5\r\n\r\n" +
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 5\r\n\r\nhello");
});

test("HEAD with a streamed body sends no body and does not drain the stream", async () => {
  let pulled = 0;
  async function* body() { pulled++; yield "x"; }
  const output = await exchange(["HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"], () => new Response(body()));
  assert.equal(output, "HTTP/1.1 200 OK\r\n\r\n");
  assert.equal(pulled, 0);
});

test("a handler that throws gets a 500, is logged, and the connection goes on", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const output = await exchange([GET + GET], () => {
    if (calls++ === 0) throw new Error("boom");
    return new Response("fine");
  }, { onError: (error) => errors.push(error) });
  assert.deepEqual(statusLines(output), ["HTTP/1.1 500 Internal Server Error", "HTTP/1.1 200 OK"]);
  assert.equal((errors[0] as Error).message, "boom");
});

test("a rejected promise or a non-Response is a 500 too", async () => {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  assert.deepEqual(statusLines(await exchange([GET], () => Promise.reject(new Error("no")), { onError })), ["HTTP/1.1 500 Internal Server Error"]);
  assert.deepEqual(statusLines(await exchange([GET], () => "text" as unknown as Response, { onError })), ["HTTP/1.1 500 Internal Server Error"]);
  assert.equal(errors.length, 2);
});

test("the default error log is console.error", async (t) => {
  const logged: unknown[][] = [];
  t.mock.method(console, "error", (...args: unknown[]) => { logged.push(args); });
  await exchange([GET], () => { throw new Error("logged"); });
  assert.equal(logged.length, 1);
  assert.match(String(logged[0][0]), /GET http:\/\/x\//);
});

test("a body that fails part way cuts the connection without a last chunk", async () => {
  const errors: unknown[] = [];
  async function* body() { yield "part"; throw new Error("broken"); }
  const output = await exchange([GET + GET], () => new Response(body()), { onError: (error) => errors.push(error) });
  assert.equal(output, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\npart\r\n");
  assert.equal((errors[0] as Error).message, "broken");
});

test("the peer closing mid-request ends serving quietly", async () => {
  const output = await exchange(["GET / HTTP/1.1\r\nHo"], hello);
  assert.equal(output, "");
});

test("withoutDate keeps everything else", () => {
  assert.equal(withoutDate("a\r\ndate: x\r\nb\r\n"), "a\r\nb\r\n");
});
