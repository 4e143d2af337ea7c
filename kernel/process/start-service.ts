/**
 * Runs a service module's default export, when it has one:
 * `export default function main() { … }` (or async). A number it returns
 * (or resolves to) is the exit code; otherwise the service ends, as in Node,
 * when nothing is left pending. A rejection is an uncaught error.
 */
import { exit } from "../runtime.ts";

export function startService(service: Record<string, unknown>): void {
  const main = service.default;
  if (typeof main !== "function") return;
  const finish = (result: unknown) => {
    if (typeof result === "number") exit(result);
  };
  const result = main();
  if (result instanceof Promise) result.then(finish);
  else finish(result);
}
