// A service that starts its server itself with toro/http's serve(), and shuts it down
// through its signal when asked; it then ends, as nothing is left pending.
import { serve } from "toro/http";

const controller = new AbortController();
let served = 0;
const server = serve({
  port: 8081,
  signal: controller.signal,
  onListen: ({ hostname, port }) => console.log(`listening on ${hostname}:${port}`),
  fetch(request) {
    served++;
    const path = new URL(request.url).pathname;
    if (path === "/fail") throw new Error("the handler failed");
    if (path === "/stop") setTimeout(() => controller.abort(), 10);
    return new Response(`request ${served}: ${path}\n`);
  },
  onError: (error) => new Response(`onError answered: ${(error as Error).message}\n`, { status: 503 }),
});
console.log(`port ${server.port}`);
await server.finished;
console.log(`finished after ${served} requests`);
