// fetch()'s client (lib/http/client.ts) over in-memory connections the test
// answers byte by byte: what it sends, how it frames what it reads, its errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createFetch } from "../../../lib/http/client.ts";
import { ConnectionPool } from "../../../lib/http/connection-pool.ts";
import { Request } from "../../../lib/http/request.ts";
import { failure, requestComplete } from "./harness.ts";
import { MemoryStream } from "./memory-stream.ts";

/** A fetch whose every new connection is a MemoryStream handed to `serve`, which plays the server. */
function scripted(serve: (stream: MemoryStream, index: number) => void | Promise<void>) {
  const opened: { host: string; port: number; stream: MemoryStream }[] = [];
  const pool = new ConnectionPool();
  const fetch = createFetch(async (host, port) => {
    const stream = new MemoryStream();
    opened.push({ host, port, stream });
    void serve(stream, opened.length - 1);
    return stream;
  }, pool);
  return { fetch, opened, pool };
}

const headEnd = (output: string) => output.includes("\r\n\r\n");

/** A server that waits for the whole request, sends `pieces`, then closes. */
function answering(...pieces: string[]) {
  return async (stream: MemoryStream) => {
    await stream.waitFor(requestComplete);
    for (const piece of pieces) stream.send(piece);
    stream.finish();
  };
}

test("a GET: the request on the wire, and a Content-Length response", async () => {
  const { fetch, opened } = scripted(answering("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Twice: a\r\nX-Twice: b\r\nContent-Length: 5\r\n\r\nhello"));
  const response = await fetch("http://example.com:8080/path?q=1#fragment", { headers: { "X-Custom": "yes", Connection: "keep-alive" } });
  assert.deepEqual(opened.map(({ host, port }) => [host, port]), [["example.com", 8080]]);
  assert.equal(opened[0].stream.output, "GET /path?q=1 HTTP/1.1\r\nhost: example.com:8080\r\nx-custom: yes\r\naccept: */*\r\nconnection: keep-alive\r\n\r\n");
  assert.equal(response.status, 200);
  assert.equal(response.statusText, "OK");
  assert.equal(response.ok, true);
  assert.equal(response.url, "http://example.com:8080/path?q=1");
  assert.equal(response.redirected, false);
  assert.equal(response.headers.get("content-type"), "text/plain");
  assert.equal(response.headers.get("x-twice"), "a, b");
  // A small body is read before fetch resolves, so its connection is free even if nobody reads it:
  // here closed, as the server closed its side.
  assert.equal(opened[0].stream.isClosed, true);
  assert.equal(await response.text(), "hello");
});

const CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\nOther: y\r\n\r\n";

test("a chunked response, extensions and trailers skipped, split at every byte boundary", async () => {
  for (let cut = 1; cut < CHUNKED.length; cut++) {
    const { fetch } = scripted(answering(CHUNKED.slice(0, cut), CHUNKED.slice(cut)));
    assert.equal(await (await fetch("http://x/")).text(), "hello 0123456789", `cut at ${cut}`);
  }
  const { fetch } = scripted(answering(...CHUNKED));
  assert.equal(await (await fetch("http://x/")).text(), "hello 0123456789", "a byte at a time");
});

test("a body without a length ends when the server closes (HTTP/1.0 too)", async () => {
  for (const version of ["1.1", "1.0"]) {
    const { fetch } = scripted(answering(`HTTP/${version} 200 OK\r\nServer: old\r\n\r\nevery`, "thing"));
    assert.equal(await (await fetch("http://x/")).text(), "everything");
  }
});

