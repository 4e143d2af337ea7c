/**
 * The global `console`. Every method writes one formatted line to the VM's
 * console (COM1); warn/error go there too, as there is one console device.
 */
import { format } from "./format.ts";
import { inspect, type InspectOptions } from "./inspect.ts";

export interface ConsoleDeps {
  write(text: string): void;
  /** Milliseconds, for console.time(). */
  now(): number;
  inspectOptions: InspectOptions;
}

export function createConsole(deps: ConsoleDeps) {
  let indent = "";
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const print = (args: unknown[]) => {
    const text = format(args, deps.inspectOptions);
    deps.write((indent ? indent + text.replace(/\n/g, "\n" + indent) : text) + "\n");
  };
  const elapsed = (label: string) => `${label}: ${(deps.now() - timers.get(label)!).toFixed(3)}ms`;

  return {
    log: (...args: unknown[]) => print(args),
    info: (...args: unknown[]) => print(args),
    debug: (...args: unknown[]) => print(args),
    warn: (...args: unknown[]) => print(args),
    error: (...args: unknown[]) => print(args),
    dir: (value: unknown, options?: InspectOptions) => print([inspect(value, { ...deps.inspectOptions, ...options })]),
    trace: (...args: unknown[]) => {
      const stack = new Error().stack ?? "";
      const frames = deps.inspectOptions.mapStack ? deps.inspectOptions.mapStack(stack) : stack;
      print([`Trace${args.length ? ": " + format(args, deps.inspectOptions) : ""}\n${frames.split("\n").slice(1).join("\n").trimEnd()}`]);
    },
    assert: (condition: unknown, ...args: unknown[]) => {
      if (!condition) print(args.length ? [`Assertion failed: ${format(args, deps.inspectOptions)}`] : ["Assertion failed"]);
    },
    count: (label = "default") => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      print([`${label}: ${n}`]);
    },
    countReset: (label = "default") => void counts.delete(label),
    time: (label = "default") => void timers.set(label, deps.now()),
    timeLog: (label = "default", ...args: unknown[]) => {
      if (timers.has(label)) print([elapsed(label), ...args]);
    },
    timeEnd: (label = "default") => {
      if (!timers.has(label)) return;
      print([elapsed(label)]);
      timers.delete(label);
    },
    group: (...args: unknown[]) => {
      if (args.length) print(args);
      indent += "  ";
    },
    groupEnd: () => void (indent = indent.slice(2)),
  };
}

export type Console = ReturnType<typeof createConsole>;
