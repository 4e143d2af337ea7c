// fetch()'s client over in-memory connections answered two bytes at a time,
// printed: run both in Node and in a Toro guest (QuickJS), whose outputs must match.
import { createFetch } from "../../../../lib/http/client.ts";
import type { RequestInit } from "../../../../lib/http/request.ts";
import { requestComplete } from "../harness.ts";
import { MemoryStream } from "../memory-stream.ts";

const ANSWERS: Record<string, string> = {
  "/chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n4;ext=1\r\nh\xc3\xa9l\r\n2\r\nlo\r\n0\r\nTrailer: t\r\n\r\n",
  "/close": "HTTP/1.0 200 OK\r\nX-Kind: close-delimited\r\n\r\nuntil the end",
  "/interim": "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
  "/moved": "HTTP/1.1 303 See Other\r\nLocation: /chunked\r\nContent-Length: 0\r\n\r\n",
  "/empty": "HTTP/1.1 204 No Content\r\n\r\n",
  "/bad": "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
  "/cut": "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nonly this",
};

// Plays the server: waits for the whole request, then answers by its path
// (an upload gets its own request back; /silent gets nothing).
async function serve(stream: MemoryStream): Promise<void> {
  await stream.waitFor(requestComplete);
  const path = /^\S+ (\S+)/.exec(stream.output)![1];
  const answer = path === "/upload" ? `HTTP/1.1 200 OK\r\n\r\n${stream.output}` : ANSWERS[path];
  if (answer === undefined) return;
  for (let i = 0; i < answer.length; i += 2) stream.send(answer.slice(i, i + 2));
  stream.finish();
}

const fetch = createFetch(async () => {
  const stream = new MemoryStream();
  void serve(stream);
  return stream;
});

async function show(path: string, init?: RequestInit): Promise<void> {
  try {
    const response = await fetch(path.startsWith("/") ? `http://example.com${path}` : path, init);
    const headers = [...response.headers].map(([name, value]) => `${name}=${value}`).join(" ");
    console.log(path, response.status, response.statusText, response.url, response.redirected, headers, JSON.stringify(await response.text()));
  } catch (error) {
    const { name, message, cause } = error as Error & { cause?: Error };
    console.log(path, "failed:", name, message, cause?.message ?? "(no cause)");
  }
}

export default async function main() {
  for (const path of ["/chunked", "/close", "/interim", "/moved", "/empty", "/bad", "/cut"]) await show(path);
  async function* parts() {
    yield "streamed ";
    yield new TextEncoder().encode("upload");
  }
  await show("/upload", { method: "PUT", body: parts(), headers: { "x-test": "yes" } });
  await show("/upload", { method: "POST", body: new URLSearchParams({ q: "a b" }) });
  await show("https://example.com/");
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await show("/silent", { signal: controller.signal });
  return 0;
}
