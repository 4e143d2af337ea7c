/**
 * Readable formatting of any value, in the style of Node's util.inspect:
 * `{ a: 1, b: [ 1, 2 ] }`, `Map(1) { 'k' => 1 }`, `Uint8Array(2) [ 1, 2 ]`,
 * nesting cut at a depth, long output broken over lines.
 * (Node's own implementation, extracted for browsers as node-inspect-extracted,
 * needs WeakRef and FinalizationRegistry, which QuickJS 2021-03-27 lacks.)
 */

export interface InspectOptions {
  /** Levels of nesting shown before `[Object]`; Node's default is 2. */
  depth?: number;
  /** Rewrites an error's stack before it is shown (used to map it to TypeScript lines). */
  mapStack?: (stack: string) => string;
}

/** Node's util.inspect.custom: an object's own way of being shown (Buffer has one). */
export const customInspect = Symbol.for("nodejs.util.inspect.custom");

const BREAK_LENGTH = 80;
const MAX_ITEMS = 100;
const MAX_STRING = 10000;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array);

interface Context {
  depth: number;
  /** The level of the object whose entries were formatted last: how deep the value being laid out goes. */
  currentDepth: number;
  /** Whether the last layout had no entries (`{}`, `[]`), which Node does not count. */
  lastEmpty: boolean;
  seen: object[];
  mapStack: (stack: string) => string;
}

export function inspect(value: unknown, options: InspectOptions = {}): string {
  const ctx: Context = { depth: options.depth ?? 2, currentDepth: 0, lastEmpty: false, seen: [], mapStack: options.mapStack ?? ((s) => s) };
  return formatValue(ctx, value, 0, false);
}

