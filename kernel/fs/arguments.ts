/**
 * The argument forms node:fs/promises takes, turned into what the VFS
 * wants: a path (string, Buffer or file: URL), open flags (Node's strings
 * or numeric O_* bits), options given as an encoding string or an object,
 * and the data a write takes (strings, buffers, typed arrays, DataViews,
 * and iterables or async iterables of them).
 */
import { Buffer } from "../../lib/node/buffer.ts";
import { invalidArgType, invalidArgValue } from "./argument-errors.ts";
import { constants } from "./constants.ts";
import type { OpenFlags } from "./vfs.ts";

export type PathLike = string | Uint8Array | URL;
export type BufferEncoding = "ascii" | "utf8" | "utf-8" | "utf16le" | "utf-16le" | "ucs2" | "ucs-2" | "base64" | "base64url" | "latin1" | "binary" | "hex";

/** A path argument as the string the VFS resolves (and errors name). */
export function pathArgument(path: unknown, name = "path"): string {
  let text: string;
  if (typeof path === "string") text = path;
  else if (path instanceof Uint8Array) text = Buffer.from(path.buffer as ArrayBuffer, path.byteOffset, path.byteLength).toString("utf8");
  else if (isFileUrl(path)) text = decodeURIComponent(path.pathname);
  else if (path !== null && typeof path === "object" && "href" in path && "protocol" in path) {
    throw Object.assign(new TypeError("The URL must be of scheme file"), { code: "ERR_INVALID_URL_SCHEME" });
  } else throw invalidArgType(name, "of type string or an instance of Buffer or URL", path);
  if (text.includes("\0")) throw invalidArgValue(name, text, "must be a string, Uint8Array, or URL without null bytes");
  return text;
}

function isFileUrl(value: unknown): value is URL {
  return value !== null && typeof value === "object" && (value as URL).protocol === "file:" && typeof (value as URL).pathname === "string";
}

const FLAG_STRINGS: Record<string, OpenFlags> = {};
function flagString(names: string[], flags: Partial<OpenFlags>): void {
  const full: OpenFlags = { read: false, write: false, append: false, create: false, exclusive: false, truncate: false, ...flags };
  for (const name of names) FLAG_STRINGS[name] = full;
}
flagString(["r", "rs", "sr"], { read: true });
flagString(["r+", "rs+", "sr+"], { read: true, write: true });
flagString(["w"], { write: true, create: true, truncate: true });
flagString(["wx", "xw"], { write: true, create: true, truncate: true, exclusive: true });
flagString(["w+"], { read: true, write: true, create: true, truncate: true });
flagString(["wx+", "xw+"], { read: true, write: true, create: true, truncate: true, exclusive: true });
flagString(["a", "as", "sa"], { write: true, append: true, create: true });
flagString(["ax", "xa"], { write: true, append: true, create: true, exclusive: true });
flagString(["a+", "as+", "sa+"], { read: true, write: true, append: true, create: true });
flagString(["ax+", "xa+"], { read: true, write: true, append: true, create: true, exclusive: true });

/** Node's flags ("r", "w+", "ax"…, or O_* bits) as the VFS's. */
export function openFlags(flags: unknown, fallback: string): OpenFlags {
  if (flags === undefined || flags === null) flags = fallback;
  if (typeof flags === "number" && Number.isInteger(flags)) {
    const access = flags & 3;
    return {
      read: access === constants.O_RDONLY || access === constants.O_RDWR,
      write: access === constants.O_WRONLY || access === constants.O_RDWR,
      append: (flags & constants.O_APPEND) !== 0,
      create: (flags & constants.O_CREAT) !== 0,
      exclusive: (flags & constants.O_EXCL) !== 0,
      truncate: (flags & constants.O_TRUNC) !== 0,
    };
  }
  if (typeof flags === "string" && Object.hasOwn(FLAG_STRINGS, flags)) return FLAG_STRINGS[flags];
  if (typeof flags !== "string") throw invalidArgType("flags", "of type string or number", flags);
  throw invalidArgValue("flags", flags);
}

/** An options argument that may be an encoding string, an object, or missing. */
export function optionsObject<T extends object>(options: unknown): T & { encoding?: string | null } {
  if (options === undefined || options === null) return {} as T;
  if (typeof options === "string") return { encoding: options } as T & { encoding: string };
  if (typeof options === "object") return options as T;
  throw invalidArgType("options", "of type object", options);
}

/** A Buffer's encoding Node knows, or ERR_INVALID_ARG_VALUE. */
export function checkEncoding(encoding: unknown): BufferEncoding | undefined {
  if (encoding === undefined || encoding === null || encoding === "buffer") return undefined;
  if (typeof encoding === "string" && Buffer.isEncoding(encoding)) return encoding as BufferEncoding;
  throw Object.assign(new TypeError(`The argument 'encoding' is invalid encoding. Received '${String(encoding)}'`), { code: "ERR_INVALID_ARG_VALUE" });
}

/** The bytes of a view, without copying. */
export function viewBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const DATA_TYPES = "of type string or an instance of Buffer, TypedArray, or DataView";

/** One chunk a write takes: a string (in `encoding`) or an ArrayBufferView. */
function chunkBytes(chunk: unknown, encoding: BufferEncoding): Uint8Array {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding);
  if (ArrayBuffer.isView(chunk)) return viewBytes(chunk);
  throw invalidArgType("data", DATA_TYPES, chunk);
}

/**
 * writeFile's data as chunks, in order: one for a string or a view, one per
 * item of an iterable or async iterable (a generator, an array, a stream).
 */
export async function* dataChunks(data: unknown, encoding: BufferEncoding = "utf8"): AsyncGenerator<Uint8Array> {
  if (typeof data === "string" || ArrayBuffer.isView(data)) {
    yield chunkBytes(data, encoding);
    return;
  }
  if (data !== null && typeof data === "object") {
    const asyncIterator = (data as AsyncIterable<unknown>)[Symbol.asyncIterator];
    if (typeof asyncIterator === "function") {
      for await (const chunk of data as AsyncIterable<unknown>) yield chunkBytes(chunk, encoding);
      return;
    }
    if (typeof (data as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const chunk of data as Iterable<unknown>) yield chunkBytes(chunk, encoding);
      return;
    }
  }
  throw invalidArgType("data", DATA_TYPES, data);
}

/** A time argument (seconds as a number or numeric string, or a Date) in milliseconds since the epoch. */
export function timeMs(time: unknown, name: string): number {
  if (time instanceof Date) return time.getTime();
  if (typeof time === "number" && Number.isFinite(time)) return time * 1000;
  if (typeof time === "string" && time.trim() !== "" && Number.isFinite(Number(time))) return Number(time) * 1000;
  throw invalidArgType(name, "of type number or an instance of Date", time);
}
