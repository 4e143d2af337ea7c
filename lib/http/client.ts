/**
 * fetch() for plain HTTP/1.1 over any function that opens a TCP connection,
 * so the same code runs over Toro's TCP (fetch.ts) and over Node's sockets
 * in the tests. A connection whose response was read to its framed end goes
 * back to a pool (connection-pool.ts) for the next request to the same
 * host and port, as undici and Node's fetch do. The body streams in as the
 * caller reads it, through the same framing code the server reads requests
 * with (message-reader.ts).
 */
import "./polyfills.ts";
import { Body, type BodyInit } from "./body.ts";
import { ConnectionPool } from "./connection-pool.ts";
import { HttpError, IdleTimeoutError } from "./errors.ts";
import { fieldTokens, type Framing } from "./fields.ts";
import { Headers } from "./headers.ts";
import { MessageReader, type IncomingBody, type RawHead } from "./message-reader.ts";
import { writeMessage } from "./message-writer.ts";
import { Request, type AbortSignalLike, type RequestInit } from "./request.ts";
import { parseStatusLine, responseFraming, type ResponseHead } from "./response-head.ts";
import { Response } from "./response.ts";
import type { TcpStream } from "toro/net";

/** Opens a TCP connection to `host` (a name or a dotted address) and `port`. */
export type Connector = (host: string, port: number) => Promise<TcpStream>;

/** The web-standard fetch(). */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const MAX_REDIRECTS = 20;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUS = new Set([204, 205, 304]);
// A response head over these is refused: a server could otherwise make us buffer without end.
const HEAD_LIMITS = { maxHeaderBytes: 64 * 1024, maxHeaderCount: 256 };
// A body of known length up to this is read before fetch() resolves, so its connection is free
// (pooled or closed) even if the caller never reads it (a connection in use keeps the service alive).
const EAGER_BODY_BYTES = 64 * 1024;
// Methods a request may be sent twice with (RFC 9110 9.2.2), as on a new connection after a pooled one was found closed.
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
// The framing and the connection of a request are ours to set, whatever its headers say.
const MANAGED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"]);
// The headers about a body, dropped when a redirect turns the request into a GET (fetch standard, 4.4).
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type", "content-length"];

/** TypeError("fetch failed") with the reason as its `cause`, as Node's fetch reports a network error. */
export function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

// Only plain HTTP: a clear TypeError for the rest, https above all.
function checkScheme(url: URL): void {
  if (url.protocol === "https:") throw new TypeError(`fetch ${url.href}: https is not supported (Toro has no TLS yet); use http:`);
  if (url.protocol !== "http:") throw new TypeError(`fetch ${url.href}: only http: URLs are supported`);
  if (url.username !== "" || url.password !== "") throw new TypeError(`fetch ${url.href}: a URL with credentials cannot be fetched`);
}

function abortReason(signal: AbortSignalLike): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error("This operation was aborted");
  error.name = "AbortError";
  return error;
}

/**
 * A fetch() that opens its connections with `connect`, and keeps them idle
 * in `pool` between requests (each fetch() has a pool of its own by default).
 */
export function createFetch(connect: Connector, pool = new ConnectionPool()): Fetch {
  return async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = request.signal;
    if (signal?.aborted) throw abortReason(signal);
    let url = new URL(request.url);
    checkScheme(url);
    let method = request.method;
    const headers = new Headers(request.headers);
    // A body known in full can be sent again after a 307 or 308; a streamed one cannot.
    let known = Body.knownBytes(request);
    let stream = known === undefined ? Body.chunks(request) : null;
    for (let redirects = 0; ; redirects++) {
      const response = await exchange(connect, pool, { method, url, headers, known, stream, signal });
      const location = response.headers.get("location");
      if (!REDIRECT_STATUS.has(response.status) || location === null || request.redirect === "manual") {
        // Response's constructor has no place for these: they are fetch()'s own.
        return Object.assign(response, { url: url.href.replace(/#.*$/, ""), redirected: redirects > 0 });
      }
      await discard(Body.chunks(response));
      if (signal?.aborted) throw abortReason(signal);
      if (request.redirect === "error") throw fetchFailed(new Error(`redirected to ${location}, and redirect is "error"`));
      if (redirects === MAX_REDIRECTS) throw fetchFailed(new Error(`more than ${MAX_REDIRECTS} redirects`));
      let next: URL;
      try {
        next = new URL(location, url);
        checkScheme(next);
      } catch (error) {
        throw fetchFailed(error);
      }
      const status = response.status;
      if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        known = null;
        stream = null;
        for (const name of BODY_HEADERS) headers.delete(name);
      } else if (stream !== null) {
        throw fetchFailed(new Error(`a ${status} redirect cannot be followed with a streamed request body`));
      }
      // Credentials for one origin are not for another.
      if (next.origin !== url.origin) headers.delete("authorization");
      url = next;
    }
  };
}

/**
 * Read and drop a redirect's body if it is short, so that its connection can
 * carry the next request; a longer one, or one that fails, closes its connection.
 */
async function discard(body: AsyncIterable<Uint8Array | string> | null): Promise<void> {
  if (body === null) return;
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (let left = EAGER_BODY_BYTES; left >= 0; ) {
      const { done, value } = await chunks.next();
      if (done) return;
      left -= value.length;
    }
  } catch {
    return; // the body closed its connection; an abort is seen after
  }
  await chunks.return?.();
}

