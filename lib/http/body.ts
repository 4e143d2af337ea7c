/**
 * The body half of Request and Response: what a body can be made from, its
 * `body` ReadableStream, and reading it once as bytes, text or JSON.
 *
 * A body is held as what it was made from: bytes, an async iterable (the
 * server's IncomingBody, fetch's response body, a service's generator) or a
 * ReadableStream. The `body` stream is made only when asked for, and while
 * nobody has read from it the server and the readers here go to the bytes
 * or the iterable directly: a handler that calls `json()`, or returns
 * `new Response("text")`, never makes a stream.
 *
 * Reading whole holds the body once: a source that announces its length
 * (`expectedBytes`, a Content-Length) fills one array of that size in place;
 * one that does not is gathered in chunks and joined with one copy.
 * `formData()` parses multipart and URL-encoded forms (lib/web/multipart.ts).
 */
import "./polyfills.ts";
import { ReadableStream } from "web-streams-polyfill";
import { Blob, blobBytes } from "../web/blob.ts";
import { FormData } from "../web/form-data.ts";
import { encodeFormData, parseFormData } from "../web/multipart.ts";

/** The standard's ReadableStream shape, as bodies accept it: ours, or another implementation's (Node's in tests). */
export interface ReadableStreamLike {
  readonly locked: boolean;
  tee(): [ReadableStreamLike, ReadableStreamLike];
  cancel(reason?: unknown): Promise<void>;
  getReader(): { read(): Promise<{ done: boolean; value?: unknown }>; cancel(reason?: unknown): Promise<void>; releaseLock(): void };
}

/** An async iterable body source that may know its length in bytes up front (a Content-Length). */
export interface BodySource extends AsyncIterable<Uint8Array | string> {
  readonly expectedBytes?: number;
}

/** What a Request or Response body can be made from. */
export type BodyInit =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | URLSearchParams
  | Blob
  | FormData
  | ReadableStreamLike
  | BodySource;

const encoder = new TextEncoder();

/** A body split into what is known up front (bytes), produced later (an iterable), or a stream given by the caller. */
interface Extracted {
  bytes: Uint8Array | null;
  source: BodySource | null;
  stream: ReadableStreamLike | null;
  contentType: string | null;
}

