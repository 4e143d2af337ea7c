/**
 * Node's deep equality, as util.isDeepStrictEqual and assert.deepStrictEqual
 * (strict) and assert.deepEqual (loose) compare: the same own enumerable
 * properties with equal values, Map and Set entries in any order, typed
 * arrays by their bytes, dates by their time, and cycles allowed. Strict also
 * wants the same prototype, the same kind of object and Object.is() between
 * primitives; loose takes `==` between primitives and ignores prototypes
 * (and symbol keys). Both want the same Object.prototype.toString tag.
 */
import * as types from "./util-types.ts";

type Pairs = Map<object, Set<object>>;

/** Whether `a` and `b` are deeply equal as Node's assert says: strict, or loose. */
export function deepEqual(a: unknown, b: unknown, strict: boolean): boolean {
  return equal(a, b, strict, new Map());
}

function primitivesEqual(a: unknown, b: unknown, strict: boolean): boolean {
  // eslint-disable-next-line eqeqeq
  return strict ? Object.is(a, b) : a == b || (Number.isNaN(a) && Number.isNaN(b));
}

function equal(a: unknown, b: unknown, strict: boolean, seen: Pairs): boolean {
  if (a === b) return a !== 0 || !strict || Object.is(a, b);
  const objectA = typeof a === "object" && a !== null;
  const objectB = typeof b === "object" && b !== null;
  if (!objectA || !objectB) {
    if (objectA || objectB || typeof a === "function" || typeof b === "function") return false;
    return primitivesEqual(a, b, strict);
  }
  // A pair being compared further up (a cycle) counts as equal here: that comparison decides.
  let pending = seen.get(a as object);
  if (pending?.has(b as object)) return true;
  if (!pending) seen.set(a as object, (pending = new Set()));
  pending.add(b as object);
  try {
    return objectsEqual(a as object, b as object, strict, seen);
  } finally {
    pending.delete(b as object);
  }
}

const tag = (value: object) => Object.prototype.toString.call(value);

function objectsEqual(a: object, b: object, strict: boolean, seen: Pairs): boolean {
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (tag(a) !== tag(b)) return false;

  if (types.isDate(a) || types.isDate(b)) {
    if (!types.isDate(a) || !types.isDate(b) || a.getTime() !== b.getTime()) return false;
  } else if (types.isRegExp(a) || types.isRegExp(b)) {
    if (!types.isRegExp(a) || !types.isRegExp(b) || a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (types.isBoxedPrimitive(a) || types.isBoxedPrimitive(b)) {
    if (tag(a) !== tag(b) || !Object.is(a.valueOf(), b.valueOf())) return false;
  } else if (types.isNativeError(a) || types.isNativeError(b) || a instanceof Error || b instanceof Error) {
    const errorA = a as Error, errorB = b as Error;
    if (errorA.message !== errorB.message || errorA.name !== errorB.name) return false;
  } else if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
    // Loosely, float arrays compare by value (0 equals -0), as Node's areSimilarFloatArrays does.
    const floats = !strict && (types.isFloat32Array(a) || types.isFloat64Array(a));
    if (floats ? !floatsEqual(a as Float64Array, b as Float64Array) : !bytesEqual(a, b)) return false;
  } else if (types.isAnyArrayBuffer(a) || types.isAnyArrayBuffer(b)) {
    if (!types.isAnyArrayBuffer(a) || !types.isAnyArrayBuffer(b)) return false;
    if (!bytesEqual(new Uint8Array(a as ArrayBuffer), new Uint8Array(b as ArrayBuffer))) return false;
  } else if (types.isMap(a) || types.isMap(b)) {
    if (!types.isMap(a) || !types.isMap(b) || !mapsEqual(a, b, strict, seen)) return false;
  } else if (types.isSet(a) || types.isSet(b)) {
    if (!types.isSet(a) || !types.isSet(b) || !setsEqual(a, b, strict, seen)) return false;
  }
  return keysEqual(a, b, strict, seen);
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function floatsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The own enumerable keys compared: for typed arrays, those that are not indices. */
function ownKeys(value: object, strict: boolean): PropertyKey[] {
  let keys: PropertyKey[] = Object.keys(value);
  if (types.isTypedArray(value)) keys = (keys as string[]).filter((key) => !/^(0|[1-9]\d*)$/.test(key));
  if (strict) keys.push(...Object.getOwnPropertySymbols(value).filter((symbol) => Object.prototype.propertyIsEnumerable.call(value, symbol)));
  return keys;
}

function keysEqual(a: object, b: object, strict: boolean, seen: Pairs): boolean {
  const keysA = ownKeys(a, strict);
  const keysB = ownKeys(b, strict);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.propertyIsEnumerable.call(b, key)) return false;
    if (!equal((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], strict, seen)) return false;
  }
  return true;
}

const isObject = (value: unknown) => (typeof value === "object" && value !== null) || typeof value === "function";

function setsEqual(a: Set<unknown>, b: Set<unknown>, strict: boolean, seen: Pairs): boolean {
  if (a.size !== b.size) return false;
  const unmatched: unknown[] = [];
  for (const value of b) if (isObject(value) || !a.has(value) || !strict) unmatched.push(value);
  for (const value of a) {
    if (!isObject(value) && strict && b.has(value)) continue;
    const at = unmatched.findIndex((other) => equal(value, other, strict, seen));
    if (at < 0) return false;
    unmatched.splice(at, 1);
  }
  return unmatched.length === 0;
}

function mapsEqual(a: Map<unknown, unknown>, b: Map<unknown, unknown>, strict: boolean, seen: Pairs): boolean {
  if (a.size !== b.size) return false;
  const unmatched: [unknown, unknown][] = [];
  for (const entry of b) if (isObject(entry[0]) || !a.has(entry[0]) || !strict) unmatched.push(entry);
  for (const [key, value] of a) {
    if (!isObject(key) && strict && b.has(key)) {
      if (!equal(value, b.get(key), strict, seen)) return false;
      continue;
    }
    const at = unmatched.findIndex(([otherKey, otherValue]) => equal(key, otherKey, strict, seen) && equal(value, otherValue, strict, seen));
    if (at < 0) return false;
    unmatched.splice(at, 1);
  }
  return unmatched.length === 0;
}
