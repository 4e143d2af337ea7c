/**
 * Form bodies, both ways: multipart/form-data (RFC 7578, with the HTML
 * Standard's encoding of names and filenames) and
 * application/x-www-form-urlencoded, as Request/Response `formData()` reads
 * them and a FormData body is sent.
 *
 * The parser takes a preamble and an epilogue (RFC 2046), header names in any
 * case, and quoted or bare parameters; it turns %22, %0D and %0A in names
 * and filenames back into the characters browsers (and Node) escape that
 * way, and takes RFC 5987's filename* over filename. A file part without a
 * Content-Type is text/plain (RFC 7578 §4.4). Whatever breaks the format is
 * a TypeError saying what, as formData() rejects with.
 */
import { Blob, blobBytes } from "./blob.ts";
import { File } from "./file.ts";
import { FormData } from "./form-data.ts";
import { parseMimeType } from "./mime-type.ts";
import { parseUrlencoded } from "../url/urlencoded.ts";

/** A FormData as a multipart/form-data body: its pieces in order (a file's are its Blob's own bytes), their total length, and the Content-Type naming the boundary. */
export interface EncodedFormData {
  chunks: Uint8Array[];
  length: number;
  contentType: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADERS_END = encoder.encode("\r\n\r\n");

function malformed(reason: string): TypeError {
  return new TypeError(`Failed to parse body as FormData: ${reason}`);
}

/** Parse a form body: multipart/form-data or application/x-www-form-urlencoded, as `contentType` says. */
export function parseFormData(bytes: Uint8Array, contentType: string): FormData {
  const type = parseMimeType(contentType ?? "");
  if (type?.essence === "multipart/form-data") {
    const boundary = type.parameters.get("boundary");
    if (boundary === undefined) throw malformed("the multipart/form-data Content-Type has no boundary");
    return parseMultipart(bytes, boundary);
  }
  if (type?.essence === "application/x-www-form-urlencoded") return parseUrlencodedForm(bytes);
  throw new TypeError(`Content-Type was not one of "multipart/form-data" or "application/x-www-form-urlencoded": ${contentType}`);
}

/** Parse an application/x-www-form-urlencoded body (UTF-8). */
export function parseUrlencodedForm(bytes: Uint8Array): FormData {
  const form = new FormData();
  const list = parseUrlencoded(decoder.decode(bytes));
  for (let i = 0; i < list.length; i += 2) form.append(list[i], list[i + 1]);
  return form;
}

// The first index of `needle` in `haystack` at or after `from`, or -1.
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// The bytes at `at` are CRLF.
function isCrlf(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 13 && bytes[at + 1] === 10;
}

/** Parse a multipart/form-data body whose parts are delimited by `boundary`. */
export function parseMultipart(bytes: Uint8Array, boundary: string): FormData {
  if (boundary.length < 1 || boundary.length > 70) throw malformed("the boundary must be 1 to 70 characters");
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const form = new FormData();
  // The first boundary opens the body, or ends a preamble.
  let position: number;
  if (indexOfBytes(bytes.subarray(0, dashBoundary.length), dashBoundary, 0) === 0) {
    position = dashBoundary.length;
  } else {
    const found = indexOfBytes(bytes, delimiter, 0);
    if (found === -1) throw malformed("no boundary in the body");
    position = found + delimiter.length;
  }
  for (;;) {
    // After a boundary: "--" closes the body, else (after transport padding) CRLF opens a part.
    if (bytes[position] === 45 && bytes[position + 1] === 45) return form;
    while (bytes[position] === 32 || bytes[position] === 9) position++;
    if (!isCrlf(bytes, position)) throw malformed(position >= bytes.length ? "the body ends without a closing boundary" : "a boundary is followed by neither CRLF nor --");
    position += 2;
    let headersEnd: number;
    if (isCrlf(bytes, position)) {
      headersEnd = position;
    } else {
      headersEnd = indexOfBytes(bytes, HEADERS_END, position);
      if (headersEnd === -1) throw malformed("a part's headers do not end");
    }
    const headers = decoder.decode(bytes.subarray(position, headersEnd));
    const contentStart = headersEnd + (headersEnd === position ? 2 : 4);
    const contentEnd = indexOfBytes(bytes, delimiter, contentStart);
    if (contentEnd === -1) throw malformed("a part does not end with a boundary");
    addPart(form, headers, bytes.subarray(contentStart, contentEnd));
    position = contentEnd + delimiter.length;
  }
}

// A part's headers, name (lowercase) → value, the first of each name.
function headerFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  if (text === "") return fields;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed(`a part has a malformed header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

// Content-Disposition's parameters (names lowercase): `form-data; name="a"; filename=b`.
function dispositionParameters(value: string): Map<string, string> {
  const match = /^form-data\s*(?:;|$)/i.exec(value);
  if (!match) throw malformed(`a part's Content-Disposition is not form-data: ${value}`);
  const parameters = new Map<string, string>();
  const parameter = /\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^;]*?))\s*(?:;|$)/gy;
  parameter.lastIndex = match[0].length;
  while (parameter.lastIndex < value.length) {
    const found = parameter.exec(value);
    if (!found) throw malformed(`a part's Content-Disposition has a malformed parameter: ${value}`);
    const name = found[1].toLowerCase();
    if (!parameters.has(name)) parameters.set(name, found[2] ?? found[3]);
  }
  return parameters;
}

