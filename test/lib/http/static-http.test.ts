// The static handler behind serveHttp: what goes on the wire (framing, HEAD's
// Content-Length, 206 and 304 heads), and inside Hono as middleware.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as nodeFs from "node:fs/promises";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Response } from "../../../lib/http/response.ts";
import { createStaticHandler } from "../../../lib/http/static-files.ts";
import { exchange } from "./harness.ts";
import { ROOT } from "../../boot/helpers.ts";

let base: string;
const LINE = "0123456789abcdef".repeat(4) + "\n"; // 65 bytes

before(async () => {
  base = await mkdtemp(join(tmpdir(), "toro-static-http-"));
  await mkdir(join(base, "site"));
  await writeFile(join(base, "site", "hello.txt"), "hello, static\n");
  await writeFile(join(base, "site", "big.txt"), LINE.repeat(20_000)); // 1.3 MB: many chunks
});

after(() => rm(base, { recursive: true, force: true }));

const head = (output: string) => output.slice(0, output.indexOf("\r\n\r\n") + 4);

test("on the wire: GET with its Content-Length, HEAD with the same length and no body", async () => {
  const serve = createStaticHandler(nodeFs, { root: join(base, "site") });
  const output = await exchange(["HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"], serve);
  const [headAnswer, getAnswer] = output.split(/(?=HTTP\/1\.1 )/);
  assert.match(headAnswer, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(headAnswer, /\r\ncontent-length: 14\r\n/);
  assert.ok(headAnswer.endsWith("\r\n\r\n"), "no body after HEAD's head");
  assert.match(getAnswer, /\r\ncontent-length: 14\r\n/);
  assert.doesNotMatch(getAnswer, /transfer-encoding/);
  assert.ok(getAnswer.endsWith("\r\n\r\nhello, static\n"));
  // Same fields both times, the length included.
  assert.equal(head(headAnswer), head(getAnswer));
});

test("on the wire: a streamed file goes with its Content-Length, not chunked; 206 and 304 heads", async () => {
  const serve = createStaticHandler(nodeFs, { root: join(base, "site") });
  const whole = await exchange(["GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n"], serve);
  assert.match(whole, /\r\ncontent-length: 1300000\r\n/);
  assert.doesNotMatch(whole, /transfer-encoding/);
  assert.equal(whole.slice(whole.indexOf("\r\n\r\n") + 4), LINE.repeat(20_000));

  const part = await exchange(["GET /big.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=65-129\r\n\r\n"], serve);
  assert.match(part, /^HTTP\/1\.1 206 Partial Content\r\n/);
  assert.match(part, /\r\ncontent-range: bytes 65-129\/1300000\r\n/);
  assert.ok(part.endsWith(`\r\n\r\n${LINE}`));

  const etag = /\r\netag: ([^\r]+)\r\n/.exec(whole)![1];
  const notModified = await exchange([`GET /big.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\n`], serve);
  assert.match(notModified, /^HTTP\/1\.1 304 Not Modified\r\n/);
  assert.doesNotMatch(notModified, /content-length/);
  assert.ok(notModified.endsWith("\r\n\r\n"));
});

test("a HEAD answer made by hand with a Content-Length keeps it (RFC 9110 9.3.2); without one it says 0", async () => {
  const stated = await exchange(["HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"], () => new Response(null, { headers: { "content-length": "1234" } }));
  assert.match(stated, /\r\ncontent-length: 1234\r\n\r\n$/);
  const none = await exchange(["HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"], () => new Response(null));
  assert.match(none, /\r\ncontent-length: 0\r\n\r\n$/);
});

test("inside Hono: app.use with fallthrough serves files and lets the routes answer the rest", async () => {
  // Hono is the compatibility suite's package (test/compat, installed by ./toro setup).
  const { Hono } = await import(createRequire(join(ROOT, "test", "compat", "package.json")).resolve("hono"));
  const files = createStaticHandler(nodeFs, { root: join(base, "site"), prefix: "/static", fallthrough: true });
  const app = new Hono();
  app.use("/static/*", async (c: { req: { raw: Request } }, next: () => Promise<void>) => (await files(c.req.raw)) ?? next());
  app.get("/static/generated", (c: { text(body: string): unknown }) => c.text("from a route"));
  app.get("/", (c: { text(body: string): unknown }) => c.text("home"));

  const file = await app.request("/static/hello.txt");
  assert.equal(file.status, 200);
  assert.equal(file.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await file.text(), "hello, static\n");
  assert.equal(await (await app.request("/static/generated")).text(), "from a route");
  assert.equal(await (await app.request("/")).text(), "home");
  assert.equal((await app.request("/static/missing")).status, 404);
  const part = await app.request("/static/hello.txt", { headers: { range: "bytes=0-4" } });
  assert.equal(part.status, 206);
  assert.equal(await part.text(), "hello");
});
