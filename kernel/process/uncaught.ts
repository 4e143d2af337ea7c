/** How an error that nobody caught is shown before the VM exits. */
import { inspect, type InspectOptions } from "./inspect.ts";
import type { UncaughtKind } from "../hw.ts";

export function describeUncaught(error: unknown, kind: UncaughtKind, options: InspectOptions): string {
  const label = kind === "rejection" ? "Uncaught (in promise)" : "Uncaught";
  return `${label} ${inspect(error, options)}\n`;
}
