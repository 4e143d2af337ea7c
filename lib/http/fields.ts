/**
 * Header field lines and the field values that frame a message (RFC 9112
 * sections 5 and 6), shared by requests and responses. Checked strictly:
 * anything a proxy in front of us might read differently (smuggling) is an
 * error rather than a guess.
 */
import { HttpError } from "./errors.ts";
import { lowercaseToken, trimHttpWhitespace } from "./headers.ts";

// Field values may hold visible ASCII, obs-text and inner spaces or tabs, nothing else.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Parse one field line ("Name: value") into a lowercased name and a trimmed value. */
export function parseFieldLine(line: string): [string, string] {
  const colon = line.indexOf(":");
  // No whitespace is allowed before the colon, and obs-fold (a line starting with
  // whitespace) is refused: RFC 9112 5.1 and 5.2 say to reject both.
  const name = colon > 0 ? lowercaseToken(line.slice(0, colon)) : undefined;
  if (name === undefined) throw new HttpError(400, "malformed header field");
  const value = trimHttpWhitespace(line.slice(colon + 1));
  if (!FIELD_VALUE.test(value)) throw new HttpError(400, "invalid character in header value");
  return [name, value];
}

/** A list-valued field's members, lowercased ("Keep-Alive, close" → ["keep-alive", "close"]). */
export function fieldTokens(value: string): string[] {
  return value.toLowerCase().split(",").map((token) => token.trim()).filter((token) => token !== "");
}

/**
 * The length Content-Length values state, or null when there are none. Digits
 * only (no sign, no spaces); repeated values must agree (RFC 9110 8.6).
 */
export function parseContentLength(values: string[]): number | null {
  const lengths = values.flatMap((value) => value.split(",").map((part) => part.trim()));
  if (lengths.length === 0) return null;
  const first = lengths[0];
  if (!/^\d+$/.test(first) || lengths.some((other) => other !== first)) throw new HttpError(400, "invalid Content-Length");
  // More than 15 digits cannot be a body we accept, and would lose precision as a number.
  return first.length > 15 ? Number.MAX_SAFE_INTEGER : Number(first);
}

/** How a message's body is delimited (RFC 9112 6.3); only a response can end with the connection. */
export type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" };
