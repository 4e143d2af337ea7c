/** printf-like formatting with Node's util.format rules: %s %d %i %f %j %o %O %c %%. */
import { inspect, type InspectOptions } from "./inspect.ts";

function formatNumber(value: unknown, integer: boolean): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return "NaN";
  const n = integer ? parseInt(String(value)) : Number(value);
  return Object.is(n, -0) ? "-0" : String(n);
}

/**
 * Whether `value`'s toString is the engine's (Object's, Date's, Error's…),
 * as Node's %s asks: an object with a toString of its own, or of its class,
 * is shown by that toString instead of inspected.
 */
function hasBuiltInToString(value: object): boolean {
  if (typeof (value as { toString?: unknown }).toString !== "function") return true;
  if (Object.prototype.hasOwnProperty.call(value, "toString")) return false;
  let pointer: object | null = value;
  do pointer = Object.getPrototypeOf(pointer);
  while (pointer && !Object.prototype.hasOwnProperty.call(pointer, "toString"));
  const constructor = pointer && Object.getOwnPropertyDescriptor(pointer, "constructor")?.value;
  return typeof constructor === "function" && /^[A-Z]/.test(constructor.name) && (globalThis as Record<string, unknown>)[constructor.name] === constructor;
}

function formatString(value: unknown, options: InspectOptions): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value !== "object" || value === null || !hasBuiltInToString(value)) return String(value);
  if (value instanceof Error) return inspect(value, options);
  return inspect(value, { ...options, depth: 0 });
}

/** Format arguments the way console.log shows them. */
export function format(args: unknown[], options: InspectOptions = {}): string {
  const shown = (v: unknown) => (typeof v === "string" ? v : inspect(v, options));
  if (args.length === 0) return "";
  const first = args[0];
  if (typeof first !== "string") return args.map(shown).join(" ");

  let next = 1;
  let out = "";
  let last = 0;
  for (let i = 0; i < first.length - 1; i++) {
    if (first[i] !== "%") continue;
    const spec = first[i + 1];
    let piece: string | undefined;
    if (spec === "%") piece = "%";
    else if (next < args.length) {
      const arg = args[next];
      switch (spec) {
        case "s": piece = formatString(arg, options); break;
        case "d": piece = formatNumber(arg, false); break;
        case "i": piece = formatNumber(arg, true); break;
        case "f": piece = typeof arg === "symbol" ? "NaN" : String(parseFloat(String(arg))); break;
        case "j":
          try { piece = JSON.stringify(arg); } catch { piece = "[Circular]"; }
          break;
        case "o": piece = inspect(arg, { ...options, depth: 4 }); break;
        case "O": piece = inspect(arg, options); break;
        case "c": piece = ""; break;
      }
      if (piece !== undefined && spec !== "%") next++;
    }
    if (piece === undefined) continue;
    out += first.slice(last, i) + piece;
    last = i + 2;
    i++;
  }
  out += first.slice(last);
  for (; next < args.length; next++) out += " " + shown(args[next]);
  return out;
}
