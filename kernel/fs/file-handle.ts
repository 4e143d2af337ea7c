/**
 * Node's FileHandle (what fs/promises' open() gives): an fd in the VFS with
 * read and write in both of Node's argument forms, readFile/writeFile from
 * the handle's position, stat, truncate, sync, utimes, close, and a web
 * stream of the rest of the file read a chunk at a time.
 */
import { ReadableStream } from "web-streams-polyfill";
import { Buffer } from "../../lib/node/buffer.ts";
import { AbortError } from "../../lib/node/abort-error.ts";
import { fileClosed, invalidArgType, outOfRange } from "./argument-errors.ts";
import { checkEncoding, dataChunks, optionsObject, timeMs, viewBytes, type BufferEncoding } from "./arguments.ts";
import { Stats } from "./stats.ts";
import type { Vfs } from "./vfs.ts";

/** What read() allocates when given no buffer, as Node. */
const DEFAULT_READ_SIZE = 16384;
/** The chunk readableWebStream() reads per pull. */
const STREAM_CHUNK = 64 * 1024;

/**
 * Symbol.asyncDispose where the engine has one (Node), else the registry's
 * symbol esbuild's lowering of `await using` looks for (QuickJS has none).
 */
const asyncDispose: unique symbol = ((Symbol as unknown as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose")) as never;

export interface AbortOptions {
  signal?: AbortSignal;
}

/** Reject with Node's AbortError when the signal has fired. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

/** What readFile reads into when the file's size says nothing (0), and its probe past the size it was told. */
const READ_CHUNK = 8192;

/**
 * Read from the fd's position to the end, as readFile does: into one buffer
 * of the size stat gives, grown only when the file turns out longer.
 */
export async function readRest(vfs: Vfs, fd: number, signal?: AbortSignal): Promise<Buffer> {
  const { size } = await vfs.fstat(fd);
  let buffer = Buffer.allocUnsafe(size > 0 ? size : READ_CHUNK);
  let filled = 0;
  for (;;) {
    checkAborted(signal);
    if (filled === buffer.length) {
      // Full: look for more before making room (most files end where stat said).
      const probe = Buffer.allocUnsafe(READ_CHUNK);
      const count = await vfs.read(fd, probe, null);
      if (count === 0) break;
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, filled + count));
      grown.set(buffer);
      grown.set(probe.subarray(0, count), filled);
      buffer = grown;
      filled += count;
      continue;
    }
    const count = await vfs.read(fd, buffer.subarray(filled), null);
    if (count === 0) break;
    filled += count;
  }
  return filled === buffer.length ? buffer : Buffer.from(buffer.subarray(0, filled));
}

/** Write every chunk of `data` at the fd's position (or its end in append mode), as writeFile does. */
export async function writeData(vfs: Vfs, fd: number, data: unknown, encoding: BufferEncoding, signal?: AbortSignal): Promise<void> {
  checkAborted(signal);
  for await (const chunk of dataChunks(data, encoding)) {
    checkAborted(signal);
    await vfs.write(fd, chunk, null);
  }
}

/** A position argument: null (or -1) for the handle's own position. */
function positionArgument(position: unknown): number | null {
  if (position === null || position === undefined || position === -1 || position === -1n) return null;
  const value = typeof position === "bigint" ? Number(position) : position;
  if (typeof value !== "number") throw invalidArgType("position", "of type number or bigint", position);
  if (!Number.isSafeInteger(value) || value < 0) throw outOfRange("position", ">= 0 and <= 9007199254740991", position);
  return value;
}

/** offset and length within the buffer, as Node checks them (and says so). */
function span(buffer: ArrayBufferView, offset: unknown, length: unknown): { offset: number; length: number } {
  const at = offset ?? 0;
  if (typeof at !== "number" || !Number.isInteger(at)) throw invalidArgType("offset", "of type number", at);
  if (at < 0) throw outOfRange("offset", ">= 0", at);
  if (at > buffer.byteLength) throw outOfRange("offset", `<= ${buffer.byteLength}`, at);
  const count = length ?? buffer.byteLength - at;
  if (typeof count !== "number" || !Number.isInteger(count)) throw invalidArgType("length", "of type number", count);
  if (count < 0) throw outOfRange("length", ">= 0", count);
  if (at + count > buffer.byteLength) throw outOfRange("length", `<= ${buffer.byteLength - at}`, count);
  return { offset: at, length: count };
}

interface ReadOptions<T> {
  buffer?: T;
  offset?: number;
  length?: number;
  position?: number | bigint | null;
}

export class FileHandle {
  #vfs: Vfs;
  #fd: number;
  #closing: Promise<void> | undefined;

  constructor(vfs: Vfs, fd: number) {
    this.#vfs = vfs;
    this.#fd = fd;
  }

  /** The descriptor; -1 once closed, as Node. */
  get fd(): number {
    return this.#fd;
  }

