/**
 * A service whose default export has a callable `fetch` (an object, a class
 * instance such as a Hono app, or a re-export of one) is an HTTP server for
 * it, as with Deno, Bun and Workers: on port 80 (or $PORT), and, as with
 * Bun's default export, the `port` and `maxRequestBodySize` it may carry.
 * The build links this module into every service with a default export;
 * whether it serves is decided when the service has run, by what it exported.
 */
import { serve } from "./server.ts";
import type { FetchHandler } from "./serve.ts";

interface FetchService {
  fetch: Function;
  port?: unknown;
  maxRequestBodySize?: unknown;
}

/** Whether a default export is a fetch service. */
export function isFetchService(value: unknown): value is FetchService {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as FetchService).fetch === "function";
}

/** Serve a default export that has a fetch method. */
export function serveDefaultExport(service: FetchService): void {
  serve({
    // Called as a method: a class's fetch may use `this`.
    fetch: ((request, info) => service.fetch(request, info)) as FetchHandler,
    port: service.port as number | undefined,
    maxRequestBodySize: service.maxRequestBodySize as number | undefined,
  });
}
