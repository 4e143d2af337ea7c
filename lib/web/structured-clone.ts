/**
 * The HTML structured clone algorithm (HTML §2.7): StructuredSerialize
 * turns a value into a record that holds no reference to it (its bytes are
 * copied, its objects numbered so that shared references and cycles come
 * back as they were), and StructuredDeserialize builds a new value from a
 * record. structuredClone() is the two in one realm; a record is also what
 * a message to another realm would carry.
 *
 * Serializable: primitives (not symbols), Boolean/Number/BigInt/String
 * objects, Date, RegExp, ArrayBuffer, typed arrays and DataView, Map, Set,
 * the Error types, Blob, File and DOMException, arrays and plain objects
 * (their own enumerable string-keyed properties, read with their getters).
 * Functions, symbols, promises, WeakMap/WeakSet and the like are a
 * DataCloneError. ArrayBuffers in the transfer list move: the original is
 * detached, which needs the engine's ArrayBuffer.prototype.transfer.
 */
import { Blob, blobBytes } from "./blob.ts";
import { DOMException } from "./dom-exception.ts";
import { File } from "./file.ts";

/** The constructor names of the views a record can hold. */
export type ViewType =
  | "Int8Array" | "Uint8Array" | "Uint8ClampedArray" | "Int16Array" | "Uint16Array" | "Int32Array" | "Uint32Array"
  | "Float32Array" | "Float64Array" | "BigInt64Array" | "BigUint64Array" | "DataView";

/**
 * A serialized value: primitives inline, objects numbered by `id` in the
 * order they were met (after the transferred buffers, which are 0 to n-1),
 * a second meeting a reference to that number.
 */
export type SerializedValue =
  | { kind: "primitive"; value: undefined | null | boolean | number | bigint | string }
  | { kind: "reference"; id: number }
  | { kind: "Boolean" | "Number" | "BigInt" | "String"; id: number; value: boolean | number | bigint | string }
  | { kind: "Date"; id: number; time: number }
  | { kind: "RegExp"; id: number; source: string; flags: string }
  | { kind: "ArrayBuffer"; id: number; bytes: Uint8Array }
  | { kind: "ArrayBufferView"; id: number; type: ViewType; buffer: SerializedValue; byteOffset: number; length: number }
  | { kind: "Map"; id: number; entries: [SerializedValue, SerializedValue][] }
  | { kind: "Set"; id: number; values: SerializedValue[] }
  | { kind: "Error"; id: number; name: string; message?: string; stack?: string; cause?: SerializedValue }
  | { kind: "DOMException"; id: number; name: string; message: string; stack?: string }
  | { kind: "Blob"; id: number; bytes: Uint8Array; type: string; file?: { name: string; lastModified: number } }
  | { kind: "Array"; id: number; length: number; properties: [string, SerializedValue][] }
  | { kind: "Object"; id: number; properties: [string, SerializedValue][] };

/** What serializeWithTransfer() gives: the record, and the buffers that moved (their contents, the originals detached). */
export interface SerializedWithTransfer {
  value: SerializedValue;
  transferred: ArrayBuffer[];
}

const ERROR_TYPES: Record<string, ErrorConstructor> = {
  Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
};

const VIEW_TYPES: Record<ViewType, new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
};

// %TypedArray%.prototype[@@toStringTag]: the kind of a typed array, which no property of it can fake.
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!;

function cloneError(what: string): DOMException {
  return new DOMException(`${what} could not be cloned.`, "DataCloneError");
}

function describe(value: unknown): string {
  if (typeof value === "function") return String(value).length > 60 ? `function ${value.name}` : String(value);
  if (typeof value === "symbol") return value.toString();
  const constructor = (value as { constructor?: { name?: unknown } }).constructor;
  return `#<${typeof constructor?.name === "string" && constructor.name ? constructor.name : "Object"}>`;
}

// Objects that have internal state no property shows: cloning them as plain objects would lose it silently.
function isUncloneable(value: object): boolean {
  return value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet;
}

