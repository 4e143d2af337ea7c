/**
 * `node:util`: promisify/callbackify, inspect and format (the kernel's own,
 * so util.inspect prints what console.log prints), types, deep equality,
 * inherits, deprecate, the text codecs, and the old is* checks that older
 * packages still call.
 */
import { format as formatArgs } from "../../kernel/process/format.ts";
import { customInspect, inspect as inspectValue } from "../../kernel/process/inspect.ts";
import { deepEqual } from "./deep-equal.ts";
import types from "./util-types.ts";

export { types };

/** What util.inspect takes: only `depth` changes the output; `null` shows every level. */
export interface InspectOptions {
  depth?: number | null;
  [option: string]: unknown;
}

function kernelOptions(options: InspectOptions | undefined) {
  const depth = options?.depth;
  return depth === null ? { depth: Infinity } : depth === undefined ? {} : { depth };
}

/** A value as Node's util.inspect shows it (as console.log does), with `options` or the old `(value, showHidden, depth)`. */
export const inspect = Object.assign(
  function inspect(value: unknown, options?: InspectOptions | boolean, depth?: number | null): string {
    const given = typeof options === "object" && options !== null ? options : depth !== undefined ? { depth } : undefined;
    return inspectValue(value, kernelOptions(given));
  },
  { custom: customInspect as typeof customInspect },
);

/** printf-like formatting, as console.log formats its arguments. */
export function format(...args: unknown[]): string {
  return formatArgs(args);
}

export function formatWithOptions(options: InspectOptions, ...args: unknown[]): string {
  if (typeof options !== "object" || options === null) throw new TypeError('The "inspectOptions" argument must be of type object');
  return formatArgs(args, kernelOptions(options));
}

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return deepEqual(a, b, true);
}

type Callback = (error: unknown, ...values: any[]) => void;
const promisifyCustom = Symbol.for("nodejs.util.promisify.custom");

function mustBeFunction(value: unknown, name: string): asserts value is Function {
  if (typeof value !== "function") throw new TypeError(`The "${name}" argument must be of type function. Received ${inspectValue(value)}`);
}

/** Copies fn's own properties onto the wrapper, as Node does (name and length included). */
function copyProperties(wrapper: Function, original: Function, change?: (descriptors: PropertyDescriptorMap) => void): void {
  const descriptors = Object.getOwnPropertyDescriptors(original) as PropertyDescriptorMap;
  change?.(descriptors);
  Object.defineProperties(wrapper, descriptors);
}

/**
 * A function taking a Node-style callback last, as one returning a promise of
 * the callback's first value; a function's own `[util.promisify.custom]` wins.
 */
export const promisify = Object.assign(
  function promisify(original: Function): (...args: any[]) => Promise<any> {
    mustBeFunction(original, "original");
    const custom = (original as { [promisifyCustom]?: unknown })[promisifyCustom];
    if (custom !== undefined) {
      mustBeFunction(custom, "util.promisify.custom");
      Object.defineProperty(custom, promisifyCustom, { value: custom, configurable: true });
      return custom as (...args: any[]) => Promise<any>;
    }
    const promisified = function (this: unknown, ...args: unknown[]): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const callback: Callback = (error, ...values) => (error ? reject(error) : resolve(values[0]));
        original.apply(this, [...args, callback]);
      });
    };
    Object.setPrototypeOf(promisified, Object.getPrototypeOf(original));
    Object.defineProperty(promisified, promisifyCustom, { value: promisified, configurable: true });
    copyProperties(promisified, original);
    return promisified;
  },
  { custom: promisifyCustom as typeof promisifyCustom },
);

/** What a callbackified function's callback gets when the promise rejects with a falsy value. */
class FalsyRejectionError extends Error {
  readonly code = "ERR_FALSY_VALUE_REJECTION";
  constructor(readonly reason: unknown) {
    super("Promise was rejected with falsy value");
  }
}

