/**
 * The status line and the body framing of a response (RFC 9112 sections 4
 * and 6.3), as fetch() reads them. Anything ambiguous is an error: a client
 * that guesses where a body ends can be fed a forged response.
 */
import { HttpError } from "./errors.ts";
import { fieldTokens, parseContentLength, type Framing } from "./fields.ts";

/** A parsed response head and how its body is framed. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** Fields as received (names lowercased), in order. */
  fields: [string, string][];
  body: Framing;
}

const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/;

/** Parse the status line ("HTTP/1.1 200 OK"); the reason phrase may be empty. */
export function parseStatusLine(line: string): Pick<ResponseHead, "status" | "statusText"> {
  const match = STATUS_LINE.exec(line);
  if (!match) throw new HttpError(502, "malformed status line");
  const [, major, minor, status, reason] = match;
  if (major !== "1") throw new HttpError(502, `HTTP/${major}.${minor} is not supported`);
  return { status: Number(status), statusText: reason ?? "" };
}

/**
 * Decide how the body of a response to `method` is framed (RFC 9112 6.3):
 * none for HEAD, 1xx, 204 and 304; chunked; a Content-Length; else it
 * ends when the server closes the connection.
 */
export function responseFraming(method: string, status: number, fields: [string, string][]): Framing {
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return { kind: "none" };
  const lengths: string[] = [];
  const codings: string[] = [];
  for (const [name, value] of fields) {
    if (name === "content-length") lengths.push(value);
    else if (name === "transfer-encoding") codings.push(...fieldTokens(value));
  }
  if (codings.length > 0) {
    // Both at once might be response splitting, which RFC 9112 6.3 says to treat as an error.
    if (lengths.length > 0) throw new HttpError(502, "both Transfer-Encoding and Content-Length");
    if (codings.length !== 1 || codings[0] !== "chunked") throw new HttpError(502, `unsupported transfer coding: ${codings.join(", ")}`);
    return { kind: "chunked" };
  }
  const length = parseContentLength(lengths);
  if (length === null) return { kind: "close" };
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}