export function quoteString(s: string): string {
  const quote = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") ? "`" : "'";
  let out = "";
  const shown = s.length > MAX_STRING ? s.slice(0, MAX_STRING) : s;
  for (const ch of shown) {
    const code = ch.charCodeAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + code.toString(16).padStart(2, "0");
    else out += ch;
  }
  const more = s.length > MAX_STRING ? `... ${s.length - MAX_STRING} more characters` : "";
  return quote + out + quote + more;
}

function formatPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case "string": return quoteString(value);
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "boolean": return String(value);
    case "undefined": return "undefined";
    case "symbol": return value.toString();
  }
  return value === null ? "null" : undefined;
}

function constructorName(obj: object): string | null {
  let proto = Object.getPrototypeOf(obj);
  while (proto) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
    if (descriptor && typeof descriptor.value === "function" && descriptor.value.name) return descriptor.value.name;
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

function formatKey(key: string | symbol): string {
  if (typeof key === "symbol") return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? key : quoteString(key);
}

function formatProperty(ctx: Context, obj: object, key: string | symbol, level: number, label = formatKey(key)): string {
  const d = Object.getOwnPropertyDescriptor(obj, key)!;
  let shown: string;
  if (d.get || d.set) shown = d.get && d.set ? "[Getter/Setter]" : d.get ? "[Getter]" : "[Setter]";
  else shown = formatValue(ctx, d.value, level + 1, true);
  return `${label}: ${shown}`;
}

function ownEntries(ctx: Context, obj: object, level: number, skipIndices: boolean, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const key of Object.keys(obj)) {
    if ((skipIndices && /^(0|[1-9]\d*)$/.test(key)) || skip.includes(key)) continue;
    out.push(formatProperty(ctx, obj, key, level));
  }
  for (const sym of Object.getOwnPropertySymbols(obj)) {
    if (Object.getOwnPropertyDescriptor(obj, sym)!.enumerable) out.push(formatProperty(ctx, obj, sym, level));
  }
  return out;
}

function formatFunction(fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  const kind = source.startsWith("class") ? "class" : fn.constructor?.name === "AsyncFunction" ? "AsyncFunction"
    : fn.constructor?.name === "GeneratorFunction" ? "GeneratorFunction" : "Function";
  if (kind === "class") return `[class ${fn.name || "(anonymous)"}]`;
  return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
}

const NATIVE_ERROR_NAMES = ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "InternalError", "AggregateError"];

/** As Node does: `class ValidationError extends Error {}` shows as ValidationError, though its name is "Error". */
function errorName(err: Error): string {
  const name = String(err.name ?? "Error");
  const ctor = constructorName(err);
  const inherited = !Object.prototype.hasOwnProperty.call(err, "name") && NATIVE_ERROR_NAMES.includes(name);
  return inherited && ctor && ctor !== name ? ctor : name;
}

/**
 * The message and stack, then, as Node shows them, the error's own enumerable
 * properties, its `[cause]` and an AggregateError's `[errors]`, each with its
 * own stack; a cycle shows as [Circular] and nesting stops at the depth.
 */
function formatError(ctx: Context, err: Error, level: number): string {
  const stack = typeof err.stack === "string" ? err.stack : "";
  const head = `${errorName(err)}: ${err.message ?? ""}`.replace(/: $/, "");
  const body = stack ? ctx.mapStack(stack).replace(/\n$/, "") : "";
  const shown = body ? `${head}\n${body}` : `[${head}]`;
  // The head shows the name and the message already, as Node leaves them out when its stack shows them.
  const extras = ownEntries(ctx, err, level, false, ["name", "message", "stack"]);
  for (const key of ["cause", "errors"]) {
    const d = Object.getOwnPropertyDescriptor(err, key);
    if (!d || d.enumerable || (key === "errors" && !Array.isArray(d.value))) continue;
    extras.push(formatProperty(ctx, err, key, level, `[${key}]`));
  }
  return extras.length > 0 ? wrap(ctx, extras, "{", "}", level, shown) : shown;
}

/**
 * Node's rules for laying entries out (util.inspect's reduceToSingleString,
 * with its default `compact: 3` and `breakLength: 80`): on one line when the
 * entries fit in 80 columns and the value holds at most three levels of
 * objects below it (the last nested object shown counts), else one entry per
 * line; an array of more than six entries is first grouped in columns.
 */
function wrap(ctx: Context, entries: string[], open: string, close: string, level: number, prefix: string, array?: ArrayLike<unknown>): string {
  const start = prefix ? prefix + " " : "";
  ctx.lastEmpty = entries.length === 0;
  if (ctx.lastEmpty) return `${start}${open}${close}`;
  const indentation = level * 2;
  const output = array && entries.length > 6 ? groupArrayElements(entries, indentation, array) : entries;
  if (ctx.currentDepth - level < 3 && output.length === entries.length) {
    const width = output.length + indentation + start.length + open.length + 10;
    const total = output.reduce((sum, entry) => sum + entry.length, output.length + width);
    if (total <= BREAK_LENGTH && !start.includes("\n")) {
      const single = `${start}${open} ${output.join(", ")} ${close}`;
      if (!single.includes("\n")) return single;
    }
  }
  // Indented relative to the enclosing value, which indents this whole text again when it is nested.
  const lines = output.map((entry, i) => "  " + entry.replace(/\n/g, "\n  ") + (i < output.length - 1 ? "," : ""));
  return `${start}${open}\n${lines.join("\n")}\n${close}`;
}

/** Node's groupArrayElements: short entries in as many aligned columns as look square (numbers right-aligned). */
function groupArrayElements(output: string[], indentation: number, array: ArrayLike<unknown>): string[] {
  const separatorSpace = 2;
  const outputLength = /^\.\.\. \d+ more items?$/.test(output[output.length - 1]) ? output.length - 1 : output.length;
  let totalLength = 0;
  let maxLength = 0;
  for (let i = 0; i < outputLength; i++) {
    totalLength += output[i].length + separatorSpace;
    maxLength = Math.max(maxLength, output[i].length);
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + indentation >= BREAK_LENGTH || (totalLength / actualMax <= 5 && maxLength > 6)) return output;
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
    Math.floor((BREAK_LENGTH - indentation) / actualMax),
    3 * 4,
    15,
  );
  if (columns <= 1) return output;
  const maxLineLength: number[] = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < outputLength; j += columns) lineLength = Math.max(lineLength, output[j].length);
    maxLineLength.push(lineLength + separatorSpace);
  }
  let numbers = true;
  for (let i = 0; i < output.length; i++) {
    if (typeof array[i] !== "number" && typeof array[i] !== "bigint") {
      numbers = false;
      break;
    }
  }
  const grouped: string[] = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = Math.min(i + columns, outputLength);
    let line = "";
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${output[j]}, `;
      line += numbers ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
    }
    line += numbers ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
    grouped.push(line);
  }
  if (outputLength < output.length) grouped.push(output[outputLength]);
  return grouped;
}

function limited<T>(items: T[], show: (item: T) => string): string[] {
  const out = items.slice(0, MAX_ITEMS).map(show);
  if (items.length > MAX_ITEMS) out.push(`... ${items.length - MAX_ITEMS} more item${items.length - MAX_ITEMS > 1 ? "s" : ""}`);
  return out;
}