test("HEAD, 204 and 304 have no body, whatever their fields say; interim 1xx answers are skipped", async () => {
  const head = scripted(answering("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
  const response = await head.fetch("http://x/", { method: "HEAD" });
  assert.equal(response.body, null);
  assert.equal(response.headers.get("content-length"), "100");
  for (const status of ["204 No Content", "304 Not Modified"]) {
    const { fetch } = scripted(answering(`HTTP/1.1 ${status}\r\nContent-Length: 3\r\n\r\n`));
    assert.equal((await fetch("http://x/")).body, null);
  }
  const interim = scripted(answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"));
  const created = await interim.fetch("http://x/", { method: "POST", body: "x" });
  assert.equal(created.status, 201);
  assert.equal(await created.text(), "ok");
});

test("a large body streams: fetch resolves at the head, and chunks come as they arrive", async () => {
  const size = 1 << 20;
  let server!: MemoryStream;
  const { fetch, pool } = scripted(async (stream) => {
    server = stream;
    await stream.waitFor(headEnd);
    stream.send(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
    stream.send(new Uint8Array(1000).fill(1));
  });
  const response = await fetch("http://x/big");
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body!) {
    chunks.push(chunk as Uint8Array);
    received += chunk.length;
    if (received === 1000) server.send(Uint8Array.from({ length: size - 1000 }, (_, i) => i & 0xff));
  }
  assert.equal(received, size);
  assert.equal(chunks.length, 2);
  // Read to its end: the connection waits in the pool for the next request, not keeping the service alive.
  assert.equal(server.isClosed, false);
  assert.equal(server.referenced, false);
  assert.equal(pool.idleCount("x:80"), 1);
  pool.close();
  assert.equal(server.isClosed, true);
});

test("request bodies: known ones with Content-Length, streamed ones chunked, an empty POST with 0", async () => {
  const { fetch, opened } = scripted(answering("HTTP/1.1 204 No Content\r\n\r\n"));
  await fetch("http://x/a", { method: "POST", body: "héllo" });
  async function* parts() { yield "one,"; yield new TextEncoder().encode("two"); }
  await fetch("http://x/b", { method: "PUT", body: parts() });
  await fetch("http://x/c", { method: "POST" });
  await fetch("http://x/d", { method: "post", body: new URLSearchParams({ q: "a b" }) });
  const [a, b, c, d] = opened.map(({ stream }) => stream.output);
  assert.equal(a, "POST /a HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain;charset=UTF-8\r\naccept: */*\r\ncontent-length: 6\r\nconnection: keep-alive\r\n\r\nh\xc3\xa9llo");
  assert.equal(b, "PUT /b HTTP/1.1\r\nhost: x\r\naccept: */*\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n");
  assert.match(c, /^POST \/c HTTP\/1\.1\r\n.*content-length: 0\r\n/s);
  assert.match(d, /content-type: application\/x-www-form-urlencoded;charset=UTF-8\r\naccept: \*\/\*\r\ncontent-length: 5\r\n.*\r\n\r\nq=a\+b$/s);
});

test("https and other schemes are a TypeError that says why; so are credentials in the URL", async () => {
  const { fetch, opened } = scripted(answering("HTTP/1.1 200 OK\r\n\r\n"));
  const https = await failure(fetch("https://example.com/"));
  assert.ok(https instanceof TypeError);
  assert.match(https.message, /https is not supported \(Toro has no TLS yet\)/);
  assert.match((await failure(fetch("ftp://example.com/"))).message, /only http: URLs/);
  assert.match((await failure(fetch("http://user:pw@example.com/"))).message, /credentials/);
  assert.ok((await failure(fetch("not a url"))) instanceof TypeError);
  assert.equal(opened.length, 0);
});

test("malformed responses are TypeError('fetch failed') with the reason as its cause", async () => {
  const bad = [
    "HTTP/1.1 OK\r\n\r\n",
    "HTTP/2.0 200 OK\r\n\r\n",
    "HTTP/1.1 200 OK\r\nBad Field: x\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nab",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
    "HTTP/1.1 999 Nine\r\n\r\n",
    "",
  ];
  for (const input of bad) {
    const { fetch } = scripted(answering(input));
    const error = await failure(fetch("http://x/").then((response) => response.text()));
    assert.ok(error instanceof TypeError, JSON.stringify(input));
    assert.equal(error.message, "fetch failed");
    assert.ok(error.cause instanceof Error, JSON.stringify(input));
  }
});

test("a streamed body cut short fails its reading, not the fetch", async () => {
  const { fetch } = scripted(answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"));
  const response = await fetch("http://x/");
  const error = await failure(response.text());
  assert.equal(error.message, "fetch failed");
  assert.match(String((error.cause as Error).message), /closed/);
});

test("a response head over 64 KiB is refused", async () => {
  const { fetch, opened } = scripted(async (stream) => {
    await stream.waitFor(headEnd);
    stream.send("HTTP/1.1 200 OK\r\n");
    for (let i = 0; i < 100; i++) stream.send(`X-Filler-${i}: ${"a".repeat(1000)}\r\n`); // Never ends.
  });
  const error = await failure(fetch("http://x/"));
  assert.equal(error.message, "fetch failed");
  assert.match((error.cause as Error).message, /over the limit/);
  assert.equal(opened[0].stream.isClosed, true);
});

test("a server that fails the connection is 'fetch failed' with its error as the cause", async () => {
  const refused = new Error("connection refused by 10.0.2.2:1");
  const fetch = createFetch(() => Promise.reject(refused));
  const error = await failure(fetch("http://10.0.2.2:1/"));
  assert.equal(error.message, "fetch failed");
  assert.equal(error.cause, refused);
});

/** A server that answers each connection in turn with the next of `answers` (after reading the request). */
function redirecting(answers: string[]) {
  return scripted(async (stream, index) => {
    await stream.waitFor(requestComplete);
    stream.send(answers[index]);
    stream.finish();
  });
}

const FINAL = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone";

test("redirects are followed: relative Location, 302 turns POST into GET, 307 keeps method and body", async () => {
  const { fetch, opened } = redirecting([
    "HTTP/1.1 302 Found\r\nLocation: /second?x=1\r\nContent-Length: 3\r\n\r\nbye",
    "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://other:81/third\r\n\r\n",
    FINAL,
  ]);
  const response = await fetch("http://first/one", { method: "POST", body: "payload", headers: { authorization: "secret" } });
  assert.equal(await response.text(), "done");
  assert.equal(response.redirected, true);
  assert.equal(response.url, "http://other:81/third");
  const [first, second, third] = opened.map(({ stream }) => stream.output);
  assert.match(first, /^POST \/one HTTP\/1\.1\r\n[^]*authorization: secret\r\n[^]*\r\n\r\npayload$/);
  assert.equal(second, "GET /second?x=1 HTTP/1.1\r\nhost: first\r\nauthorization: secret\r\naccept: */*\r\nconnection: keep-alive\r\n\r\n");
  assert.equal(third, "GET /third HTTP/1.1\r\nhost: other:81\r\naccept: */*\r\nconnection: keep-alive\r\n\r\n");
  assert.deepEqual(opened.map(({ host, port }) => `${host}:${port}`), ["first:80", "first:80", "other:81"]);

  const kept = redirecting(["HTTP/1.1 308 Permanent Redirect\r\nLocation: /moved\r\n\r\n", FINAL]);
  await kept.fetch("http://x/", { method: "PUT", body: "again" });
  assert.match(kept.opened[1].stream.output, /^PUT \/moved HTTP\/1\.1\r\n[^]*content-length: 5\r\n[^]*\r\n\r\nagain$/);
  const seeOther = redirecting(["HTTP/1.1 303 See Other\r\nLocation: /result\r\n\r\n", FINAL]);
  await seeOther.fetch("http://x/", { method: "DELETE" });
  assert.match(seeOther.opened[1].stream.output, /^GET \/result /);
});

test("redirect: 'manual' returns the 3xx, 'error' fails, and more than 20 fail", async () => {
  const manual = redirecting(["HTTP/1.1 301 Moved Permanently\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"]);
  const response = await manual.fetch("http://x/a", { redirect: "manual" });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get("location"), "/b");
  const error = await failure(redirecting(["HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\n"]).fetch("http://x/", { redirect: "error" }));
  assert.equal(error.message, "fetch failed");
  const loop = redirecting(Array.from({ length: 30 }, () => "HTTP/1.1 302 Found\r\nLocation: /again\r\n\r\n"));
  assert.match(((await failure(loop.fetch("http://x/"))).cause as Error).message, /more than 20 redirects/);
  assert.equal(loop.opened.length, 21);
  const tls = await failure(redirecting(["HTTP/1.1 302 Found\r\nLocation: https://x/\r\n\r\n"]).fetch("http://x/"));
  assert.match((tls.cause as Error).message, /https is not supported/);
});

test("a streamed request body cannot be replayed on a 307", async () => {
  async function* body() { yield "once"; }
  const { fetch } = redirecting(["HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\n\r\n"]);
  const error = await failure(fetch("http://x/", { method: "POST", body: body() }));
  assert.match((error.cause as Error).message, /streamed request body/);
});

test("a signal aborts before sending, while waiting for the head, and while reading the body", async () => {
  const before = new AbortController();
  before.abort();
  const { fetch, opened } = scripted(async (stream) => {
    await stream.waitFor(headEnd);
    if (stream.output.startsWith("GET /body")) stream.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n");
  });
  assert.equal((await failure(fetch("http://x/", { signal: before.signal }))).name, "AbortError");
  assert.equal(opened.length, 0);

  const waiting = new AbortController();
  const pending = fetch("http://x/head", { signal: waiting.signal });
  await opened[0].stream.waitFor(headEnd);
  waiting.abort();
  assert.equal((await failure(pending)).name, "AbortError");
  assert.equal(opened[0].stream.isClosed, true);

  const reading = new AbortController();
  const response = await fetch("http://x/body", { signal: reading.signal });
  const iterator = response.body![Symbol.asyncIterator]();
  assert.equal(String.fromCharCode(...((await iterator.next()).value as Uint8Array)), "a");
  const next = iterator.next();
  reading.abort(new Error("enough"));
  assert.equal((await failure(next)).message, "enough");
  assert.equal(opened[1].stream.isClosed, true);
});

test("abandoning a streamed body closes its connection", async () => {
  let server!: MemoryStream;
  const { fetch } = scripted(async (stream) => {
    server = stream;
    await stream.waitFor(headEnd);
    stream.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n");
  });
  const response = await fetch("http://x/");
  for await (const chunk of response.body!) {
    assert.equal(chunk.length, 1);
    break;
  }
  assert.equal(server.isClosed, true);
});

test("fetch(request) sends the Request's own body, streamed ones included", async () => {
  const { fetch, opened } = scripted(answering("HTTP/1.1 204 No Content\r\n\r\n"));
  async function* body() { yield "from a Request"; }
  const request = new Request("http://x/r", { method: "POST", body: body(), headers: { "x-from": "request" } });
  await fetch(request);
  assert.match(opened[0].stream.output, /^POST \/r HTTP\/1\.1\r\n[^]*x-from: request\r\n[^]*transfer-encoding: chunked\r\n[^]*\r\n\r\ne\r\nfrom a Request\r\n0\r\n\r\n$/);
  assert.equal(request.bodyUsed, true);
});
