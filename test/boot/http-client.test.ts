// The guest as an HTTP client: test/services/http-client.ts fetches from a
// server this test runs on the host (10.0.2.2 from the guest, through QEMU's
// user network), and from a name a DNS server on the host resolves. Its
// requests share connections, and an idle one does not keep it alive.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { freePort, hostDnsServer, service, toro } from "./helpers.ts";

/** Byte i of a pattern is a function of i: the guest computes the same. */
function pattern(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** The host's server, and what it was asked. */
async function hostServer() {
  const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer; connection: number }[] = [];
  const big = pattern(1 << 20);
  // Each TCP connection is numbered as it is accepted.
  const connections = new Map<Socket, number>();
  let lastAnswered = 0;
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    seen.push({ method: request.method!, url: request.url!, headers: request.headers, body, connection: connections.get(request.socket)! });
    if (request.url!.startsWith("/keep/")) {
      response.end(`kept ${request.url!.slice(6)}`);
      lastAnswered = performance.now();
      return;
    }
    switch (request.url) {
      case "/length":
        return response.end("hello from the host");
      case "/chunked":
        response.write("one ");
        setTimeout(() => response.end("two"), 20);
        return;
      case "/big":
        return response.end(big);
      case "/upload":
        return response.end(`${body.length} bytes, ${body.equals(pattern(300_000)) ? "intact" : "damaged"}`);
      case "/upload-text":
        return response.end(`"${body}" (${request.headers["transfer-encoding"]})`);
      case "/redirect":
        return response.writeHead(302, { location: "/length" }).end("moved");
      case "/hang":
        return; // Never answered: the guest gives up.
      default:
        return response.writeHead(404).end();
    }
  });
  server.on("connection", (socket: Socket) => connections.set(socket, connections.size + 1));
  // Node's server would close an idle connection after 5 s: here only the guest may end it.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, seen, port: (server.address() as AddressInfo).port, connections, lastAnswered: () => lastAnswered };
}

test("the guest fetches from the host: Content-Length, chunked, 1 MB, uploads, a redirect, a refused port, a timeout, https, a DNS name, reusing connections", { timeout: 240_000 }, async (t) => {
  const { server, seen, port, connections, lastAnswered } = await hostServer();
  const closedPort = await freePort();
  const dns = await hostDnsServer([10, 0, 2, 2], 30_000);
  if (!dns) t.diagnostic("the host's port 53 stayed busy: the DNS name was not tried");
  try {
    const network = dns ? ["--ip", "10.0.2.15/24", "--gateway", "10.0.2.2", "--dns", "10.0.2.2"] : [];
    const args = ["run", service("http-client"), ...network, "--timeout", "180s", "--", String(port), String(closedPort), dns ? "service.toro.test" : "-"];
    const r = await toro(args, 200_000);
    const lingered = performance.now() - lastAnswered();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout;
    assert.match(lines, /^length: 200 OK, content-length 19: hello from the host$/m);
    assert.match(lines, /^chunked: chunked: one two$/m);
    assert.match(lines, /^big: 1048576 bytes, 0 mismatches, in several chunks$/m);
    assert.match(lines, /^upload: 200 300000 bytes, intact$/m);
    assert.match(lines, /^streamed upload: "part 0;part 1;part 2;part 3;part 4;" \(chunked\)$/m);
    assert.match(lines, new RegExp(`^redirect: true http://10\\.0\\.2\\.2:${port}/length: hello from the host$`, "m"));
    assert.match(lines, new RegExp(`^refused: TypeError: fetch failed \\(cause: connection refused by 10\\.0\\.2\\.2:${closedPort}\\)$`, "m"));
    assert.match(lines, /^hang: TimeoutError: The operation timed out\.$/m);
    assert.match(lines, /^https: TypeError: fetch https:\/\/10\.0\.2\.2\/: https is not supported \(Toro has no TLS yet\); use http:$/m);
    if (dns) assert.match(lines, new RegExp(`^dns: http://service\\.toro\\.test:${port}/length: hello from the host$`, "m"));
    assert.match(lines, /^keep 1: kept 1$/m);
    assert.match(lines, /^keep 2: kept 2$/m);

    // What the host received: the upload as a known length, the POST turned into a GET by the 302.
    const upload = seen.find((request) => request.url === "/upload")!;
    assert.equal(upload.headers["content-length"], "300000");
    assert.equal(upload.headers["content-type"], "application/octet-stream");
    assert.equal(upload.headers.connection, "keep-alive");
    const redirected = seen.findIndex((request) => request.url === "/redirect");
    assert.equal(seen[redirected].method, "POST");
    assert.equal(seen[redirected].body.toString(), "dropped on a 302");
    assert.equal(seen[redirected + 1].method, "GET");
    assert.equal(seen[redirected + 1].url, "/length");
    assert.equal(seen[redirected + 1].body.length, 0);
    if (dns) assert.equal(seen.at(-3)!.headers.host, `service.toro.test:${port}`);

    // Connection reuse: every request up to the one the abort ended went over the first connection
    // (each response was read whole); the DNS name is another origin; the abort closed the first,
    // so the two last requests opened a third, and the second of them came over it too.
    const byUrl = (url: string) => seen.filter((request) => request.url === url).map((request) => request.connection);
    const first = seen.slice(0, seen.findIndex((request) => request.url === "/hang") + 1);
    assert.deepEqual([...new Set(first.map((request) => request.connection))], [1], JSON.stringify(seen.map(({ url, connection }) => [url, connection])));
    const [keep1, keep2] = [byUrl("/keep/1")[0], byUrl("/keep/2")[0]];
    assert.equal(keep2, keep1, "the second request came over the first one's connection");
    assert.equal(keep1, dns ? 3 : 2);
    assert.equal(connections.size, dns ? 3 : 2);
    // The service ended with that connection idle in its pool. Had the connection kept it alive, it
    // would have lasted until the pool's 4 s idle timeout closed it.
    t.diagnostic(`the service ended ${lingered.toFixed(0)} ms after its last answer`);
    assert.ok(lingered < 3000, `the service ended ${lingered.toFixed(0)} ms after its last answer`);
  } finally {
    server.closeAllConnections();
    server.close();
    dns?.close();
  }
});