function formatValue(ctx: Context, value: unknown, level: number, nested: boolean): string {
  const primitive = formatPrimitive(value);
  if (primitive !== undefined) return primitive;
  const custom = (value as { [customInspect]?: unknown })[customInspect];
  if (typeof custom === "function" && custom !== inspect) {
    // As Node calls it: the depth left, the options, and inspect itself; a value it returns is shown in its place.
    const shown: unknown = custom.call(value, ctx.depth - level, { depth: ctx.depth }, inspect);
    if (shown !== value) return typeof shown === "string" ? shown : formatValue(ctx, shown, level, nested);
  }
  if (typeof value === "function") return formatFunction(value);
  const obj = value as object;
  if (ctx.seen.includes(obj)) return "[Circular]";

  if (obj instanceof Error) {
    if (nested && level > ctx.depth) return `[${obj.name}: ${obj.message}]`;
    ctx.seen.push(obj);
    ctx.currentDepth = level;
    try {
      return formatError(ctx, obj, level);
    } finally {
      ctx.seen.pop();
    }
  }
  if (obj instanceof Date) return isNaN(obj.getTime()) ? "Invalid Date" : obj.toISOString();
  if (obj instanceof RegExp) return obj.toString();
  if (obj instanceof Promise) return "Promise { <state unknown> }";
  if (obj instanceof WeakMap || obj instanceof WeakSet) return `${constructorName(obj)} { <items unknown> }`;

  const name = constructorName(obj);
  const isArray = Array.isArray(obj);
  if (level > ctx.depth) {
    // Node shows an empty array or plain object as itself at any depth.
    const empty = Object.keys(obj).length === 0 && Object.getOwnPropertySymbols(obj).length === 0;
    if (empty && isArray) return "[]";
    if (empty && (name === "Object" || name === null) && !(obj instanceof Map || obj instanceof Set)) return name ? "{}" : "[Object: null prototype] {}";
    return isArray ? "[Array]" : `[${name ?? "Object"}]`;
  }

  ctx.seen.push(obj);
  // As Node does, an object counts for the layout of those around it once it shows entries (see wrap).
  const outerDepth = ctx.currentDepth;
  ctx.currentDepth = level;
  ctx.lastEmpty = false;
  try {
    if (isArray) {
      const arr = obj as unknown[];
      const items: string[] = [];
      let holes = 0;
      const flushHoles = () => {
        if (holes) items.push(`<${holes} empty item${holes > 1 ? "s" : ""}>`);
        holes = 0;
      };
      for (let i = 0; i < Math.min(arr.length, MAX_ITEMS); i++) {
        if (!(i in arr)) { holes++; continue; }
        flushHoles();
        items.push(formatValue(ctx, arr[i], level + 1, true));
      }
      flushHoles();
      if (arr.length > MAX_ITEMS) items.push(`... ${arr.length - MAX_ITEMS} more items`);
      items.push(...ownEntries(ctx, arr, level, true));
      return wrap(ctx, items, "[", "]", level, name && name !== "Array" ? `${name}(${arr.length})` : "", arr);
    }
    if (obj instanceof TYPED_ARRAY) {
      const typed = obj as unknown as ArrayLike<number | bigint>;
      const items = limited(Array.from(typed), (v) => formatPrimitive(v)!);
      return wrap(ctx, items, "[", "]", level, `${name}(${typed.length})`, typed);
    }
    if (obj instanceof ArrayBuffer) {
      const bytes = Array.from(new Uint8Array(obj).slice(0, 50), (b) => b.toString(16).padStart(2, "0"));
      const more = obj.byteLength > 50 ? ` ... ${obj.byteLength - 50} more bytes` : "";
      return `ArrayBuffer { [Uint8Contents]: <${bytes.join(" ")}${more}>, byteLength: ${obj.byteLength} }`;
    }
    if (obj instanceof Map) {
      const items = limited([...obj], ([k, v]) => `${formatValue(ctx, k, level + 1, true)} => ${formatValue(ctx, v, level + 1, true)}`);
      return wrap(ctx, [...items, ...ownEntries(ctx, obj, level, false)], "{", "}", level, `${name}(${obj.size})`);
    }
    if (obj instanceof Set) {
      const items = limited([...obj], (v) => formatValue(ctx, v, level + 1, true));
      return wrap(ctx, [...items, ...ownEntries(ctx, obj, level, false)], "{", "}", level, `${name}(${obj.size})`);
    }
    const boxed = obj instanceof Number || obj instanceof String || obj instanceof Boolean;
    const entries = ownEntries(ctx, obj, level, obj instanceof String);
    const prefix = boxed ? `[${name}: ${formatPrimitive(obj.valueOf())}]`
      : name === null ? "[Object: null prototype]" : name === "Object" ? "" : name;
    if (boxed && entries.length === 0) return prefix;
    return wrap(ctx, entries, "{", "}", level, prefix);
  } finally {
    ctx.seen.pop();
    if (ctx.currentDepth === level && ctx.lastEmpty) ctx.currentDepth = outerDepth;
  }
}
