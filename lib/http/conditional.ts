/**
 * Validators and conditional requests for files (RFC 9110 8.8, 13): a weak
 * ETag from the size and the modification time (what Express's `etag` makes
 * for a file's stats; weak because a file rewritten within the same
 * millisecond at the same size would keep it), Last-Modified, and the
 * preconditions in the RFC's order (13.2.2): If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since, then If-Range for a Range.
 */
import { parseHttpDate } from "./http-date.ts";

/** What the validators are made from. */
export interface Validated {
  size: number;
  mtimeMs: number;
}

export type Precondition = "proceed" | "not-modified" | "failed";

/** `W/"<size>-<mtime ms>"` in hex. */
export function weakEtag({ size, mtimeMs }: Validated): string {
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** The HTTP-date of the modification time: whole seconds, as the field has. */
export function lastModified({ mtimeMs }: Validated): string {
  return new Date(modifiedSecond(mtimeMs)).toUTCString();
}

/** The time floored to its second, in ms: what Last-Modified says and dates compare against. */
function modifiedSecond(mtimeMs: number): number {
  return Math.floor(mtimeMs / 1000) * 1000;
}

/** The entity-tags of an If-Match or If-None-Match value (commas may sit inside quotes). */
function entityTags(value: string): string[] {
  return value.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

const opaque = (tag: string): string => (tag.startsWith("W/") ? tag.slice(2) : tag);

/** RFC 9110 8.8.3.2: the weak comparison ignores W/, the strong one needs both tags strong. */
function matches(tags: readonly string[], etag: string, strong: boolean): boolean {
  if (strong && etag.startsWith("W/")) return false;
  return tags.some((tag) => (strong ? tag === etag : opaque(tag) === opaque(etag)));
}

/** A valid HTTP-date in ms, or undefined (the field is then ignored, as the RFC says). */
function httpDate(value: string | null): number | undefined {
  return value === null ? undefined : parseHttpDate(value);
}

interface FieldSource {
  get(name: string): string | null;
}

/** The preconditions of a GET or HEAD: carry on, 304, or 412. */
export function evaluatePreconditions(headers: FieldSource, file: Validated): Precondition {
  const etag = weakEtag(file);
  const modified = modifiedSecond(file.mtimeMs);
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (ifMatch.trim() !== "*" && !matches(entityTags(ifMatch), etag, true)) return "failed";
  } else {
    const since = httpDate(headers.get("if-unmodified-since"));
    if (since !== undefined && modified > since) return "failed";
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    if (ifNoneMatch.trim() === "*" || matches(entityTags(ifNoneMatch), etag, false)) return "not-modified";
  } else {
    const since = httpDate(headers.get("if-modified-since"));
    if (since !== undefined && modified <= since) return "not-modified";
  }
  return "proceed";
}

/**
 * Whether a Range may be honoured: no If-Range, or one that names the
 * current representation. An entity-tag needs the strong comparison, which
 * our weak tags never pass (the client gets the whole file, which is right
 * for it); a date must be the Last-Modified exactly.
 */
export function rangeApplies(headers: FieldSource, file: Validated): boolean {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return matches([value], weakEtag(file), true);
  return httpDate(value) === modifiedSecond(file.mtimeMs);
}
