// fetch()'s client against real servers on the host (Node's http module and
// raw TCP), through a TcpStream over Node sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { createFetch } from "../../../lib/http/client.ts";
import { nodeConnect } from "./node-stream.ts";
import { freePort } from "../../boot/helpers.ts";

const fetch = createFetch(nodeConnect);

/** A pattern of `size` bytes both sides can compute. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

async function withServer(handler: (request: IncomingMessage, response: ServerResponse) => void, run: (base: string) => Promise<void>) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test("Node's http server: Content-Length, chunked, 1 MB, a streamed POST echoed, a redirect", async () => {
  const big = pattern(1 << 20);
  await withServer((request, response) => {
    if (request.url === "/length") response.end("sized");
    else if (request.url === "/chunked") {
      response.write("first ");
      setTimeout(() => response.end("second"), 10);
    } else if (request.url === "/big") response.end(big);
    else if (request.url === "/echo") request.pipe(response);
    else if (request.url === "/moved") response.writeHead(302, { location: "/length" }).end();
    else response.writeHead(404).end();
  }, async (base) => {
    const sized = await fetch(`${base}/length`);
    assert.equal(sized.headers.get("content-length"), "5");
    assert.equal(await sized.text(), "sized");
    const chunked = await fetch(`${base}/chunked`);
    assert.equal(chunked.headers.get("transfer-encoding"), "chunked");
    assert.equal(await chunked.text(), "first second");
    assert.ok(Buffer.from(await (await fetch(`${base}/big`)).arrayBuffer()).equals(big));
    async function* upload() {
      for (let i = 0; i < big.length; i += 100_000) yield big.subarray(i, i + 100_000);
    }
    const echoed = await fetch(`${base}/echo`, { method: "POST", body: upload() });
    assert.ok(Buffer.from(await echoed.arrayBuffer()).equals(big));
    const moved = await fetch(`${base}/moved`);
    assert.equal(moved.redirected, true);
    assert.equal(await moved.text(), "sized");
    assert.equal((await fetch(`${base}/nothing`)).status, 404);
  });
});

test("connection refused is TypeError('fetch failed') with the socket error as its cause", async () => {
  const port = await freePort();
  const error = await fetch(`http://127.0.0.1:${port}/`).then(() => assert.fail("it connected"), (e) => e);
  assert.ok(error instanceof TypeError);
  assert.equal(error.message, "fetch failed");
  assert.equal((error.cause as NodeJS.ErrnoException).code, "ECONNREFUSED");
});

test("a connection reset mid-body fails the body's reading", async () => {
  const server = createTcpServer((socket) => {
    socket.once("data", () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n${"x".repeat(1000)}`);
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const error = await response.text().then(() => assert.fail("the body completed"), (e) => e);
    assert.equal(error.message, "fetch failed");
    assert.ok(error.cause instanceof Error);
  } finally {
    server.close();
  }
});
