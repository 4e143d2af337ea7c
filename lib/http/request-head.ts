/**
 * The request line and the meaning of a request's header fields (RFC 9112
 * sections 3, 6.3 and 9.3), checked strictly: anything a proxy in front of
 * us might read differently (smuggling) is a 400 rather than a guess.
 */
import { HttpError } from "./errors.ts";
import { fieldTokens, parseContentLength, type Framing } from "./fields.ts";

/** A parsed request head and how its body is framed. */
export interface RequestHead {
  method: string;
  target: string;
  /** Minor version: 1 for HTTP/1.1, 0 for HTTP/1.0. */
  minorVersion: 0 | 1;
  /** Fields as received (names lowercased), in order. */
  fields: [string, string][];
  /** The body's framing: none, a Content-Length, or chunked. */
  body: Exclude<Framing, { kind: "close" }>;
  /** Whether the client asked to keep the connection open after this request. */
  keepAlive: boolean;
  /** The client sent `Expect: 100-continue`. */
  expectContinue: boolean;
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;

/** Parse the request line ("GET /path HTTP/1.1"). */
export function parseRequestLine(line: string): Pick<RequestHead, "method" | "target" | "minorVersion"> {
  const match = REQUEST_LINE.exec(line);
  if (!match) throw new HttpError(400, "malformed request line");
  const [, method, target, major, minor] = match;
  if (major !== "1") throw new HttpError(505, `HTTP/${major}.${minor} is not supported`);
  return { method, target, minorVersion: minor === "0" ? 0 : 1 };
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
    else if (name === "content-length") lengths.push(value);
    else if (name === "transfer-encoding") codings.push(...fieldTokens(value));
    else if (name === "connection") connection.push(...fieldTokens(value));
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
  } else {
    const length = parseContentLength(lengths);
    if (length !== null && length > 0) body = { kind: "length", length };
  }

  const keepAlive = line.minorVersion === 1 ? !connection.includes("close") : connection.includes("keep-alive");
  if (expect !== undefined && expect !== "100-continue") throw new HttpError(417, `unsupported expectation: ${expect}`);
  // 100-continue means nothing to an HTTP/1.0 client (RFC 9110 10.1.1).
  const expectContinue = expect === "100-continue" && line.minorVersion === 1;
  return { ...line, fields, body, keepAlive, expectContinue };
}