  /** read(buffer, offset?, length?, position?), read(buffer, { … }) or read({ buffer, … }): resolves to { bytesRead, buffer }. */
  async read<T extends ArrayBufferView = Buffer>(
    bufferOrOptions?: T | ReadOptions<T> | null,
    offsetOrOptions?: number | ReadOptions<T> | null,
    length?: number | null,
    position?: number | bigint | null,
  ): Promise<{ bytesRead: number; buffer: T }> {
    const fd = this.open("read");
    let buffer: T, options: ReadOptions<T>;
    if (ArrayBuffer.isView(bufferOrOptions)) {
      buffer = bufferOrOptions;
      options = offsetOrOptions !== null && typeof offsetOrOptions === "object" ? offsetOrOptions : { offset: offsetOrOptions ?? undefined, length: length ?? undefined, position };
    } else {
      options = bufferOrOptions ?? {};
      buffer = options.buffer ?? (Buffer.alloc(DEFAULT_READ_SIZE) as unknown as T);
      if (!ArrayBuffer.isView(buffer)) throw invalidArgType("buffer", "an instance of Buffer, TypedArray, or DataView", buffer);
    }
    const { offset, length: count } = span(buffer, options.offset, options.length);
    const at = positionArgument(options.position);
    if (count === 0) return { bytesRead: 0, buffer };
    const bytesRead = await this.#vfs.read(fd, viewBytes(buffer).subarray(offset, offset + count), at);
    return { bytesRead, buffer };
  }

  /** write(buffer, offset?, length?, position?), write(buffer, { … }) or write(string, position?, encoding?): resolves to { bytesWritten, buffer }. */
  async write<T extends ArrayBufferView | string>(
    data: T,
    offsetOrPosition?: number | bigint | null | { offset?: number; length?: number; position?: number | null },
    lengthOrEncoding?: number | string | null,
    position?: number | bigint | null,
  ): Promise<{ bytesWritten: number; buffer: T }> {
    const fd = this.open("write");
    let bytes: Uint8Array, at: number | null;
    if (typeof data === "string") {
      const encoding = checkEncoding(typeof lengthOrEncoding === "string" ? lengthOrEncoding : undefined) ?? "utf8";
      bytes = Buffer.from(data, encoding);
      at = positionArgument(offsetOrPosition);
    } else if (ArrayBuffer.isView(data)) {
      const options = offsetOrPosition !== null && typeof offsetOrPosition === "object"
        ? offsetOrPosition
        : { offset: offsetOrPosition as number | undefined, length: lengthOrEncoding as number | undefined, position };
      const { offset, length } = span(data, options.offset ?? undefined, options.length ?? undefined);
      bytes = viewBytes(data).subarray(offset, offset + length);
      at = positionArgument(options.position);
    } else {
      throw invalidArgType("buffer", "of type string or an instance of Buffer, TypedArray, or DataView", data);
    }
    const bytesWritten = await this.#vfs.write(fd, bytes, at);
    return { bytesWritten, buffer: data };
  }

  /** The rest of the file from the handle's position: a Buffer, or a string with an encoding. */
  readFile(options?: { encoding?: null; signal?: AbortSignal } | null): Promise<Buffer>;
  readFile(options: BufferEncoding | { encoding: BufferEncoding; signal?: AbortSignal }): Promise<string>;
  async readFile(options?: unknown): Promise<Buffer | string> {
    const fd = this.open("readFile");
    const { encoding, signal } = optionsObject<AbortOptions>(options);
    const checked = checkEncoding(encoding);
    const data = await readRest(this.#vfs, fd, signal);
    return checked ? data.toString(checked) : data;
  }

  /** Write `data` from the handle's position (at the end when opened to append). */
  async writeFile(data: unknown, options?: BufferEncoding | { encoding?: BufferEncoding | null; signal?: AbortSignal } | null): Promise<void> {
    const fd = this.open("writeFile");
    const { encoding, signal } = optionsObject<AbortOptions>(options);
    await writeData(this.#vfs, fd, data, checkEncoding(encoding) ?? "utf8", signal);
  }

  /** As writeFile: on a handle, Node appends only where it was opened to append. */
  appendFile(data: unknown, options?: BufferEncoding | { encoding?: BufferEncoding | null; signal?: AbortSignal } | null): Promise<void> {
    return this.writeFile(data, options);
  }

  async stat(): Promise<Stats> {
    return new Stats(await this.#vfs.fstat(this.open("fstat")));
  }

  async truncate(length = 0): Promise<void> {
    const fd = this.open("ftruncate");
    if (!Number.isInteger(length)) throw invalidArgType("len", "of type number", length);
    await this.#vfs.ftruncate(fd, Math.max(0, length));
  }

  /** Make the file's data and its directory entry durable. */
  async sync(): Promise<void> {
    await this.#vfs.fsync(this.open("fsync"));
  }

  async datasync(): Promise<void> {
    await this.#vfs.fsync(this.open("fdatasync"), "fdatasync");
  }

  async utimes(atime: number | string | Date, mtime: number | string | Date): Promise<void> {
    const fd = this.open("futime");
    await this.#vfs.futimes(fd, timeMs(atime, "atime"), timeMs(mtime, "mtime"));
  }

  /** Close the handle; closing it again resolves, as Node. */
  close(): Promise<void> {
    if (this.#fd === -1) return this.#closing ?? Promise.resolve();
    const fd = this.#fd;
    this.#fd = -1;
    return (this.#closing = this.#vfs.close(fd));
  }

  /**
   * The rest of the file as a ReadableStream of Uint8Array chunks, read
   * 64 KiB at a time as the reader pulls, so a large file is never held
   * whole. The handle stays open: close it after the stream ends.
   */
  readableWebStream(): ReadableStream<Uint8Array> {
    this.open("readableWebStream");
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const chunk = new Uint8Array(STREAM_CHUNK);
        const count = await this.#vfs.read(this.open("read"), chunk, null);
        if (count === 0) controller.close();
        else controller.enqueue(count === chunk.length ? chunk : chunk.slice(0, count));
      },
    }, { highWaterMark: 0 });
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The fd, or Node's "file closed" error for this call. */
  private open(syscall: string): number {
    if (this.#fd === -1) throw fileClosed(syscall);
    return this.#fd;
  }
}
