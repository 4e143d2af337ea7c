/** How an error that nobody caught is shown before the VM exits. */
import { inspect, type InspectOptions } from "./inspect.ts";
import type { UncaughtKind } from "../hw.ts";

/** Nesting shown for an uncaught error (its causes, its properties), as Node does: at least 5 levels. */
const UNCAUGHT_DEPTH = 5;

export function describeUncaught(error: unknown, kind: UncaughtKind, options: InspectOptions): string {
  const label = kind === "rejection" ? "Uncaught (in promise)" : "Uncaught";
  return `${label} ${inspect(error, { ...options, depth: Math.max(options.depth ?? 2, UNCAUGHT_DEPTH) })}\n`;
}
