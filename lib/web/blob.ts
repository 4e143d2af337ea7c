/**
 * Blob (File API §3): immutable bytes with a MIME type. The parts are
 * copied once into one buffer at construction; slice() shares it (a Blob's
 * bytes never change), and every read hands out a copy. stream() is a
 * ReadableStream when the image has one (globalThis.ReadableStream): Toro's
 * streams are a separate module, linked when a service names them.
 */

/** A part of a new Blob: bytes, another Blob, or text (encoded as UTF-8). */
export type BlobPart = ArrayBuffer | ArrayBufferView | Blob | string;

/** What `new Blob(parts, options)` takes. */
export interface BlobPropertyBag {
  type?: string;
  /** "native" turns each line ending in string parts into "\n" (this system's); "transparent" (the default) keeps them. */
  endings?: "transparent" | "native";
}

// The bytes behind each Blob, for the modules here that send or clone them without a copy (blobBytes()).
const contents = new WeakMap<Blob, Uint8Array>();

// The globals, which the image's boot installs (natively fast) as Node has its own.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * What stream() returns: a ReadableStream of Uint8Array pieces. Declared here
 * by the little Blob uses of it, so that Blob does not depend on the streams
 * module's types (when those are global, this is their ReadableStream).
 */
export interface BlobStream extends AsyncIterable<Uint8Array> {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; releaseLock(): void };
  cancel(reason?: unknown): Promise<void>;
}

interface StreamController {
  enqueue(chunk: Uint8Array): void;
  close(): void;
}

type StreamConstructor = new (source: { pull(controller: StreamController): void }) => BlobStream;

// How big a piece of a stream() is.
const STREAM_CHUNK = 65536;

/** A type as Blob keeps it: lowercase, or "" if it has a char outside U+0020-U+007E. */
export function normalizeType(type: string): string {
  return /^[\u0020-\u007e]*$/.test(type) ? type.toLowerCase() : "";
}

function bytesOfPart(part: unknown, endings: string): Uint8Array {
  if (part instanceof Blob) return blobBytes(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  const text = `${part as string}`;
  return encoder.encode(endings === "native" ? text.replace(/\r\n?/g, "\n") : text);
}

function relative(index: unknown, size: number, fallback: number): number {
  if (index === undefined) return fallback;
  const n = Math.trunc(Number(index)) || 0;
  return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
}

/** The bytes of `blob` itself (not a copy): callers must not change them. */
export function blobBytes(blob: Blob): Uint8Array {
  const bytes = contents.get(blob);
  if (!bytes) throw new TypeError("Illegal invocation: not a Blob");
  return bytes;
}

/** Immutable bytes with a type, as fetch bodies, FormData files and structuredClone() carry them. */
export class Blob {
  readonly #type: string;

  constructor(parts: Iterable<BlobPart> = [], options: BlobPropertyBag = {}) {
    if (parts === null || typeof parts !== "object" || typeof (parts as Iterable<BlobPart>)[Symbol.iterator] !== "function") {
      throw new TypeError("The blob parts must be a sequence (an array or another iterable)");
    }
    const settings = options ?? {};
    if (typeof settings !== "object") throw new TypeError("The blob options must be an object");
    const endings = settings.endings === undefined ? "transparent" : `${settings.endings}`;
    if (endings !== "transparent" && endings !== "native") throw new TypeError(`The endings option must be "transparent" or "native", not "${endings}"`);
    this.#type = settings.type === undefined ? "" : normalizeType(`${settings.type}`);
    const pieces = [...parts].map((part) => bytesOfPart(part, endings));
    let size = 0;
    for (const piece of pieces) size += piece.length;
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const piece of pieces) {
      bytes.set(piece, offset);
      offset += piece.length;
    }
    contents.set(this, bytes);
  }

  /** Bytes. */
  get size(): number {
    return blobBytes(this).length;
  }

  /** The MIME type, lowercase ("" when none was given). */
  get type(): string {
    return this.#type;
  }

  /** The bytes from `start` to `end` (negative counts from the end) as a new Blob of type `contentType`, sharing these. */
  slice(start?: number, end?: number, contentType?: string): Blob {
    const bytes = blobBytes(this);
    const from = relative(start, bytes.length, 0);
    const to = relative(end, bytes.length, bytes.length);
    const slice = new Blob([], { type: contentType === undefined ? "" : normalizeType(`${contentType}`) });
    contents.set(slice, bytes.subarray(from, Math.max(from, to)));
    return slice;
  }

  /** The bytes as UTF-8 text (malformed sequences become U+FFFD). */
  async text(): Promise<string> {
    return decoder.decode(blobBytes(this));
  }

  /** A copy of the bytes. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return blobBytes(this).slice().buffer;
  }

  /** A copy of the bytes. */
  async bytes(): Promise<Uint8Array> {
    return blobBytes(this).slice();
  }

  /** The bytes as a ReadableStream of Uint8Array pieces; a TypeError if the image has no ReadableStream. */
  stream(): BlobStream {
    const Stream = (globalThis as { ReadableStream?: StreamConstructor }).ReadableStream;
    if (typeof Stream !== "function") throw new TypeError("Blob.stream() needs ReadableStream, which this image does not have");
    const bytes = blobBytes(this);
    let offset = 0;
    return new Stream({
      pull(controller: StreamController) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(offset, offset + STREAM_CHUNK));
        offset += STREAM_CHUNK;
      },
    });
  }

  get [Symbol.toStringTag](): string {
    return "Blob";
  }
}
