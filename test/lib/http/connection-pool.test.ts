// fetch()'s connection reuse (lib/http/client.ts with lib/http/connection-pool.ts)
// over in-memory connections: which responses leave a connection to reuse,
// idle connections the server closes, the bounds of the pool, and a request
// sent again when a pooled connection turns out to be dead.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createFetch } from "../../../lib/http/client.ts";
import { ConnectionPool, type PoolOptions } from "../../../lib/http/connection-pool.ts";
import { failure, requestComplete } from "./harness.ts";
import { MemoryStream } from "./memory-stream.ts";

/** What the server does with a request: the response to send, or a function that acts on the connection itself. */
type Answer = string | ((stream: MemoryStream) => void);

/**
 * A fetch whose new connections are MemoryStreams, each serving requests one
 * after another: `answer` gets each request's text, its number on its
 * connection, and the connection's number.
 */
function server(answer: (request: string, nth: number, connection: number) => Answer, options?: PoolOptions) {
  const opened: MemoryStream[] = [];
  const requests: string[][] = [];
  const pool = new ConnectionPool(options);
  const fetch = createFetch(async () => {
    const stream = new MemoryStream();
    const index = opened.push(stream) - 1;
    requests.push([]);
    void (async () => {
      let consumed = 0;
      for (let nth = 0; ; nth++) {
        await stream.waitFor((output) => requestComplete(output.slice(consumed)));
        if (stream.isClosed) return;
        const request = stream.output.slice(consumed);
        consumed = stream.output.length;
        requests[index].push(request);
        const reply = answer(request, nth, index);
        if (typeof reply === "string") stream.send(reply);
        else reply(stream);
      }
    })();
    return stream;
  }, pool);
  return { fetch, opened, requests, pool };
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const chunked = (body: string) => `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
const path = (request: string) => request.split(" ")[1];
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test("requests to one origin share a connection: sized, chunked, empty and HEAD responses, and a POST", async () => {
  const { fetch, opened, requests, pool } = server((request) => {
    if (request.startsWith("HEAD")) return "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    if (path(request) === "/chunked") return chunked("in chunks");
    if (path(request) === "/empty") return "HTTP/1.1 204 No Content\r\n\r\n";
    return ok(`you asked for ${path(request)}`);
  });
  assert.equal(await (await fetch("http://x/a")).text(), "you asked for /a");
  // Idle in the pool, it does not keep the service alive.
  assert.equal(pool.idleCount("x:80"), 1);
  assert.equal(opened[0].referenced, false);
  const second = fetch("http://x/chunked");
  assert.equal(opened[0].referenced, true, "taken from the pool, it keeps the service alive again");
  assert.equal(await (await second).text(), "in chunks");
  assert.equal((await fetch("http://x/empty")).status, 204);
  assert.equal((await fetch("http://x/", { method: "HEAD" })).headers.get("content-length"), "1000");
  assert.equal(await (await fetch("http://x/post", { method: "POST", body: "data" })).text(), "you asked for /post");
  assert.equal(opened.length, 1);
  assert.equal(requests[0].length, 5);
  assert.ok(requests[0].every((request) => request.includes("\r\nconnection: keep-alive\r\n")));
  assert.match(requests[0][4], /\r\n\r\ndata$/);
  // Another origin (another port) has a connection of its own.
  await (await fetch("http://x:8080/a")).text();
  assert.equal(opened.length, 2);
  assert.equal(pool.idleCount(), 2);
  pool.close();
  assert.ok(opened.every((stream) => stream.isClosed));
});

test("a connection is not reused after Connection: close, HTTP/1.0 without keep-alive, a body read to EOF, or bytes after the response", async () => {
  const answers: Record<string, string> = {
    "/close": "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\nContent-Length: 2\r\n\r\nok",
    "/old": "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "/eof": "HTTP/1.1 200 OK\r\n\r\nok",
    "/extra": "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
    "/old-kept": "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
  };
  for (const [url, reused] of [["/close", false], ["/old", false], ["/eof", false], ["/extra", false], ["/old-kept", true]] as const) {
    const { fetch, opened, pool } = server((request) => {
      const reply = answers[path(request)] ?? ok("again");
      // A body delimited by EOF ends when the server closes.
      return url === "/eof" && path(request) === "/eof" ? (stream) => (stream.send(reply), setTimeout(() => stream.finish(), 5)) : reply;
    });
    assert.equal(await (await fetch(`http://x${url}`)).text(), "ok", url);
    await tick();
    assert.equal(pool.idleCount(), reused ? 1 : 0, url);
    assert.equal(opened[0].isClosed, !reused, url);
    assert.equal(await (await fetch("http://x/next")).text(), "again", url);
    assert.equal(opened.length, reused ? 1 : 2, url);
    pool.close();
  }
});

