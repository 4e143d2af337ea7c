/**
 * Runs a service module's default export, when it has one:
 * - an object (or class instance) with a callable `fetch`: an HTTP server
 *   for it, when the image carries one (the build links lib/http's into
 *   every service with a default export and hands it here);
 * - `export default function main() { … }` (or async): a number it returns
 *   (or resolves to) is the exit code; otherwise the service ends, as in
 *   Node, when nothing is left pending. A rejection is an uncaught error.
 */
import { exit } from "../runtime.ts";

/** How the image serves a default export that has a fetch method, if it can. */
export interface FetchServer {
  isFetchService(value: unknown): boolean;
  serveDefaultExport(service: unknown): void;
}

export function startService(service: Record<string, unknown>, server?: FetchServer): void {
  const main = service.default;
  if (server?.isFetchService(main)) return server.serveDefaultExport(main);
  if (typeof main !== "function") return;
  const finish = (result: unknown) => {
    if (typeof result === "number") exit(result);
  };
  const result = main();
  if (result instanceof Promise) result.then(finish);
  else finish(result);
}