/** Whether a buffer is detached: the standard `detached` getter where the engine has it, else what a view on it says. */
function isDetached(buffer: ArrayBuffer): boolean {
  const detached = (buffer as { detached?: boolean }).detached;
  if (typeof detached === "boolean") return detached;
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

class Serializer {
  readonly #memory = new Map<object, number>();
  #nextId = 0;

  constructor(transferList: ArrayBuffer[]) {
    // Transferred buffers are numbered first, so the deserializer can put them in its memory before anything else.
    transferList.forEach((buffer) => this.#memory.set(buffer, this.#nextId++));
  }

  serialize(value: unknown): SerializedValue {
    switch (typeof value) {
      case "undefined": case "boolean": case "number": case "bigint": case "string":
        return { kind: "primitive", value };
      case "symbol": case "function":
        throw cloneError(describe(value));
    }
    if (value === null) return { kind: "primitive", value: null };
    const object = value as object;
    const known = this.#memory.get(object);
    if (known !== undefined) return { kind: "reference", id: known };
    const id = this.#nextId++;
    this.#memory.set(object, id);
    return this.#serializeObject(object, id);
  }

  #serializeObject(value: object, id: number): SerializedValue {
    if (value instanceof Boolean) return { kind: "Boolean", id, value: value.valueOf() };
    if (value instanceof Number) return { kind: "Number", id, value: value.valueOf() };
    if (value instanceof BigInt) return { kind: "BigInt", id, value: (value as unknown as bigint).valueOf() };
    if (value instanceof String) return { kind: "String", id, value: value.valueOf() };
    if (value instanceof Date) return { kind: "Date", id, time: value.getTime() };
    if (value instanceof RegExp) return { kind: "RegExp", id, source: value.source, flags: value.flags };
    if (value instanceof ArrayBuffer) {
      if (isDetached(value)) throw cloneError("A detached ArrayBuffer");
      return { kind: "ArrayBuffer", id, bytes: new Uint8Array(value.slice(0)) };
    }
    if (ArrayBuffer.isView(value)) {
      const type = (value instanceof DataView ? "DataView" : typedArrayTag.call(value)) as ViewType;
      const length = value instanceof DataView ? value.byteLength : (value as Uint8Array).length;
      return { kind: "ArrayBufferView", id, type, buffer: this.serialize(value.buffer), byteOffset: value.byteOffset, length };
    }
    if (value instanceof Map) {
      const entries = [...value];
      return { kind: "Map", id, entries: entries.map(([key, entry]) => [this.serialize(key), this.serialize(entry)]) };
    }
    if (value instanceof Set) return { kind: "Set", id, values: [...value].map((entry) => this.serialize(entry)) };
    if (value instanceof DOMException) {
      return { kind: "DOMException", id, name: value.name, message: value.message, ...this.#stackOf(value) };
    }
    if (value instanceof Error) return this.#serializeError(value, id);
    if (value instanceof Blob) {
      const file = value instanceof File ? { name: value.name, lastModified: value.lastModified } : undefined;
      return { kind: "Blob", id, bytes: blobBytes(value), type: value.type, file };
    }
    if (isUncloneable(value)) throw cloneError(describe(value));
    if (Array.isArray(value)) return { kind: "Array", id, length: value.length, properties: this.#properties(value) };
    return { kind: "Object", id, properties: this.#properties(value) };
  }

  #serializeError(error: Error, id: number): SerializedValue {
    const name = String(error.name);
    const record: SerializedValue & { kind: "Error" } = { kind: "Error", id, name: Object.hasOwn(ERROR_TYPES, name) ? name : "Error", ...this.#stackOf(error) };
    const message = Object.getOwnPropertyDescriptor(error, "message");
    if (message && "value" in message) record.message = String(message.value);
    if (Object.hasOwn(error, "cause")) record.cause = this.serialize((error as { cause?: unknown }).cause);
    return record;
  }

  #stackOf(error: Error): { stack?: string } {
    const stack = Object.getOwnPropertyDescriptor(error, "stack");
    return stack && typeof stack.value === "string" ? { stack: stack.value } : {};
  }

  // Own enumerable string keys, each read (through its getter, if any) as it comes, skipping those gone meanwhile.
  #properties(value: object): [string, SerializedValue][] {
    const properties: [string, SerializedValue][] = [];
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(value, key)) continue;
      properties.push([key, this.serialize((value as Record<string, unknown>)[key])]);
    }
    return properties;
  }
}

class Deserializer {
  readonly #memory = new Map<number, unknown>();

