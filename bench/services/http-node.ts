// Node's side of bench/http.ts: serves bench/services/http-handler.ts's
// fetch handler with node:http, as a Toro guest serves it with lib/http.
// Bundled with esbuild into bench/build/http-node.cjs, which runs in the
// Linux guest (Debian's Node 18) and on the host alike:
//   PORT=80 [HOST=address] node http-node.cjs
// The adapter is what any Node user of a fetch handler writes: a web
// Request from the incoming message (Node 18 and later have Request and
// Response as globals), the handler's Response written back.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import handler from "./http-handler.ts";

const port = Number(process.env.PORT ?? 80);
const host = process.env.HOST ?? "0.0.0.0";

async function toRequest(message: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i], message.rawHeaders[i + 1]);
  const method = message.method ?? "GET";
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    for await (const chunk of message) chunks.push(chunk as Buffer);
    body = Buffer.concat(chunks);
  }
  return new Request(`http://${message.headers.host ?? `localhost:${port}`}${message.url ?? "/"}`, { method, headers, body });
}

async function respond(message: IncomingMessage, reply: ServerResponse): Promise<void> {
  try {
    const response = await handler.fetch(await toRequest(message));
    reply.statusCode = response.status;
    response.headers.forEach((value, name) => reply.setHeader(name, value));
    // One write with the whole body: Node then sends a Content-Length, as Toro's server does for a sized body.
    reply.end(new Uint8Array(await response.arrayBuffer()));
  } catch (error) {
    console.error(error);
    reply.statusCode = 500;
    reply.end();
  }
}

createServer((message, reply) => void respond(message, reply)).listen(port, host, () => {
  console.log(`http-node: Node ${process.version} serving on ${host}:${port}`);
});
