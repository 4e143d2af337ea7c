/**
 * `export default { fetch(request) { … } }` as a service: an HTTP server on
 * port 80 (or $PORT) that hands every request to that handler. The build
 * links this module into images whose entry looks like such a service.
 */
import "./globals.ts";
import { env } from "../../kernel/runtime.ts";
import { registerObjectServer } from "../../kernel/process/start-service.ts";
import { listen, network } from "../../kernel/net/index.ts";
import { serveHttp, type FetchHandler } from "./serve.ts";

registerObjectServer((service) => {
  const port = Number(env.PORT ?? 80);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new RangeError(`PORT=${env.PORT} is not a port number`);
  const handler = service.fetch.bind(service) as FetchHandler;
  network()
    .then(async ({ address }) => {
      await listen(port, (connection) => void serveHttp(connection, handler));
      console.log(`toro: serving HTTP on ${address}:${port}`);
    })
    .catch((error) => {
      // Not being able to serve is the service failing: make it an uncaught error.
      queueMicrotask(() => {
        throw error;
      });
    });
});