function extract(init: BodyInit | null | undefined): Extracted {
  const none = { bytes: null, source: null, stream: null, contentType: null };
  if (init == null) return none;
  if (typeof init === "string") return { ...none, bytes: encoder.encode(init), contentType: "text/plain;charset=UTF-8" };
  if (init instanceof ArrayBuffer) return { ...none, bytes: new Uint8Array(init.slice(0)) };
  if (ArrayBuffer.isView(init)) {
    // Copied, as the standard does, so the caller may reuse its buffer.
    const view = new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
    return { ...none, bytes: view.slice() };
  }
  if (init instanceof URLSearchParams) {
    return { ...none, bytes: encoder.encode(init.toString()), contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  if (init instanceof Blob) {
    // Copied: the body's bytes may be handed to a reader, and a Blob's never change.
    return { ...none, bytes: blobBytes(init).slice(), contentType: init.type || null };
  }
  if (init instanceof FormData) {
    const { chunks, length, contentType } = encodeFormData(init);
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) bytes.set(chunk, offset), (offset += chunk.length);
    return { ...none, bytes, contentType };
  }
  if (typeof (init as ReadableStreamLike).getReader === "function") {
    const stream = init as ReadableStreamLike;
    if (stream.locked) throw new TypeError("A locked ReadableStream cannot be a body");
    return { ...none, stream };
  }
  if (typeof (init as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") return { ...none, source: init as BodySource };
  // Anything else becomes its string form, as fetch does with unknown objects.
  return extract(String(init));
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const toBytes = (chunk: Uint8Array | string): Uint8Array => (typeof chunk === "string" ? encoder.encode(chunk) : chunk);

/** A stream's chunks as an async iterable; leaving early (break, a failed write) cancels the stream. */
async function* chunksOf(stream: ReadableStreamLike): AsyncGenerator<Uint8Array | string> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value as Uint8Array | string;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * All of `source`'s bytes in one array. With `expected` (a length the
 * source announced) the array is made once and filled in place, so a body is
 * held once; without, chunks are gathered and joined, the only copy.
 */
async function readAll(source: AsyncIterable<Uint8Array | string>, expected: number | undefined): Promise<Uint8Array> {
  let out = expected !== undefined ? new Uint8Array(expected) : null;
  let filled = 0;
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) {
    const bytes = toBytes(chunk);
    if (out && filled + bytes.length <= out.length) {
      out.set(bytes, filled);
    } else {
      // No length known, or a source that gave more than it announced: gather the rest.
      if (out) chunks.push(out.subarray(0, filled)), (out = null);
      chunks.push(bytes);
    }
    filled += bytes.length;
  }
  if (out) return filled === out.length ? out : out.subarray(0, filled);
  if (chunks.length === 1) return chunks[0];
  const joined = new Uint8Array(filled);
  let offset = 0;
  for (let i = 0; i < chunks.length; i++) {
    joined.set(chunks[i], offset);
    offset += chunks[i].length;
    chunks[i] = undefined!; // let each chunk go as soon as it is copied
  }
  return joined;
}

/** The body each stream made by `Body.body` belongs to. */
const madeBy = new WeakMap<ReadableStreamLike, Body>();

/** Shared by Request and Response: holds the body and reads it at most once. */
export class Body {
  private bodyBytes: Uint8Array | null;
  private bodySource: BodySource | null;
  /** The `body` stream: given at construction, or made on first access to `body`. */
  private bodyStream: ReadableStreamLike | null;
  /** Whether bodyStream is one this class made over bodyBytes or bodySource, and nobody has pulled from it yet. */
  private streamUntouched = false;
  private used = false;
  /** Hands what the body holds to the stream made by makeStream(), before anyone reads it. */
  private adoptBody: (() => void) | undefined;
  /** The content type the body implies (text/plain for a string…), for the subclass's headers. */
  protected readonly impliedContentType: string | null;

  constructor(init: BodyInit | null | undefined) {
    const { bytes, source, stream, contentType } = extract(init);
    this.impliedContentType = contentType;
    // Another body's stream that nobody has read (`new Response(request.body)`): take what it
    // streams directly, so an echo pulls from the connection without a stream in between.
    const owner = stream && madeBy.get(stream);
    if (owner?.streamUntouched) {
      const ownerBytes = owner.bodyBytes;
      const ownerSource = owner.take();
      this.bodyBytes = ownerBytes;
      this.bodySource = ownerBytes ? null : ownerSource as BodySource | null;
      this.bodyStream = null;
      return;
    }
    this.bodyBytes = bytes;
    this.bodySource = source;
    this.bodyStream = stream;
  }

  /** The body as a ReadableStream of Uint8Array chunks, or null when there is none. Made on first use. */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.bodyStream && (this.bodyBytes || this.bodySource)) {
      this.bodyStream = this.makeStream();
      this.streamUntouched = true;
      madeBy.set(this.bodyStream, this);
    }
    return this.bodyStream as ReadableStream<Uint8Array> | null;
  }

  /** Whether the body has been read, or its stream read from or cancelled. */
  get bodyUsed(): boolean {
    return this.used;
  }

  /** The whole body (empty when there is none); a body can be read once. */
  async bytes(): Promise<Uint8Array> {
    const bytes = this.bodyBytes;
    const source = this.take();
    if (source === null) return new Uint8Array(0);
    if (bytes) return bytes; // ours alone: extract() copied it, and the body gives it up
    return readAll(source, (source as BodySource).expectedBytes);
  }

  /** The whole body as an ArrayBuffer (the bytes' own buffer when they fill it: no copy). */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /** The whole body decoded as UTF-8. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /** The whole body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** The whole body as a Blob typed by the message's Content-Type. */
  async blob(): Promise<Blob> {
    const bytes = await this.bytes();
    return new Blob([bytes], { type: this.mediaType() ?? "" });
  }

  /** The whole body parsed as multipart/form-data or application/x-www-form-urlencoded, by its Content-Type; a TypeError otherwise. */
  async formData(): Promise<FormData> {
    const type = this.mediaType() ?? "";
    return parseFormData(await this.bytes(), type);
  }

  /** The Content-Type of the message the body belongs to (Request and Response give their header). */
  protected mediaType(): string | null {
    return this.impliedContentType;
  }

  /** Bytes held in full and unread, for the server to send with a Content-Length; undefined when the body streams. */
  static knownBytes(body: Body): Uint8Array | null | undefined {
    if (body.bodySource || (body.bodyStream && !body.streamUntouched)) return undefined;
    return body.bodyBytes;
  }

  /**
   * The body's chunks for the server or fetch() to send, without making a
   * ReadableStream when none was asked for; null when there is none. The
   * body counts as read from then on.
   */
  static chunks(body: Body): AsyncIterable<Uint8Array | string> | null {
    const bytes = body.bodyBytes;
    const source = body.take();
    return bytes ? once(bytes) : source;
  }

  /** Give up a body nobody will read (a HEAD answer's), so its producer can stop. */
  static async discard(body: Body): Promise<void> {
    if (body.used || body.bodyStream?.locked) return;
    const given = body.streamUntouched ? null : body.bodyStream;
    const source = body.take();
    if (given) await given.cancel().catch(() => {});
    else if (source) await source[Symbol.asyncIterator]().return?.();
  }

  /** The body for `new Request(request)`: it moves to the new owner, and this one counts as read. */
  protected transferInit(): BodyInit | null {
    if (!this.bodyBytes && !this.bodySource && !this.bodyStream) return null;
    const bytes = this.bodyBytes;
    const source = this.take();
    return bytes ?? source;
  }

  /** The body for clone(): bytes are copied; a stream is teed, this body keeping one branch. */
  protected cloneInit(): BodyInit | null {
    if (this.used || this.bodyStream?.locked) throw new TypeError("Body has already been read");
    if (this.bodyBytes && !this.bodySource && (!this.bodyStream || this.streamUntouched)) return this.bodyBytes;
    const stream = this.body as unknown as ReadableStreamLike | null;
    if (!stream) return null;
    this.adoptBody?.();
    const [mine, theirs] = stream.tee();
    this.bodyStream = mine;
    return theirs;
  }

  /**
   * Mark the body read and hand over what it holds to read: its bytes (as a
   * one-chunk iterable), its source, or the chunks of its stream. A body
   * read already, or whose stream someone holds, is a TypeError.
   */
  private take(): AsyncIterable<Uint8Array | string> | null {
    if (this.used) throw new TypeError("Body has already been read");
    if (this.bodyStream?.locked) throw new TypeError("The body's stream is locked to a reader");
    this.used = true;
    const untouched = this.streamUntouched;
    this.streamUntouched = false; // a stream made already now finds the body gone
    const { bodyBytes: bytes, bodySource: source, bodyStream: stream } = this;
    this.bodyBytes = null;
    this.bodySource = null;
    if (stream && !untouched) return chunksOf(stream);
    return source ?? (bytes ? once(bytes) : null);
  }

  // The `body` stream over what the body holds: it pulls only when read, so making it reads nothing.
  private makeStream(): ReadableStream<Uint8Array> {
    let iterator: AsyncIterator<Uint8Array | string> | undefined;
    // The stream takes over what the body holds: on its first read, or when clone() tees it.
    this.adoptBody = () => {
      if (iterator || !this.streamUntouched) return;
      this.streamUntouched = false;
      const source = this.bodySource ?? once(this.bodyBytes!);
      this.bodyBytes = null;
      this.bodySource = null;
      iterator = source[Symbol.asyncIterator]();
    };
    const start = () => {
      if (this.streamUntouched) this.used = true; // the first read disturbs the body
      this.adoptBody?.();
    };
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        start();
        if (!iterator) throw new TypeError("Body has already been read");
        for (;;) {
          const { done, value } = await iterator.next();
          if (done) return controller.close();
          const bytes = toBytes(value);
          // An empty chunk carries nothing: read on.
          if (bytes.length > 0) return controller.enqueue(bytes);
        }
      },
      cancel: async (reason) => {
        start();
        await iterator?.return?.(reason);
      },
    }, { highWaterMark: 0 });
  }
}
