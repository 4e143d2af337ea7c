/**
 * The request line and header fields of an HTTP/1.1 request (RFC 9112
 * sections 3 and 5), checked strictly: anything a proxy in front of us might
 * read differently (smuggling) is a 400 rather than a guess.
 */
import { HttpError } from "./errors.ts";
import { isToken } from "./headers.ts";

/** A parsed request head and how its body is framed. */
export interface RequestHead {
  method: string;
  target: string;
  /** Minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minorVersion: 0 | 1;
  /** Fields as received (names lowercased), in order. */
  fields: [string, string][];
  /** The body's framing: none, a Content-Length, or chunked. */
  body: { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" };
  /** Whether the client asked to keep the connection open after this request. */
  keepAlive: boolean;
  /** The client sent `Expect: 100-continue`. */
  expectContinue: boolean;
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;
// Field values may hold visible ASCII, obs-text and inner spaces or tabs, nothing else.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Parse the request line ("GET /path HTTP/1.1"). */
export function parseRequestLine(line: string): Pick<RequestHead, "method" | "target" | "minorVersion"> {
  const match = REQUEST_LINE.exec(line);
  if (!match) throw new HttpError(400, "malformed request line");
  const [, method, target, major, minor] = match;
  if (major !== "1") throw new HttpError(505, `HTTP/${major}.${minor} is not supported`);
  return { method, target, minorVersion: minor === "0" ? 0 : 1 };
}

/** Parse one field line ("Name: value") into a lowercased name and a trimmed value. */
export function parseFieldLine(line: string): [string, string] {
  const colon = line.indexOf(":");
  // No whitespace is allowed before the colon, and obs-fold (a line starting with
  // whitespace) is refused: RFC 9112 5.1 and 5.2 say to reject both.
  const name = colon > 0 ? line.slice(0, colon) : "";
  if (!isToken(name)) throw new HttpError(400, "malformed header field");
  const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, "");
  if (!FIELD_VALUE.test(value)) throw new HttpError(400, "invalid character in header value");
  return [name.toLowerCase(), value];
}

function tokens(value: string): string[] {
  return value.toLowerCase().split(",").map((token) => token.trim()).filter((token) => token !== "");
}

/** Decide the body framing, keep-alive and expectations from the fields (RFC 9112 6.3, 9.3). */
export function interpretFields(
  line: Pick<RequestHead, "method" | "target" | "minorVersion">,
  fields: [string, string][],
): RequestHead {
  let hosts = 0;
  const lengths: string[] = [];
  const codings: string[] = [];
  const connection: string[] = [];
  let expect: string | undefined;
  for (const [name, value] of fields) {
    if (name === "host") hosts++;
    else if (name === "content-length") lengths.push(...value.split(",").map((part) => part.trim()));
    else if (name === "transfer-encoding") codings.push(...tokens(value));
    else if (name === "connection") connection.push(...tokens(value));
    else if (name === "expect") expect = expect === undefined ? value.toLowerCase() : `${expect},${value.toLowerCase()}`;
  }
  if (line.minorVersion === 1 && hosts !== 1) throw new HttpError(400, "an HTTP/1.1 request needs exactly one Host");
  if (hosts > 1) throw new HttpError(400, "more than one Host");

  let body: RequestHead["body"] = { kind: "none" };
  if (codings.length > 0) {
    // Both framings at once is the classic smuggling vector: refuse rather than pick one.
    if (lengths.length > 0) throw new HttpError(400, "both Transfer-Encoding and Content-Length");
    if (line.minorVersion === 0) throw new HttpError(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (codings.length !== 1 || codings[0] !== "chunked") throw new HttpError(501, "only chunked transfer coding is supported");
    body = { kind: "chunked" };
  } else if (lengths.length > 0) {
    const first = lengths[0];
    // Digits only (no sign, no spaces); repeated values must agree (RFC 9110 8.6).
    if (!/^\d+$/.test(first) || lengths.some((other) => other !== first)) throw new HttpError(400, "invalid Content-Length");
    // More than 15 digits cannot be a body we accept, and would lose precision as a number.
    const length = first.length > 15 ? Number.MAX_SAFE_INTEGER : Number(first);
    if (length > 0) body = { kind: "length", length };
  }

  const keepAlive = line.minorVersion === 1 ? !connection.includes("close") : connection.includes("keep-alive");
  if (expect !== undefined && expect !== "100-continue") throw new HttpError(417, `unsupported expectation: ${expect}`);
  // 100-continue means nothing to an HTTP/1.0 client (RFC 9110 10.1.1).
  const expectContinue = expect === "100-continue" && line.minorVersion === 1;
  return { ...line, fields, body, keepAlive, expectContinue };
}