// What browsers escape in names and filenames, back as it was.
function unescapeName(text: string): string {
  return text.replace(/%(22|0D|0A)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// RFC 5987's ext-value: UTF-8''percent%20encoded (other charsets are not decoded: then filename is used).
function extendedValue(value: string): string | undefined {
  const match = /^utf-8'[^']*'(.*)$/i.exec(value);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

function addPart(form: FormData, headerText: string, content: Uint8Array): void {
  const headers = headerFields(headerText);
  const disposition = headers.get("content-disposition");
  if (disposition === undefined) throw malformed("a part has no Content-Disposition");
  const parameters = dispositionParameters(disposition);
  const name = parameters.get("name");
  if (name === undefined) throw malformed("a part's Content-Disposition has no name");
  const extended = parameters.has("filename*") ? extendedValue(parameters.get("filename*")!) : undefined;
  const filename = extended ?? parameters.get("filename");
  if (filename === undefined) {
    form.append(unescapeName(name), decoder.decode(content));
    return;
  }
  const type = headers.get("content-type") || "text/plain";
  form.append(unescapeName(name), new File([content], extended ?? unescapeName(filename), { type }));
}

// As browsers and Node escape names and filenames inside the quotes.
function escapeName(text: string): string {
  return text.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
}

// A string entry's line breaks, each as CRLF (HTML's "convert to CRLF").
function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n|\r|\n/g, "\r\n");
}

function randomBoundary(): string {
  let digits = "";
  // Not a secret: it only has to be absent from the parts, and 24 random digits are.
  for (let i = 0; i < 24; i++) digits += Math.floor(Math.random() * 10);
  return `----formdata-toro-${digits}`;
}

/** `form` as a multipart/form-data body (`boundary` is chosen at random unless given). */
export function encodeFormData(form: FormData, boundary = randomBoundary()): EncodedFormData {
  const chunks: Uint8Array[] = [];
  let text = "";
  // Text accumulates, and goes in as one chunk before each file's bytes.
  const flush = () => {
    if (text === "") return;
    chunks.push(encoder.encode(text));
    text = "";
  };
  for (const [name, value] of form) {
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(normalizeLineBreaks(name))}"`;
    if (typeof value === "string") {
      text += `\r\n\r\n${normalizeLineBreaks(value)}\r\n`;
      continue;
    }
    text += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
    flush();
    chunks.push(blobBytes(value as Blob));
    text += "\r\n";
  }
  text += `--${boundary}--\r\n`;
  flush();
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return { chunks, length, contentType: `multipart/form-data; boundary=${boundary}` };
}