/** One request as it goes on the wire. */
interface Outgoing {
  method: string;
  url: URL;
  headers: Headers;
  /** The body known in full (null for none), or undefined when it is `stream`. */
  known: Uint8Array | null | undefined;
  stream: AsyncIterable<Uint8Array | string> | null;
  signal: AbortSignalLike | null;
}

/**
 * Send one request and read the response's head; its body is read later, or
 * now if small. The request goes on an idle connection from the pool if there
 * is one. If that connection turns out to have been closed by the server
 * meanwhile (the request cannot be sent, or the connection ends before an
 * answer), the request goes once more on a new connection, when that is
 * safe (see replayable()): as undici does.
 */
async function exchange(connect: Connector, pool: ConnectionPool, out: Outgoing, fresh = false): Promise<Response> {
  const connection = new Connection(pool, out.signal);
  let answered = false;
  try {
    const stream = await connection.open(connect, out.url, fresh);
    // The body goes out while the answer is awaited: a server may answer early and stop reading.
    sendRequest(stream, out).then(() => connection.sent(), (error) => {
      // Before the answer, a request that cannot be sent whole is the fetch failing; after it,
      // reading the response tells how it went.
      if (!answered) connection.fail(error);
    });
    const reader = new MessageReader(stream, HEAD_LIMITS);
    let head: ResponseHead;
    let raw: RawHead;
    do {
      raw = await connection.until(reader.readHead());
      const line = parseStatusLine(raw.startLine);
      head = { ...line, fields: raw.fields, body: responseFraming(out.method, line.status, raw.fields) };
      // Interim answers (100 Continue, 103 Early Hints) come before the real one.
    } while (head.status < 200 && head.status !== 101);
    answered = true;
    if (head.status === 101) throw new Error("the server switched protocols (101), which fetch does not do");
    const reusable = persistent(raw.startLine, head.fields, head.body);
    const incoming = reader.body(head.body);
    let body: BodyInit | null;
    if (head.body.kind === "none" || (head.body.kind === "length" && head.body.length <= EAGER_BODY_BYTES)) {
      body = await new Body(incoming).bytes();
      await connection.finish(reader, reusable);
    } else {
      body = new ResponseBody(incoming, connection, reader, reusable);
    }
    if (NULL_BODY_STATUS.has(head.status) || out.method === "HEAD") body = null;
    return new Response(body, { status: head.status, statusText: head.statusText, headers: head.fields });
  } catch (error) {
    connection.close();
    if (connection.reused && !answered && !out.signal?.aborted && !(error instanceof HttpError) && replayable(out)) {
      return exchange(connect, pool, out, true);
    }
    throw connection.failure(error);
  }
}

/** Whether a request may be sent again: its body is at hand, and sending it twice does no harm (RFC 9110 9.2.2) or it has none. */
function replayable(out: Outgoing): boolean {
  return out.stream === null && (IDEMPOTENT.has(out.method) || out.known === null);
}

/**
 * Whether the connection may carry another request after this response
 * (RFC 9112 9.3): its body has an end other than the connection's, the
 * server did not say `Connection: close`, and an HTTP/1.0 server said
 * `keep-alive`.
 */
function persistent(startLine: string, fields: [string, string][], framing: Framing): boolean {
  if (framing.kind === "close") return false;
  const options = fields.flatMap(([name, value]) => (name === "connection" ? fieldTokens(value) : []));
  if (options.includes("close")) return false;
  return !startLine.startsWith("HTTP/1.0 ") || options.includes("keep-alive");
}

async function sendRequest(stream: TcpStream, out: Outgoing): Promise<void> {
  let head = `${out.method} ${out.url.pathname}${out.url.search} HTTP/1.1\r\n`;
  if (!out.headers.has("host")) head += `host: ${out.url.host}\r\n`;
  for (const [name, value] of out.headers) {
    if (!MANAGED.has(name)) head += `${name}: ${value}\r\n`;
  }
  if (!out.headers.has("accept")) head += "accept: */*\r\n";
  const chunked = out.known === undefined;
  if (chunked) head += "transfer-encoding: chunked\r\n";
  else if (out.known !== null || out.method === "POST" || out.method === "PUT") head += `content-length: ${out.known?.length ?? 0}\r\n`;
  // HTTP/1.1 keeps the connection by default; saying so is for HTTP/1.0 servers.
  head += "connection: keep-alive\r\n\r\n";
  await writeMessage(stream, head, out.known, out.stream, chunked);
}

