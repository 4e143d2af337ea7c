/**
 * Writes a Response on the wire (RFC 9112 section 6): a Content-Length when
 * the body is known in full, chunked when it is streamed to an HTTP/1.1
 * client, and a body delimited by closing the connection for HTTP/1.0.
 */
import "./polyfills.ts";
import { Body } from "./body.ts";
import { writeMessage } from "./message-writer.ts";
import { reasonPhrase } from "./status.ts";
import type { TcpStream } from "toro/net";

/** What the writer needs of a response: the fetch Response shape. */
export interface ResponseLike {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: Iterable<[string, string]>;
  readonly body: AsyncIterable<Uint8Array | string> | null;
}

/** What the writer needs to know about the request being answered. */
export interface Exchange {
  method: string;
  minorVersion: 0 | 1;
  keepAlive: boolean;
}

// The server owns the framing and the connection; a handler's own values would lie.
const MANAGED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

let dateSecond = NaN;
let dateText = "";

/** The Date field's value (RFC 9110 6.6.1), formatted once a second, as Node does: it has a second's resolution. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/**
 * Send `response` as the answer to `exchange`. Resolves to whether the
 * connection can carry another request; rejects if the body fails part way
 * (the message is then cut short, and the connection must be closed).
 */
export async function writeResponse(stream: TcpStream, response: ResponseLike, exchange: Exchange): Promise<boolean> {
  const status = response.status;
  const noBody = exchange.method === "HEAD" || status === 204 || status === 304;
  const known = response instanceof Body ? Body.knownBytes(response) : undefined;
  let keepAlive = exchange.keepAlive;
  let statedLength: string | null = null;
  let lines = `HTTP/1.1 ${status} ${response.statusText || reasonPhrase(status)}\r\n`;
  let hasDate = false;
  for (const [name, value] of response.headers) {
    const key = name.toLowerCase();
    if (key === "connection" && /(^|,)\s*close\s*(,|$)/i.test(value)) keepAlive = false;
    if (key === "content-length") statedLength = value;
    if (key === "date") hasDate = true;
    if (!MANAGED.has(key)) lines += `${key}: ${value}\r\n`;
  }
  if (!hasDate) lines += `date: ${httpDate()}\r\n`;

  // Choose the framing: a known length, a length the handler stated for its stream, chunks, or EOF.
  let chunked = false;
  const stated = statedLength !== null && /^\d+$/.test(statedLength);
  if (known === null && exchange.method === "HEAD" && stated && status !== 204) {
    // A HEAD answer made without its body (RFC 9110 9.3.2) says the length a GET would have.
    lines += `content-length: ${statedLength}\r\n`;
  } else if (known !== undefined) {
    if (status !== 204 && !(status === 304 && known === null)) lines += `content-length: ${known ? known.length : 0}\r\n`;
  } else if (stated) {
    lines += `content-length: ${statedLength}\r\n`;
  } else if (!noBody) {
    if (exchange.minorVersion === 1) {
      chunked = true;
      lines += "transfer-encoding: chunked\r\n";
    } else {
      keepAlive = false; // An HTTP/1.0 client learns where the body ends when we close.
    }
  }
  if (!keepAlive) lines += "connection: close\r\n";
  else if (exchange.minorVersion === 0) lines += "connection: keep-alive\r\n";
  lines += "\r\n";

  // A body held in full goes in the head's write; asking for it as a stream would make a generator for nothing.
  if (known !== undefined && !noBody) {
    await writeMessage(stream, lines, known, null, false);
    return keepAlive;
  }
  if (noBody) {
    await writeMessage(stream, lines, null, null, false);
    // A HEAD answer never reads the stream: let its producer stop.
    if (response instanceof Body) await Body.discard(response);
    else if (response.body) await response.body[Symbol.asyncIterator]().return?.();
    return keepAlive;
  }
  // Our own Response gives its chunks without making a ReadableStream nobody asked for.
  const body = response instanceof Body ? Body.chunks(response) : response.body;
  if (body === null) {
    await writeMessage(stream, lines, null, null, false);
    return keepAlive;
  }
  const sent = await writeMessage(stream, lines, known, body, chunked);
  if (known === undefined && !chunked && statedLength !== null && sent !== Number(statedLength)) {
    throw new Error(`the body had ${sent} bytes, but Content-Length said ${statedLength}`);
  }
  return keepAlive;
}