  constructor(transferred: ArrayBuffer[]) {
    transferred.forEach((buffer, index) => this.#memory.set(index, buffer));
  }

  deserialize(record: SerializedValue): unknown {
    switch (record.kind) {
      case "primitive":
        return record.value;
      case "reference":
        if (!this.#memory.has(record.id)) throw new DOMException("The serialized value refers to an object it does not hold", "DataCloneError");
        return this.#memory.get(record.id);
      case "Boolean": case "Number": case "BigInt": case "String":
        return this.#remember(record.id, Object(record.value));
      case "Date":
        return this.#remember(record.id, new Date(record.time));
      case "RegExp":
        return this.#remember(record.id, new RegExp(record.source, record.flags));
      case "ArrayBuffer":
        return this.#remember(record.id, record.bytes.slice().buffer);
      case "ArrayBufferView": {
        const buffer = this.deserialize(record.buffer) as ArrayBuffer;
        return this.#remember(record.id, new VIEW_TYPES[record.type](buffer, record.byteOffset, record.length));
      }
      case "Map": {
        const map = this.#remember(record.id, new Map());
        for (const [key, value] of record.entries) map.set(this.deserialize(key), this.deserialize(value));
        return map;
      }
      case "Set": {
        const set = this.#remember(record.id, new Set());
        for (const value of record.values) set.add(this.deserialize(value));
        return set;
      }
      case "Error": {
        const error = this.#remember(record.id, new ERROR_TYPES[record.name]());
        const hidden = (name: string, value: unknown) => Object.defineProperty(error, name, { value, writable: true, configurable: true, enumerable: false });
        if (record.message !== undefined) hidden("message", record.message);
        if (record.stack !== undefined) hidden("stack", record.stack);
        if (record.cause !== undefined) hidden("cause", this.deserialize(record.cause));
        return error;
      }
      case "DOMException": {
        const exception = new DOMException(record.message, record.name);
        if (record.stack !== undefined) Object.defineProperty(exception, "stack", { value: record.stack, writable: true, configurable: true, enumerable: false });
        return this.#remember(record.id, exception);
      }
      case "Blob": {
        const options = { type: record.type };
        const blob = record.file ? new File([record.bytes], record.file.name, { ...options, lastModified: record.file.lastModified }) : new Blob([record.bytes], options);
        return this.#remember(record.id, blob);
      }
      case "Array": {
        const array = this.#remember(record.id, new Array(record.length));
        for (const [key, value] of record.properties) array[key as unknown as number] = this.deserialize(value);
        return array;
      }
      case "Object": {
        const object = this.#remember(record.id, {} as Record<string, unknown>);
        for (const [key, value] of record.properties) object[key] = this.deserialize(value);
        return object;
      }
    }
  }

  #remember<T>(id: number, value: T): T {
    this.#memory.set(id, value);
    return value;
  }
}

/** StructuredSerialize: a record of `value` that shares nothing with it (DataCloneError for what cannot be cloned). */
export function serialize(value: unknown): SerializedValue {
  return new Serializer([]).serialize(value);
}

/** StructuredSerializeWithTransfer: as serialize(), and the buffers in `transfer` move (the originals are detached). */
export function serializeWithTransfer(value: unknown, transfer: readonly unknown[]): SerializedWithTransfer {
  const buffers: ArrayBuffer[] = [];
  for (const item of transfer) {
    if (!(item instanceof ArrayBuffer)) throw new DOMException(`${describe(item)} is not transferable`, "DataCloneError");
    if (buffers.includes(item)) throw new DOMException("The transfer list holds an ArrayBuffer twice", "DataCloneError");
    if (isDetached(item)) throw new DOMException("The transfer list holds a detached ArrayBuffer", "DataCloneError");
    buffers.push(item);
  }
  const serialized = new Serializer(buffers).serialize(value);
  const move = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer) => ArrayBuffer }).transfer;
  if (buffers.length > 0 && typeof move !== "function") {
    throw new DOMException("Transferring an ArrayBuffer needs ArrayBuffer.prototype.transfer, which this engine lacks", "DataCloneError");
  }
  return { value: serialized, transferred: buffers.map((buffer) => move!.call(buffer)) };
}

/** StructuredDeserialize (with the buffers that were transferred, if any): a new value from a record. */
export function deserialize(serialized: SerializedValue, transferred: ArrayBuffer[] = []): unknown {
  return new Deserializer(transferred).deserialize(serialized);
}

/** `structuredClone(value, { transfer })` as the web has it: a deep copy, shared references and cycles kept. */
export function structuredClone<T>(value: T, options: { transfer?: readonly unknown[] } = {}): T {
  if (arguments.length === 0) throw new TypeError('The "value" argument must be specified');
  const transfer = options?.transfer ?? [];
  if (typeof (transfer as Iterable<unknown>)[Symbol.iterator] !== "function") throw new TypeError("The transfer option must be a sequence");
  const { value: record, transferred } = serializeWithTransfer(value, [...transfer]);
  return deserialize(record, transferred) as T;
}