/**
 * Whether nothing came after a response: no bytes read past its end, and no
 * EOF. awaitMessage(0) never waits: true for bytes queued or arriving, false
 * at EOF, and IdleTimeoutError when there is nothing.
 */
async function nothingFollows(reader: MessageReader): Promise<boolean> {
  try {
    await reader.awaitMessage(0);
    return false;
  } catch (error) {
    return error instanceof IdleTimeoutError;
  }
}

/**
 * A request's TCP connection, and what ends its use: the body read (the
 * connection goes back to the pool, or closes), a failure, or the signal
 * (the connection closes).
 */
class Connection {
  private stream: TcpStream | null = null;
  private origin = "";
  /** Closed, or given back to the pool: the connection is no longer this request's. */
  private ended = false;
  /** The whole request has been written. */
  private requestSent = false;
  private error: unknown = undefined;
  private readonly stopped: Promise<never>;
  private stop!: (reason: unknown) => void;
  private readonly onAbort = () => this.fail(abortReason(this.signal!));
  /** It came from the pool: it carried a request before. */
  reused = false;

  constructor(private readonly pool: ConnectionPool, private readonly signal: AbortSignalLike | null) {
    this.stopped = new Promise<never>((_, reject) => { this.stop = reject; });
    this.stopped.catch(() => {});
    signal?.addEventListener("abort", this.onAbort);
  }

  /**
   * An idle connection to the URL's host and port (80 by default) from the
   * pool, unless `fresh`, else a new one; a failure or an abort meanwhile rejects.
   */
  async open(connect: Connector, url: URL, fresh: boolean): Promise<TcpStream> {
    if (url.hostname.startsWith("[")) throw new Error(`${url.hostname}: IPv6 is not supported`);
    const port = url.port === "" ? 80 : Number(url.port);
    this.origin = `${url.hostname}:${port}`;
    const idle = fresh ? undefined : this.pool.take(this.origin);
    if (idle) {
      this.reused = true;
      return (this.stream = idle);
    }
    const connecting = connect(url.hostname, port);
    // A connection that completes after an abort is closed at once.
    connecting.then((stream) => (this.ended ? stream.close() : undefined), () => {});
    this.stream = await Promise.race([connecting, this.stopped]);
    return this.stream;
  }

  /** `promise`, unless a failure or an abort comes first. */
  until<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }

  /** The whole request has been written. */
  sent(): void {
    this.requestSent = true;
  }

  /** End the exchange with `error` (reported instead of what reading then sees). */
  fail(error: unknown): void {
    this.error ??= error;
    this.stop(error);
    this.close();
  }

  /**
   * The response has been read to its end: the connection goes back to the
   * pool if it can carry another request (the response allows it, the whole
   * request went out, nothing failed and nothing follows), else it closes.
   */
  async finish(reader: MessageReader, reusable: boolean): Promise<void> {
    if (this.ended) return;
    if (!reusable || !this.requestSent || this.error !== undefined || !(await nothingFollows(reader))) return this.close();
    if (this.ended) return; // aborted meanwhile
    this.end();
    this.pool.put(this.origin, this.stream!);
  }

  close(): void {
    if (this.ended) return;
    this.end();
    this.stream?.close();
  }

  private end(): void {
    this.ended = true;
    this.signal?.removeEventListener("abort", this.onAbort);
  }

  /** What to throw for `error`: the abort's reason, else TypeError("fetch failed"). */
  failure(error: unknown): unknown {
    if (this.signal?.aborted) return abortReason(this.signal);
    return fetchFailed(this.error ?? error);
  }

  /** An abort or a failure that came from outside the reading. */
  get interrupted(): boolean {
    return this.error !== undefined;
  }
}

/**
 * The body of a streamed response, as the caller reads it: at its end the
 * connection goes back to the pool (or closes); on an error, or when the
 * caller stops early (return(), or `break` in a `for await`), it closes.
 */
class ResponseBody implements AsyncIterableIterator<Uint8Array> {
  constructor(
    private readonly body: IncomingBody,
    private readonly connection: Connection,
    private readonly reader: MessageReader,
    private readonly reusable: boolean,
  ) {}

  async next(): Promise<IteratorResult<Uint8Array>> {
    try {
      const result = await this.body.next();
      // A close-delimited body ends at EOF, which an abort also causes: that is no end.
      if (this.connection.interrupted) throw new Error("interrupted");
      if (result.done) await this.connection.finish(this.reader, this.reusable);
      return result;
    } catch (error) {
      this.connection.close();
      throw this.connection.failure(error);
    }
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.connection.close();
    return { done: true, value: undefined };
  }

  /** The Content-Length, so that reading the body whole fills one array. */
  get expectedBytes(): number | undefined {
    return this.body.expectedBytes;
  }

  [Symbol.asyncIterator](): ResponseBody {
    return this;
  }
}
