/**
 * `node:util/types` (also `util.types`): what a value is, by the engine's
 * own brand checks where JavaScript has one (a getter or method of the
 * built-in that throws on anything else), so a look-alike object or a
 * spoofed Symbol.toStringTag is not taken for the real thing.
 */

/** Whether calling `method` with `value` as `this` succeeds: the built-in's brand check. */
function branded(method: Function | undefined, value: unknown, ...args: unknown[]): boolean {
  if (typeof value !== "object" || value === null || !method) return false;
  try {
    method.call(value, ...args);
    return true;
  } catch {
    return false;
  }
}

const getter = (proto: object, key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)?.get;
const tagOf = (value: unknown) => Object.prototype.toString.call(value).slice(8, -1);
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = getter(TypedArray, Symbol.toStringTag)!;
const functionKind = (value: unknown) => (typeof value === "function" ? (value.constructor as Function | undefined)?.name : undefined);

export const isDate = (value: unknown): value is Date => branded(Date.prototype.getTime, value);
export const isRegExp = (value: unknown): value is RegExp => value !== RegExp.prototype && branded(getter(RegExp.prototype, "source"), value);
export const isMap = (value: unknown): value is Map<unknown, unknown> => branded(getter(Map.prototype, "size"), value);
export const isSet = (value: unknown): value is Set<unknown> => branded(getter(Set.prototype, "size"), value);
export const isWeakMap = (value: unknown): value is WeakMap<object, unknown> => branded(WeakMap.prototype.has, value, {});
export const isWeakSet = (value: unknown): value is WeakSet<object> => branded(WeakSet.prototype.has, value, {});
export const isArrayBuffer = (value: unknown): value is ArrayBuffer => branded(getter(ArrayBuffer.prototype, "byteLength"), value);
export const isSharedArrayBuffer = (value: unknown): boolean =>
  typeof SharedArrayBuffer === "function" && branded(getter(SharedArrayBuffer.prototype, "byteLength"), value);
export const isAnyArrayBuffer = (value: unknown): boolean => isArrayBuffer(value) || isSharedArrayBuffer(value);
export const isDataView = (value: unknown): value is DataView => branded(getter(DataView.prototype, "buffer"), value);
export const isArrayBufferView = (value: unknown): value is ArrayBufferView => ArrayBuffer.isView(value);
export const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;
export const isNativeError = (value: unknown): value is Error => tagOf(value) === "Error";
export const isAsyncFunction = (value: unknown): boolean => functionKind(value) === "AsyncFunction" || functionKind(value) === "AsyncGeneratorFunction";
export const isGeneratorFunction = (value: unknown): boolean => functionKind(value) === "GeneratorFunction" || functionKind(value) === "AsyncGeneratorFunction";
export const isGeneratorObject = (value: unknown): boolean => tagOf(value) === "Generator";
export const isArgumentsObject = (value: unknown): boolean => tagOf(value) === "Arguments";
export const isMapIterator = (value: unknown): boolean => tagOf(value) === "Map Iterator";
export const isSetIterator = (value: unknown): boolean => tagOf(value) === "Set Iterator";
export const isModuleNamespaceObject = (value: unknown): boolean =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === null && tagOf(value) === "Module";

export const isNumberObject = (value: unknown): value is Number => branded(Number.prototype.valueOf, value);
export const isStringObject = (value: unknown): value is String => branded(String.prototype.valueOf, value);
export const isBooleanObject = (value: unknown): value is Boolean => branded(Boolean.prototype.valueOf, value);
export const isBigIntObject = (value: unknown): boolean => branded(BigInt.prototype.valueOf, value);
export const isSymbolObject = (value: unknown): boolean => branded(Symbol.prototype.valueOf, value);
export const isBoxedPrimitive = (value: unknown): boolean =>
  isNumberObject(value) || isStringObject(value) || isBooleanObject(value) || isBigIntObject(value) || isSymbolObject(value);

const typedArray = (name: string) => (value: unknown): boolean => typedArrayName.call(value) === name;
export const isTypedArray = (value: unknown): boolean => typedArrayName.call(value) !== undefined;
export const isUint8Array = typedArray("Uint8Array");
export const isUint8ClampedArray = typedArray("Uint8ClampedArray");
export const isUint16Array = typedArray("Uint16Array");
export const isUint32Array = typedArray("Uint32Array");
export const isInt8Array = typedArray("Int8Array");
export const isInt16Array = typedArray("Int16Array");
export const isInt32Array = typedArray("Int32Array");
export const isFloat32Array = typedArray("Float32Array");
export const isFloat64Array = typedArray("Float64Array");
export const isBigInt64Array = typedArray("BigInt64Array");
export const isBigUint64Array = typedArray("BigUint64Array");

const types = {
  isDate, isRegExp, isMap, isSet, isWeakMap, isWeakSet, isArrayBuffer, isSharedArrayBuffer, isAnyArrayBuffer, isDataView,
  isArrayBufferView, isPromise, isNativeError, isAsyncFunction, isGeneratorFunction, isGeneratorObject, isArgumentsObject,
  isMapIterator, isSetIterator, isModuleNamespaceObject, isNumberObject, isStringObject, isBooleanObject, isBigIntObject,
  isSymbolObject, isBoxedPrimitive, isTypedArray, isUint8Array, isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array,
  isInt16Array, isInt32Array, isFloat32Array, isFloat64Array, isBigInt64Array, isBigUint64Array,
};

export default types;
