// One connection's worth of requests served by serveHttp, printed: run both in
// Node and in a Toro guest (QuickJS), whose outputs must match.
import "../../../../lib/http/globals.ts";
import { Request } from "../../../../lib/http/request.ts";
import { Response } from "../../../../lib/http/response.ts";
import { serveHttp } from "../../../../lib/http/serve.ts";
import { withoutDate } from "../harness.ts";
import { MemoryStream } from "../memory-stream.ts";

const REQUESTS =
  "GET /hello?name=w%C3%B6rld HTTP/1.1\r\nHost: example.com\r\n\r\n" +
  "POST /echo HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nh\xc3\xa9l\r\n2\r\nlo\r\n0\r\n\r\n" +
  "HEAD /hello HTTP/1.1\r\nHost: example.com\r\n\r\n" +
  "GET /stream HTTP/1.1\r\nHost: example.com\r\n\r\n" +
  "GET /throw HTTP/1.1\r\nHost: example.com\r\n\r\n" +
  "GET /json HTTP/1.1\r\nHost: example.com\r\n\r\n" +
  `GET /big HTTP/1.1\r\nHost: example.com\r\nX: ${"a".repeat(300)}\r\n\r\n`;

async function handler(request: Request): Promise<Response> {
  const url = new URL(request.url);
  switch (url.pathname) {
    case "/hello": return new Response(`hello ${url.searchParams.get("name")}`);
    case "/echo": return new Response(await request.text(), { headers: { "x-length": request.headers.get("content-length") ?? "none" } });
    case "/stream": return new Response((async function* () { yield "one "; yield new TextEncoder().encode("two"); })());
    case "/throw": throw new Error("handler failed");
    default: return Response.json({ path: url.pathname, ok: true });
  }
}

export default async function main() {
  const stream = new MemoryStream();
  const served = serveHttp(stream, handler, {
    maxHeaderBytes: 256,
    lingerMs: 10,
    onError: (error) => console.log("onError:", (error as Error).message),
  });
  // Two bytes at a time, to cross every kind of boundary.
  for (let i = 0; i < REQUESTS.length; i += 2) stream.send(REQUESTS.slice(i, i + 2));
  stream.finish();
  await served;
  console.log(JSON.stringify(withoutDate(stream.output)));
  return 0;
}
