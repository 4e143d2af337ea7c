/**
 * `export default { fetch(request) { … } }` as a service: an HTTP server on
 * port 80 (or $PORT) that hands every request to that handler. As with Bun's
 * default export, the object may also say `port` and `maxRequestBodySize`.
 * The build links this module into images whose entry looks like such a service.
 */
import "./globals.ts";
import { env } from "../../kernel/runtime.ts";
import { registerObjectServer } from "../../kernel/process/start-service.ts";
import { listen, network } from "../../kernel/net/index.ts";
import { serveHttp, type FetchHandler } from "./serve.ts";

interface DefaultExport {
  fetch: Function;
  port?: unknown;
  maxRequestBodySize?: unknown;
}

registerObjectServer((service: DefaultExport) => {
  const port = Number(service.port ?? env.PORT ?? 80);
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new RangeError(`port ${String(service.port ?? env.PORT)} is not a port number`);
  const maxBodyBytes = service.maxRequestBodySize;
  if (maxBodyBytes !== undefined && !(typeof maxBodyBytes === "number" && maxBodyBytes >= 0)) throw new RangeError("maxRequestBodySize must be a number of bytes");
  const handler = service.fetch.bind(service) as FetchHandler;
  network()
    .then(async ({ address }) => {
      await listen(port, (connection) => void serveHttp(connection, handler, { maxBodyBytes: maxBodyBytes as number | undefined }));
      console.log(`toro: serving HTTP on ${address}:${port}`);
    })
    .catch((error) => {
      // Not being able to serve is the service failing: make it an uncaught error.
      queueMicrotask(() => {
        throw error;
      });
    });
});
