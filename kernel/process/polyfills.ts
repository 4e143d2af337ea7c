/**
 * The ES2022/ES2023 built-ins QuickJS 2021-03-27 lacks and TypeScript users
 * reach for: `at`, `Object.hasOwn`, `findLast`/`findLastIndex`, the
 * copying array methods (`toSorted`, `toReversed`, `toSpliced`, `with`),
 * the `cause` option of the error constructors, and `Symbol.dispose` /
 * `Symbol.asyncDispose` for `using` / `await using`.
 * Each follows its specification's steps; installed only where missing,
 * non-enumerable like the built-ins.
 */

type Indexed = { length: number; [i: number]: unknown };

function define(target: object, name: string, value: Function): void {
  if (!(name in target)) Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

function relativeIndex(length: number, index: unknown): number {
  const n = Math.trunc(Number(index)) || 0;
  return n < 0 ? length + n : n;
}

function at(this: Indexed, index: unknown) {
  const k = relativeIndex(this.length, index);
  return k >= 0 && k < this.length ? this[k] : undefined;
}

function findLast(this: Indexed, predicate: (v: unknown, i: number, o: unknown) => unknown, thisArg?: unknown) {
  for (let i = this.length - 1; i >= 0; i--) if (predicate.call(thisArg, this[i], i, this)) return this[i];
  return undefined;
}

function findLastIndex(this: Indexed, predicate: (v: unknown, i: number, o: unknown) => unknown, thisArg?: unknown) {
  for (let i = this.length - 1; i >= 0; i--) if (predicate.call(thisArg, this[i], i, this)) return i;
  return -1;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);

for (const proto of [Array.prototype, String.prototype, TypedArrayPrototype]) define(proto, "at", at);
for (const proto of [Array.prototype, TypedArrayPrototype]) {
  define(proto, "findLast", findLast);
  define(proto, "findLastIndex", findLastIndex);
}
define(Object, "hasOwn", (obj: object, key: PropertyKey) => Object.prototype.hasOwnProperty.call(Object(obj), key));

define(Array.prototype, "toReversed", function (this: unknown[]) {
  return Array.from(this).reverse();
});
define(Array.prototype, "toSorted", function (this: unknown[], compare?: (a: unknown, b: unknown) => number) {
  if (compare !== undefined && typeof compare !== "function") throw new TypeError("The comparison function must be a function or undefined");
  return Array.from(this).sort(compare);
});
define(Array.prototype, "toSpliced", function (this: unknown[], ...args: [number, number, ...unknown[]]) {
  const copy = Array.from(this);
  if (args.length > 0) copy.splice(...args);
  return copy;
});
define(Array.prototype, "with", function (this: unknown[], index: number, value: unknown) {
  const k = relativeIndex(this.length, index);
  if (k < 0 || k >= this.length) throw new RangeError("Invalid index : " + index);
  const copy = Array.from(this);
  copy[k] = value;
  return copy;
});
type Typed = Uint8Array & { constructor: new (source: ArrayLike<number>) => Uint8Array };
define(TypedArrayPrototype, "toReversed", function (this: Typed) {
  return new this.constructor(this).reverse();
});
define(TypedArrayPrototype, "toSorted", function (this: Typed, compare?: (a: number, b: number) => number) {
  return new this.constructor(this).sort(compare);
});
define(TypedArrayPrototype, "with", function (this: Typed, index: number, value: number) {
  const k = relativeIndex(this.length, index);
  if (k < 0 || k >= this.length) throw new RangeError("Invalid typed array index");
  const copy = new this.constructor(this);
  copy[k] = value;
  return copy;
});

/**
 * `new Error(message, { cause })` keeps `cause` (ES2022 InstallErrorCause), which QuickJS
 * 2021-03-27 ignores. Each error constructor is replaced by a function that makes the
 * native error and then installs the cause; it shares the native prototype, so
 * `instanceof`, subclasses and the errors the engine throws are unchanged.
 */
function installErrorCause(): void {
  if ("cause" in new Error("", { cause: 0 })) return;
  const globals = globalThis as unknown as Record<string, Function>;
  const replaced = new Map<Function, Function>();
  // Where the options argument is: after the message, and after the errors for AggregateError.
  const constructors: [string, number][] = [["Error", 1], ["EvalError", 1], ["RangeError", 1], ["ReferenceError", 1],
    ["SyntaxError", 1], ["TypeError", 1], ["URIError", 1], ["AggregateError", 2]];
  for (const [name, optionsAt] of constructors) {
    const Native = globals[name];
    if (typeof Native !== "function") continue;
    const Replacement = function (this: unknown, ...args: unknown[]) {
      const error = Reflect.construct(Native, args, new.target ?? Replacement) as Error;
      const options = args[optionsAt];
      if (typeof options === "object" && options !== null && "cause" in options) {
        Object.defineProperty(error, "cause", { value: (options as { cause: unknown }).cause, writable: true, configurable: true, enumerable: false });
      }
      // The stack starts where the error was made, as with the native constructor: without
      // the frames of Reflect.construct and of this function.
      const stack = error.stack;
      if (typeof stack === "string" && stack.startsWith("    at construct (native)\n")) {
        const second = stack.indexOf("\n", stack.indexOf("\n") + 1);
        error.stack = second < 0 ? "" : stack.slice(second + 1);
      }
      return error;
    };
    Object.defineProperty(Replacement, "name", { value: name });
    Object.defineProperty(Replacement, "length", { value: Native.length });
    Object.defineProperty(Replacement, "prototype", { value: Native.prototype, writable: false, enumerable: false, configurable: false });
    Object.defineProperty(Native.prototype, "constructor", { value: Replacement, writable: true, configurable: true, enumerable: false });
    const parent = Object.getPrototypeOf(Native);
    Object.setPrototypeOf(Replacement, replaced.get(parent) ?? parent);
    replaced.set(Native, Replacement);
    Object.defineProperty(globals, name, { value: Replacement, writable: true, configurable: true, enumerable: false });
  }
}
installErrorCause();

/**
 * `using` and `await using` (ES2026 explicit resource management): the build
 * lowers the syntax, and esbuild's helper takes `Symbol.asyncDispose` or,
 * where the engine has none, `Symbol.for("Symbol.asyncDispose")`. Defining
 * the well-known names as those registry symbols lets a service's own
 * `[Symbol.asyncDispose]()` methods meet the lowered code.
 */
for (const name of ["dispose", "asyncDispose"]) {
  if (!(name in Symbol)) Object.defineProperty(Symbol, name, { value: Symbol.for(`Symbol.${name}`), writable: false, configurable: false, enumerable: false });
}