test("a streamed body left unread, or abandoned, closes its connection; one read to the end is reused", async () => {
  const big = "b".repeat(100_000); // over the size read before fetch() resolves
  const { fetch, opened, pool } = server(() => chunked(big));
  const abandoned = await fetch("http://x/");
  for await (const _ of abandoned.body!) break;
  assert.equal(opened[0].isClosed, true);
  assert.equal(pool.idleCount(), 0);
  assert.equal((await (await fetch("http://x/")).text()).length, big.length);
  assert.equal(opened[1].isClosed, false);
  assert.equal(pool.idleCount(), 1);
  pool.close();
});

test("a server that closes an idle connection: it leaves the pool at once, and the next request opens another", async () => {
  const { fetch, opened, pool } = server(() => ok("fine"));
  await (await fetch("http://x/")).text();
  assert.equal(pool.idleCount(), 1);
  opened[0].finish(); // the server's keep-alive timeout
  assert.equal(pool.idleCount(), 0);
  assert.equal(opened[0].isClosed, true);
  assert.equal(await (await fetch("http://x/")).text(), "fine");
  assert.equal(opened.length, 2);
  // Bytes nobody asked for, while idle, make a connection unusable too.
  opened[1].send("HTTP/1.1 408 Request Timeout\r\n\r\n");
  assert.equal(pool.idleCount(), 0);
  assert.equal(opened[1].isClosed, true);
});

test("a pooled connection found closed after the request went out: a GET or a bodiless POST is sent again on a new connection", async () => {
  for (const init of [{}, { method: "POST" }, { method: "PUT", body: "replayable" }]) {
    // The server's second request on its first connection is never answered: it closes instead (a race with its timeout).
    const { fetch, opened, requests } = server((request, nth, connection) => (connection === 0 && nth === 1 ? (stream) => stream.finish() : ok(`${connection}`)));
    assert.equal(await (await fetch("http://x/")).text(), "0");
    const response = await fetch("http://x/again", init);
    assert.equal(await response.text(), "1", JSON.stringify(init));
    assert.equal(opened.length, 2);
    assert.equal(requests[0].length, 2);
    assert.equal(requests[1][0], requests[0][1], "the same request again");
  }
});

test("a pooled connection that cannot be written to, or is reset before the answer, is replaced", async () => {
  const { fetch, opened } = server((request, nth, connection) => ok(`${connection}`));
  await (await fetch("http://x/")).text();
  opened[0].ended = true; // writes now fail, and nothing is readable: it stays in the pool
  assert.equal(await (await fetch("http://x/")).text(), "1");
  assert.equal(opened.length, 2);

  const reset = server((request, nth, connection) => (connection === 0 && nth === 1 ? (stream) => stream.close() : ok(`${connection}`)));
  await (await reset.fetch("http://x/")).text();
  assert.equal(await (await reset.fetch("http://x/", { method: "DELETE" })).text(), "1");
});

