// fetch()'s client against real servers on the host (Node's http module and
// raw TCP), through a TcpStream over Node sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { createFetch } from "../../../lib/http/client.ts";
import { ConnectionPool } from "../../../lib/http/connection-pool.ts";
import { nodeConnect } from "./node-stream.ts";
import { freePort } from "../../boot/helpers.ts";

const fetch = createFetch(nodeConnect);

/** A pattern of `size` bytes both sides can compute. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

async function withServer(handler: (request: IncomingMessage, response: ServerResponse) => void, run: (base: string, server: Server) => Promise<void>) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** How many TCP connections a server has accepted so far. */
function counting(server: Server | ReturnType<typeof createTcpServer>): { connections: number } {
  const count = { connections: 0 };
  server.on("connection", () => count.connections++);
  return count;
}

test("Node's http server: Content-Length, chunked, 1 MB, a streamed POST echoed, a redirect, all over one connection", async () => {
  const big = pattern(1 << 20);
  let count!: { connections: number };
  await withServer((request, response) => {
    if (request.url === "/length") response.end("sized");
    else if (request.url === "/chunked") {
      response.write("first ");
      setTimeout(() => response.end("second"), 10);
    } else if (request.url === "/big") response.end(big);
    else if (request.url === "/echo") request.pipe(response);
    else if (request.url === "/moved") response.writeHead(302, { location: "/length" }).end();
    else response.writeHead(404).end();
  }, async (base, server) => {
    count = counting(server);
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
    // Each response was read whole, so its connection carried the next request.
    assert.equal(count.connections, 1);
  });
});

test("a connection Node's server closes when idle (its keepAliveTimeout) leaves the pool; the next request opens another", async () => {
  const pool = new ConnectionPool();
  const pooled = createFetch(nodeConnect, pool);
  await withServer((request, response) => response.end("hi"), async (base, server) => {
    server.keepAliveTimeout = 50;
    const count = counting(server);
    assert.equal(await (await pooled(base)).text(), "hi");
    assert.equal(await (await pooled(base)).text(), "hi");
    assert.equal(count.connections, 1);
    assert.equal(pool.idleCount(), 1);
    // Node's server closes an idle connection about a second after its keepAliveTimeout.
    for (let waited = 0; pool.idleCount() > 0 && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(pool.idleCount(), 0, "the server's FIN took it out of the pool");
    assert.equal(await (await pooled(base)).text(), "hi");
    assert.equal(count.connections, 2);
    pool.close();
  });
});

test("a pooled connection the server closes or resets instead of answering: a GET goes again on a new connection", async () => {
  for (const end of ["destroy", "resetAndDestroy"] as const) {
    // Raw TCP: each connection answers its first request, and ends at the second without answering.
    const server = createTcpServer((socket: Socket) => {
      let requests = 0;
      socket.on("data", (data) => {
        if (!data.includes("\r\n\r\n")) return;
        if (++requests === 2) return socket[end]();
        const body = `answer ${count.connections}`;
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
    });
    const count = counting(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const pooled = createFetch(nodeConnect);
      assert.equal(await (await pooled(base)).text(), "answer 1");
      assert.equal(await (await pooled(base)).text(), "answer 2", end);
      assert.equal(count.connections, 2);
    } finally {
      server.close();
    }
  }
});

test("a process whose only pooled connection is idle ends at once (the connection and the pool's timer are unreferenced)", async () => {
  await withServer((request, response) => response.end("hi"), async (base, server) => {
    server.keepAliveTimeout = 60_000; // the server would keep the connection: only the client can end it
    const count = counting(server);
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./fetch-twice.ts", import.meta.url)), base], { stdio: ["ignore", "pipe", "inherit"] });
    let fetchedAt = 0;
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
      fetchedAt ||= performance.now();
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    const lingered = performance.now() - fetchedAt;
    assert.equal(code, 0);
    assert.equal(output, "fetched twice\n");
    assert.equal(count.connections, 1);
    // Kept alive, it would have lasted until the pool's 4 s idle timeout closed the connection.
    assert.ok(lingered < 2000, `the process lasted ${lingered.toFixed(0)} ms after its last fetch`);
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