/** An async function as one that takes a Node-style callback last (called in a later microtask). */
export function callbackify(original: (...args: any[]) => Promise<unknown>): (...args: any[]) => void {
  mustBeFunction(original, "original");
  const callbackified = function (this: unknown, ...args: unknown[]): void {
    const callback = args.pop();
    mustBeFunction(callback, "last argument");
    original.apply(this, args).then(
      (value) => queueMicrotask(() => callback.call(this, null, value)),
      (reason) => queueMicrotask(() => callback.call(this, reason || new FalsyRejectionError(reason))),
    );
  };
  copyProperties(callbackified, original, (descriptors) => {
    if (typeof descriptors.length?.value === "number") descriptors.length.value++;
    if (typeof descriptors.name?.value === "string") descriptors.name.value += "Callbackified";
  });
  return callbackified;
}

const warned = new Set<string>();

/** `fn`, printing a DeprecationWarning on the console the first time it is called (once per code). */
export function deprecate<T extends Function>(fn: T, message: string, code?: string): T {
  mustBeFunction(fn, "fn");
  let warnedHere = false;
  const deprecated = function (this: unknown, ...args: unknown[]): unknown {
    if (!warnedHere && !(code && warned.has(code))) {
      warnedHere = true;
      if (code) warned.add(code);
      console.error(`${code ? `[${code}] ` : ""}DeprecationWarning: ${message}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  };
  Object.setPrototypeOf(deprecated, fn);
  if (fn.prototype) deprecated.prototype = fn.prototype;
  return deprecated as unknown as T;
}

/** The pre-class way to subclass: `ctor`'s prototype inherits `superCtor`'s, and `ctor.super_` is `superCtor`. */
export function inherits(ctor: Function, superCtor: Function): void {
  mustBeFunction(ctor, "ctor");
  mustBeFunction(superCtor, "superCtor");
  if (superCtor.prototype === undefined) throw new TypeError('The "superCtor.prototype" property must be of type object. Received undefined');
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

/** A logger for NODE_DEBUG=section; Toro reads no NODE_DEBUG, so these loggers are off and print nothing. */
export function debuglog(_section: string): ((...args: unknown[]) => void) & { enabled: boolean } {
  return Object.assign(() => {}, { enabled: false });
}

/** The string with ANSI escape sequences (colours, cursor moves) taken out. */
export function stripVTControlCharacters(text: string): string {
  return text.replace(/[\u001B\u009B][[\]()#;?]*(?:(?:(?:;[-a-zA-Z\d/#&.:=?%@~_]+)*|[a-zA-Z\d]+(?:;[-a-zA-Z\d/#&.:=?%@~_]*)*)?\u0007|(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PR-TZcf-nq-uy=><~])/g, "");
}

/** The string with each lone surrogate replaced by U+FFFD. */
export function toUSVString(text: string): string {
  return String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

// The checks Node deprecated but still has, which older packages call.
export const isArray = Array.isArray;
export const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";
export const isNull = (value: unknown): value is null => value === null;
export const isNullOrUndefined = (value: unknown): value is null | undefined => value === null || value === undefined;
export const isNumber = (value: unknown): value is number => typeof value === "number";
export const isString = (value: unknown): value is string => typeof value === "string";
export const isSymbol = (value: unknown): value is symbol => typeof value === "symbol";
export const isUndefined = (value: unknown): value is undefined => value === undefined;
export const isRegExp = types.isRegExp;
export const isObject = (value: unknown): boolean => value !== null && typeof value === "object";
export const isDate = types.isDate;
export const isError = (value: unknown): value is Error => types.isNativeError(value) || value instanceof Error;
export const isFunction = (value: unknown): value is Function => typeof value === "function";
export const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== "object" && typeof value !== "function");

export default {
  promisify, callbackify, inspect, format, formatWithOptions, types, isDeepStrictEqual, deprecate, inherits, debuglog,
  stripVTControlCharacters, toUSVString, TextEncoder, TextDecoder, isArray, isBoolean, isNull, isNullOrUndefined, isNumber,
  isString, isSymbol, isUndefined, isRegExp, isObject, isDate, isError, isFunction, isPrimitive,
};