test("a POST with a body, or a streamed body, is not sent twice: a pooled connection found closed fails it", async () => {
  async function* stream() { yield "streamed"; }
  for (const init of [{ method: "POST", body: "once" }, { method: "PUT", body: stream() }]) {
    const { fetch, opened } = server((request, nth) => (nth === 1 ? (s) => s.finish() : ok("first")));
    await (await fetch("http://x/")).text();
    const error = await failure(fetch("http://x/", init));
    assert.equal(error.message, "fetch failed");
    assert.equal(opened.length, 1);
  }
});

test("a fresh connection is not retried, and neither is a malformed answer on a pooled one", async () => {
  const closing = server(() => (stream) => stream.finish());
  assert.equal((await failure(closing.fetch("http://x/"))).message, "fetch failed");
  assert.equal(closing.opened.length, 1);
  const garbage = server((request, nth) => (nth === 1 ? "HTTP/1.1 OK\r\n\r\n" : ok("first")));
  await (await garbage.fetch("http://x/")).text();
  assert.equal((await failure(garbage.fetch("http://x/"))).message, "fetch failed");
  assert.equal(garbage.opened.length, 1);
});

test("an abort on a pooled connection closes it; the next request opens another", async () => {
  const { fetch, opened, pool } = server((request) => (path(request) === "/hang" ? () => {} : ok("fine")));
  await (await fetch("http://x/")).text();
  const controller = new AbortController();
  const pending = fetch("http://x/hang", { signal: controller.signal });
  await tick();
  controller.abort();
  assert.equal((await failure(pending)).name, "AbortError");
  assert.equal(opened[0].isClosed, true);
  assert.equal(pool.idleCount(), 0);
  assert.equal(await (await fetch("http://x/")).text(), "fine");
  assert.equal(opened.length, 2);
});

test("a response that comes before the request body is all sent leaves the connection closed", async () => {
  let more!: () => void;
  async function* slow() {
    yield "first part";
    await new Promise<void>((resolve) => (more = resolve));
    yield "second part";
  }
  const { fetch, opened, pool } = server(() => ok("unused"));
  const stream = fetch("http://x/upload", { method: "PUT", body: slow() });
  await tick();
  // The server answers early, before the chunked body's end.
  opened[0].send("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
  assert.equal((await stream).status, 413);
  assert.equal(opened[0].isClosed, true);
  assert.equal(pool.idleCount(), 0);
  more();
});

test("redirects on one origin go over one connection", async () => {
  const { fetch, opened, requests } = server((request) =>
    path(request) === "/old" ? "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 5\r\n\r\nmoved" : ok("here"));
  const response = await fetch("http://x/old");
  assert.equal(await response.text(), "here");
  assert.equal(response.redirected, true);
  assert.equal(opened.length, 1);
  assert.deepEqual(requests[0].map(path), ["/old", "/new"]);
});

test("an abort while a redirect's body is read and dropped stops there", async () => {
  const controller = new AbortController();
  const { fetch, opened, requests } = server(() => (stream) => {
    stream.send("HTTP/1.1 302 Found\r\nLocation: /next\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nmore\r\n");
    setTimeout(() => controller.abort(), 5); // the body's end never comes
  });
  assert.equal((await failure(fetch("http://x/", { signal: controller.signal }))).name, "AbortError");
  assert.equal(requests[0].length, 1);
  assert.equal(opened[0].isClosed, true);
});

test("the pool keeps at most its number per origin, newest used first, and closes connections idle too long", async () => {
  const { fetch, opened, pool } = server(() => ok("x"), { maxIdlePerOrigin: 2, idleTimeoutMs: 60 });
  // Three at once need three connections; two stay.
  await Promise.all([fetch("http://x/"), fetch("http://x/"), fetch("http://x/")]);
  assert.equal(opened.length, 3);
  assert.equal(pool.idleCount("x:80"), 2);
  assert.deepEqual(opened.map((stream) => stream.isClosed), [true, false, false], "the oldest made room");
  await fetch("http://x/");
  assert.equal(opened[2].output.split("GET").length, 3, "the newest idle connection took the next request");
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(pool.idleCount(), 0);
  assert.ok(opened.every((stream) => stream.isClosed));
});
