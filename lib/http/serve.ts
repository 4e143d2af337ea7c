/**
 * Serves HTTP/1.1 on one TCP connection with a fetch-style handler:
 * keep-alive, pipelining (requests are read and answered one after another,
 * so answers leave in request order while later requests wait in the
 * reader's queue), request bodies streamed to the handler as it reads them,
 * limits, timeouts and error statuses.
 */
import "./polyfills.ts";
import { HttpError, IdleTimeoutError, PeerClosedError } from "./errors.ts";
import { Request, type AbortSignalLike } from "./request.ts";
import { IncomingBody, MessageReader } from "./message-reader.ts";
import { interpretFields, parseRequestLine, type RequestHead } from "./request-head.ts";
import { Response } from "./response.ts";
import { writeResponse, type ResponseLike } from "./response-writer.ts";
import { reasonPhrase } from "./status.ts";
import { countRejected, createStats, type HttpStats } from "./stats.ts";
import type { TcpStream } from "toro/net";

/** Where a request came from, the handler's optional second argument. */
export interface ConnectionInfo {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** A fetch handler: a Request in, a Response (or a promise of one) out. */
export type FetchHandler = (request: Request, info: ConnectionInfo) => ResponseLike | Promise<ResponseLike>;

/**
 * Limits and timeouts for serveHttp; every field has a default. Each limit a
 * client can reach is answered with its status (or a close) and counted in
 * `stats` when one is given.
 */
export interface ConnectionOptions {
  /**
   * The request line ("GET /path HTTP/1.1") with its CRLF, in bytes: over it
   * is a 414. Default 8 KiB, as nginx and Apache (Node counts it in its
   * 16 KiB of headers).
   */
  maxRequestLineBytes?: number;
  /** Request line, header fields and blank line, in bytes: over it is a 431. Default 16 KiB, Node's maxHeaderSize. */
  maxHeaderBytes?: number;
  /** Header fields in one request: over it is a 431. Default 100, as Apache's LimitRequestFields. */
  maxHeaderCount?: number;
  /**
   * Decoded request body, in bytes. A longer Content-Length is a 413 before
   * the handler runs; a chunked body that grows past it makes the body's
   * reading throw, and is a 413 unless the handler has answered already.
   * Default 1 MiB.
   */
  maxBodyBytes?: number;
  /** How long a connection may wait for a request to start (keep-alive idle), then closes quietly. Default 5 s, Node's keepAliveTimeout. */
  idleTimeoutMs?: number;
  /**
   * How long a request's head may take to arrive, from its first byte: then
   * a 408. A deadline for the whole head, not renewed by each byte, so a
   * client that trickles a head in (slowloris) cannot hold the connection
   * past it. Default 60 s, Node's headersTimeout.
   */
  headersTimeoutMs?: number;
  /**
   * How long the server may wait on the client for one request, head and
   * body, from its first byte: then a 408. Time the handler spends not
   * reading the body does not count. Default 300 s, Node's requestTimeout.
   */
  requestTimeoutMs?: number;
  /** How long to keep reading after our last answer so it is not lost to a reset. Default 1 s. */
  lingerMs?: number;
  /** Told of handler errors (which become a 500) and failed response bodies. Default console.error. */
  onError?: (error: unknown, request: Request) => void;
  /**
   * Once it aborts, the connection ends: at once if it is waiting for a
   * request, else after answering the one in hand (with `Connection: close`).
   */
  stop?: AbortSignalLike;
  /** Counters this connection adds to: open and accepted connections, requests, error answers, timeouts. */
  stats?: HttpStats;
}

const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
// What a handler may leave unread of a request body that the server still
// reads and drops to reach the next request; past it, closing is cheaper.
const DRAIN_LIMIT = 64 * 1024;

/**
 * Serve requests on `stream` with `handler` until the connection closes,
 * times out, or a request cannot be answered and still keep the stream in
 * sync. Never rejects: errors become statuses, logs, or a closed connection.
 */
export async function serveHttp(stream: TcpStream, handler: FetchHandler, options: ConnectionOptions = {}): Promise<void> {
  const idleMs = options.idleTimeoutMs ?? 5000;
  const headersMs = options.headersTimeoutMs ?? 60_000;
  const requestMs = options.requestTimeoutMs ?? 300_000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const onError = options.onError ?? ((error: unknown, request: Request) => console.error(`${request.method} ${request.url}:`, error));
  const reader = new MessageReader(stream, {
    maxHeaderBytes: options.maxHeaderBytes ?? 16 * 1024,
    maxHeaderCount: options.maxHeaderCount ?? 100,
    maxStartLineBytes: options.maxRequestLineBytes ?? 8 * 1024,
  });
  const info: ConnectionInfo = { remoteAddress: stream.remoteAddress, remotePort: stream.remotePort, localPort: stream.localPort };
  const stop = options.stop;
  const stats = options.stats ?? createStats();
  stats.connections++;
  stats.accepted++;
  let idle = false;
  const onStop = () => idle && reader.interrupt(new IdleTimeoutError());
  stop?.addEventListener("abort", onStop);
  try {
    for (;;) {
      if (stop?.aborted) break;
      let head: RequestHead;
      let body: IncomingBody;
      let request: Request;
      try {
        // A request that is here already is taken without an await: each costs about as much as parsing a field.
        idle = true;
        const next = reader.messageQueued || (await reader.awaitMessage(idleMs));
        idle = false;
        if (!next) break;
        // The head has a deadline of its own within the request's, counted from its first byte.
        reader.allowWaiting(Math.min(headersMs, requestMs), () => new HttpError(408, "request head timed out"));
        const raw = reader.takeHead() ?? await reader.readHead();
        reader.allowWaiting(requestMs - reader.waitedMs, () => new HttpError(408, "request timed out"));
        head = interpretFields(parseRequestLine(raw.startLine), raw.fields);
        // A length over the limit is refused before the client sends a body we would only discard.
        if (head.body.kind === "length" && head.body.length > maxBodyBytes) throw new HttpError(413, "body over the limit");
        if (head.expectContinue && head.body.kind !== "none") await stream.write(CONTINUE); // RFC 9110 10.1.1
        body = reader.body(head.body, maxBodyBytes);
        request = toRequest(head, body);
      } catch (error) {
        if (error instanceof HttpError) await writeError(stream, error.status, stats);
        else if (error instanceof IdleTimeoutError) stats.idleTimeouts += stop?.aborted ? 0 : 1;
        else if (error instanceof PeerClosedError) stats.aborted++;
        else {
          stats.aborted++; // A reset, most likely: the connection is gone, so no lingering either.
          throw error;
        }
        break;
      }
      let response: ResponseLike;
      try {
        stats.requests++;
        response = await handler(request, info);
        if (!isResponse(response)) throw new TypeError("the handler did not return a Response");
        if (response instanceof Response && response.bodyUsed) throw new TypeError("the handler returned a Response whose body was read");
      } catch (error) {
        // The body broke its framing or limit, or stalled: that is the client's error, not the handler's.
        if (body.error instanceof HttpError) await writeError(stream, body.error.status, stats);
        else if (body.error instanceof PeerClosedError) stats.aborted++;
        if (body.error !== undefined) break;
        onError(error, request);
        response = new Response("Internal Server Error", { status: 500 });
      }
      let keepAlive: boolean;
      try {
        keepAlive = await writeResponse(stream, response, stop?.aborted ? { ...head, keepAlive: false } : head);
      } catch (error) {
        // A streamed body failed part way, or the peer went: the message cannot be finished.
        if (body.error === undefined) onError(error, request);
        break;
      }
      // To reach the next request, read past what the handler left of this one's body.
      if (!keepAlive || !(body.done || await body.drain(DRAIN_LIMIT))) break;
    }
    await linger(stream, options.lingerMs ?? 1000);
  } catch {
    // The connection failed under us (reset, write to a closed stream): nothing left to say.
  } finally {
    stats.connections--;
    stop?.removeEventListener("abort", onStop);
    stream.close();
  }
}

// Build the Request a handler sees; a target we cannot make a URL of is a 400.
function toRequest(head: RequestHead, body: IncomingBody): Request {
  const host = head.fields.find(([name]) => name === "host")?.[1] || "localhost";
  let url: URL;
  try {
    url = head.target.startsWith("/") ? new URL(`http://${host}${head.target}`) : new URL(head.target);
  } catch {
    throw new HttpError(400, "invalid request target");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new HttpError(400, "invalid request target");
  // Fetch forbids a body on GET and HEAD (and uppercases "get" and "head"); one sent anyway is read and dropped after the answer.
  const hasBody = !body.done && !/^(get|head)$/i.test(head.method);
  return new Request(url, { method: head.method, headers: head.fields, body: hasBody ? body : null });
}

function isResponse(value: unknown): value is ResponseLike {
  if (value instanceof Response) return true;
  const candidate = value as ResponseLike | null;
  return typeof candidate?.status === "number" && candidate.headers != null && "body" in candidate;
}

// An error answer always closes: after a bad request the stream may be out of sync.
async function writeError(stream: TcpStream, status: number, stats: HttpStats): Promise<void> {
  countRejected(stats, status);
  const response = new Response(`${status} ${reasonPhrase(status)}\n`, { status });
  await writeResponse(stream, response, { method: "GET", minorVersion: 1, keepAlive: false });
}

/**
 * Half-close, then read and drop what the client still sends for a moment:
 * closing with unread data sends a reset, which can destroy our last answer
 * before the client reads it (RFC 9112 9.6).
 */
async function linger(stream: TcpStream, ms: number): Promise<void> {
  await stream.end();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  try {
    for (;;) {
      const read = stream.read();
      read.catch(() => {});
      if ((await Promise.race([read, timeout])) === null) break;
    }
  } finally {
    clearTimeout(timer);
  }
}
