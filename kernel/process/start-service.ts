/**
 * Runs a service module's default export, when it has one:
 * - `export default function main() { … }` (or async): a number it returns
 *   (or resolves to) is the exit code; otherwise the service ends, as in
 *   Node, when nothing is left pending. A rejection is an uncaught error.
 * - `export default { fetch(request) { … } }`: an HTTP server for that
 *   handler, which the build links in when the service looks like one
 *   (lib/http/serve-default.ts registers itself here).
 */
import { exit } from "../runtime.ts";

type ObjectServer = (service: { fetch: Function }) => void;
let serveObject: ObjectServer | undefined;

/** lib/http registers how to serve `export default { fetch }`. */
export function registerObjectServer(serve: ObjectServer): void {
  serveObject = serve;
}

export function startService(service: Record<string, unknown>): void {
  const main = service.default;
  if (main && typeof main === "object" && typeof (main as { fetch?: unknown }).fetch === "function") {
    if (!serveObject) throw new Error("the service exports { fetch } but its image has no HTTP server: keep `export default` and `fetch(` in the entry file");
    serveObject(main as { fetch: Function });
    return;
  }
  if (typeof main !== "function") return;
  const finish = (result: unknown) => {
    if (typeof result === "number") exit(result);
  };
  const result = main();
  if (result instanceof Promise) result.then(finish);
  else finish(result);
}
