// Request bodies reach the handler as they arrive, and what it leaves unread
// is dropped (or the connection closed) before the next request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Response } from "../../../lib/http/response.ts";
import { open, statusLines, withoutDate } from "./harness.ts";

const text = (chunk: Uint8Array | string) => (typeof chunk === "string" ? chunk : String.fromCharCode(...chunk));

test("the handler runs before the body has arrived and reads it as it comes", async () => {
  const seen: string[] = [];
  const { stream, served } = open(async (request) => {
    for await (const chunk of request.body!) {
      seen.push(text(chunk));
      if (seen.length === 1) stream.send("world");
    }
    return new Response(seen.join("|"));
  });
  stream.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
  await stream.waitFor((output) => output.endsWith("hello|world"));
  stream.finish();
  await served;
  assert.deepEqual(seen, ["hello", "world"]);
});

test("new Response(request.body) echoes as the body arrives, chunked in and out", async () => {
  const { stream, served } = open((request) => new Response(request.body));
  stream.send("PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
  await stream.waitFor((output) => output.includes("abc"));
  stream.send("2\r\nde\r\n0\r\n\r\n");
  await stream.waitFor((output) => output.endsWith("0\r\n\r\n"));
  stream.finish();
  await served;
  assert.equal(withoutDate(stream.output), "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
});

test("an unread body is dropped and the next request on the connection is served", async () => {
  const { stream, served } = open((request) => new Response(new URL(request.url).pathname));
  stream.send("POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloPOST /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  await stream.waitFor((output) => output.endsWith("/two"));
  stream.send("4\r\nabcd\r\n0\r\n\r\nGET /three HTTP/1.1\r\nHost: x\r\n\r\n");
  await stream.waitFor((output) => output.endsWith("/three"));
  stream.finish();
  await served;
  assert.equal(statusLines(stream.output).length, 3);
});

test("a large unread body is not drained: the connection closes after the answer", async () => {
  const { stream, served } = open(() => new Response("no thanks", { status: 403 }), { maxBodyBytes: 1 << 20 });
  stream.send(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${512 * 1024}\r\n\r\n${"x".repeat(1000)}`);
  stream.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"); // Part of the body, as far as the server knows.
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 403 Forbidden"]);
  assert.equal(stream.isClosed, true);
});

test("a body read partly, then abandoned, is drained for the next request", async () => {
  const { stream, served } = open(async (request) => {
    for await (const chunk of request.body ?? []) return new Response(`first: ${text(chunk)}`);
    return new Response("none");
  });
  stream.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc");
  await stream.waitFor((output) => output.endsWith("first: abc"));
  stream.send("defGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  await stream.waitFor((output) => output.endsWith("none"));
  stream.finish();
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
});

test("the request timeout counts time spent waiting on the client, not the handler's", async () => {
  const { stream, served } = open(async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 30));
    stream.send("[1]}");
    return Response.json(await request.json());
  }, { requestTimeoutMs: 10 });
  stream.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{"a":');
  await stream.waitFor((output) => output.endsWith('{"a":[1]}'));
  stream.finish();
  await served;
  assert.deepEqual(statusLines(stream.output), ["HTTP/1.1 200 OK"]);
});
