import { test } from "node:test";
import assert from "node:assert/strict";
import { Response } from "../../../lib/http/response.ts";
import { type FetchHandler } from "../../../lib/http/serve.ts";
import { exchange, open, statusLines } from "./harness.ts";

// Answers with what it received, so any mis-framing shows in the output.
const echo: FetchHandler = async (request) =>
  new Response(`${request.method} ${request.url} [${request.method === "GET" ? "" : await request.text()}]`);

const PIPELINE =
  "GET /one HTTP/1.1\r\nHost: x\r\n\r\n" +
  "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
  "POST /three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0A\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n" +
  "GET /four HTTP/1.1\r\nHost: x\r\n\r\n";

test("requests split at every byte boundary parse the same as whole", async () => {
  const whole = await exchange([PIPELINE], echo);
  assert.deepEqual(statusLines(whole).length, 4);
  assert.match(whole, /POST http:\/\/x\/three \[abc0123456789\]/);
  for (let cut = 1; cut < PIPELINE.length; cut++) {
    const split = await exchange([PIPELINE.slice(0, cut), PIPELINE.slice(cut)], echo);
    assert.equal(split, whole, `cut at ${cut}`);
  }
});

test("requests fed one byte at a time parse the same as whole", async () => {
  const whole = await exchange([PIPELINE], echo);
  assert.equal(await exchange([...PIPELINE], echo), whole);
});

test("pipelined answers leave in request order even when earlier handlers are slower", async () => {
  const delays: Record<string, number> = { "/a": 30, "/b": 0, "/c": 10 };
  const handler: FetchHandler = async (request) => {
    const path = new URL(request.url).pathname;
    await new Promise((resolve) => setTimeout(resolve, delays[path]));
    return new Response(path);
  };
  const output = await exchange([["/a", "/b", "/c"].map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join("")], handler);
  assert.deepEqual(output.match(/\/[abc]$|\/[abc](?=HTTP)/g), ["/a", "/b", "/c"]);
});

test("a Content-Length body split across many reads arrives whole", async () => {
  const body = "x".repeat(10_000);
  const head = `PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`;
  const chunks = [head];
  for (let i = 0; i < body.length; i += 1000) chunks.push(body.slice(i, i + 1000));
  const output = await exchange(chunks, async (request) => new Response(String((await request.text()).length)));
  assert.match(output, /\r\n\r\n10000$/);
});

test("binary request bodies come through byte for byte", async () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const head = new TextEncoder().encode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 256\r\n\r\n");
  let received: Uint8Array | undefined;
  await exchange([head, bytes], async (request) => {
    received = await request.bytes();
    return new Response(null, { status: 204 });
  });
  assert.deepEqual(received, bytes);
});

test("a streamed response goes out chunked, empty chunks skipped", async () => {
  async function* body() { yield "hello "; yield ""; yield new TextEncoder().encode("world, and more"); }
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\n\r\n"], () => new Response(body()));
  assert.equal(output, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\nhello \r\nf\r\nworld, and more\r\n0\r\n\r\n");
});

test("a streamed response with a stated Content-Length is sent raw", async () => {
  async function* body() { yield "ab"; yield "cd"; }
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\n\r\n"],
    () => new Response(body(), { headers: { "content-length": "4" } }));
  assert.equal(output, "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nabcd");
});

test("a streamed response to HTTP/1.0 ends with the connection, not chunks", async () => {
  async function* body() { yield "ab"; yield "cd"; }
  const output = await exchange(["GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"], () => new Response(body()));
  assert.equal(output, "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nabcd");
});

test("a streamed response is written as it is produced", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  async function* body() { yield "first"; await gate; yield "second"; }
  const { stream, served } = open(() => new Response(body()));
  stream.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  await stream.waitFor((output) => output.includes("first"));
  assert.doesNotMatch(stream.output, /second/);
  release();
  await stream.waitFor((output) => output.endsWith("0\r\n\r\n"));
  stream.finish();
  await served;
});

test("handler framing headers are replaced by the server's own", async () => {
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\n\r\n"],
    () => new Response("abc", { headers: { "content-length": "99", "transfer-encoding": "gzip" } }));
  assert.equal(output, "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 3\r\n\r\nabc");
});

test("204 and 304 carry no body framing", async () => {
  const output = await exchange(["GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"],
    (() => { let n = 0; return () => new Response(null, { status: n++ === 0 ? 204 : 304 }); })());
  assert.equal(output, "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n");
});

test("empty lines before a request line are ignored, and bare LF ends lines", async () => {
  const output = await exchange(["\r\n\r\nGET /lf HTTP/1.1\nHost: x\n\n"], echo);
  assert.match(output, /GET http:\/\/x\/lf \[\]$/);
});

test("an absolute-form target becomes the URL", async () => {
  const output = await exchange(["GET http://other.example/p?q HTTP/1.1\r\nHost: x\r\n\r\n"], echo);
  assert.match(output, /GET http:\/\/other\.example\/p\?q \[\]$/);
});

test("a body on a GET is read and dropped, keeping the stream in sync", async () => {
  const output = await exchange(["GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyzGET /b HTTP/1.1\r\nHost: x\r\n\r\n"], echo);
  assert.deepEqual(statusLines(output).length, 2);
  assert.match(output, /GET http:\/\/x\/b \[\]$/);
});
