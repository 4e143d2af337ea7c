/**
 * The body half of Request and Response: what a body can be made from, and
 * reading it once as bytes, text or JSON. Toro has no ReadableStream, so a
 * streamed body is any async iterable of bytes or strings; `body` is that
 * iterable (Node's ReadableStream is one too, which keeps tests honest).
 */
import "./polyfills.ts";

/** What a Request or Response body can be made from. */
export type BodyInit =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | URLSearchParams
  | AsyncIterable<Uint8Array | string>;

const encoder = new TextEncoder();

/** A body split into what is known up front (bytes) or produced later (a stream). */
interface Extracted {
  bytes: Uint8Array | null;
  stream: AsyncIterable<Uint8Array | string> | null;
  contentType: string | null;
}

function extract(init: BodyInit | null | undefined): Extracted {
  if (init == null) return { bytes: null, stream: null, contentType: null };
  if (typeof init === "string") return { bytes: encoder.encode(init), stream: null, contentType: "text/plain;charset=UTF-8" };
  if (init instanceof ArrayBuffer) return { bytes: new Uint8Array(init.slice(0)), stream: null, contentType: null };
  if (ArrayBuffer.isView(init)) {
    // Copied, as the standard does, so the caller may reuse its buffer.
    const view = new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
    return { bytes: view.slice(), stream: null, contentType: null };
  }
  if (init instanceof URLSearchParams) {
    return { bytes: encoder.encode(init.toString()), stream: null, contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  if (typeof (init as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    return { bytes: null, stream: init, contentType: null };
  }
  // Anything else becomes its string form, as fetch does with unknown objects.
  return extract(String(init));
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Shared by Request and Response: holds the body and reads it at most once. */
export class Body {
  private bodyBytes: Uint8Array | null;
  private bodyStream: AsyncIterable<Uint8Array | string> | null;
  private used = false;
  /** The content type the body implies (text/plain for a string…), for the subclass's headers. */
  protected readonly impliedContentType: string | null;

  constructor(init: BodyInit | null | undefined) {
    const { bytes, stream, contentType } = extract(init);
    this.bodyBytes = bytes;
    this.bodyStream = stream;
    this.impliedContentType = contentType;
  }

  /** The body as an async iterable of chunks, or null when there is none. */
  get body(): AsyncIterable<Uint8Array | string> | null {
    if (this.bodyStream) return this.bodyStream;
    return this.bodyBytes ? once(this.bodyBytes) : null;
  }

  /** Whether the body has been read. */
  get bodyUsed(): boolean {
    return this.used;
  }

  /** The whole body (empty when there is none); a body can be read once. */
  async bytes(): Promise<Uint8Array> {
    if (this.used) throw new TypeError("Body has already been read");
    this.used = true;
    if (this.bodyBytes) return this.bodyBytes.slice();
    if (!this.bodyStream) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.bodyStream) {
      const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
      chunks.push(bytes);
      total += bytes.length;
    }
    return concat(chunks, total);
  }

  /** The whole body as an ArrayBuffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
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

  /** Bytes held in full (not streamed), without consuming: for the server to send a Content-Length. */
  static knownBytes(body: Body): Uint8Array | null | undefined {
    if (body.bodyStream) return undefined;
    return body.bodyBytes;
  }

  /** The body for `new Request(request)`: bytes are shared, a stream moves to the new owner (this one counts as read). */
  protected transferInit(): BodyInit | null {
    if (this.used) throw new TypeError("Body has already been read");
    if (!this.bodyStream) return this.bodyBytes;
    this.used = true;
    return this.bodyStream;
  }

  /** The raw init for clone(): a streamed body cannot be duplicated without tee, which we do not have. */
  protected cloneInit(): Uint8Array | null {
    if (this.used) throw new TypeError("Body has already been read");
    if (this.bodyStream) throw new TypeError("A streamed body cannot be cloned");
    return this.bodyBytes;
  }
}
