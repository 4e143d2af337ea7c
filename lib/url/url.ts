/**
 * The web-standard URL class (URL Standard §6.1) over our parser. See
 * README.md for what it covers and why it is ours.
 *
 * ```ts
 * import { URL, URLSearchParams } from "../lib/url/url.ts";
 * const url = new URL("/search?q=toro", "http://10.0.2.15");
 * url.searchParams.get("q");   // "toro"
 * ```
 *
 * A URL object holds a URL record; its href is computed when first asked
 * for and kept until a setter changes the record. Its URLSearchParams is
 * made when first asked for: until then there is nothing to keep in step.
 */
import {
  FRAGMENT, HOST, HOSTNAME, PATH_START, PORT, QUERY, SCHEME_START, UrlRecord, basicParse,
  cannotHaveUsernamePasswordPort, hasOpaquePath, hrefOf, parseFast,
} from "./parser.ts";
import { USERINFO_SET, percentEncode, toUSVString } from "./percent-encoding.ts";
import { URLSearchParams, resetSearchParams, searchParamsOf } from "./search-params.ts";

export { URLSearchParams };

/** What the URL API takes for a URL: a string, or anything that converts to one (another URL, say). */
export type URLLike = string | { toString(): string };
export type { URLSearchParamsInit } from "./search-params.ts";

// Parse an absolute URL: the fast path first, then the state machine.
function parseAbsolute(input: string, base: UrlRecord | null): UrlRecord | null {
  return parseFast(input, base) ?? basicParse(toUSVString(input), base);
}

// The API URL parser: `base`, if given, must parse too.
function apiParse(url: unknown, base: unknown): UrlRecord | null {
  let parsedBase: UrlRecord | null = null;
  if (base !== undefined) {
    parsedBase = parseAbsolute(typeof base === "string" ? base : toUSVString(base), null);
    if (parsedBase === null) return null;
  }
  return parseAbsolute(typeof url === "string" ? url : toUSVString(url), parsedBase);
}

// The origin's serialization: scheme, host and port for the network schemes,
// the inner URL's for blob: URLs of http(s), "null" (an opaque origin) otherwise.
function originOf(url: UrlRecord): string {
  switch (url.scheme) {
    case "ftp": case "http": case "https": case "ws": case "wss":
      return url.scheme + "://" + url.host + (url.port === null ? "" : ":" + url.port);
    case "blob": {
      const inner = parseAbsolute(url.path, null);
      if (inner !== null && (inner.scheme === "http" || inner.scheme === "https")) return originOf(inner);
    }
  }
  return "null";
}

/** A parsed URL whose parts can be read and changed. */
export class URL {
  private url: UrlRecord;
  private query: URLSearchParams | null = null;

  /** Parse `url`, relative to `base` if given; throws a TypeError if either is not a valid URL. */
  constructor(url: URLLike, base?: URLLike) {
    const record = apiParse(url, base);
    if (record === null) throw new TypeError(`Invalid URL: ${String(url)}${base === undefined ? "" : ` (base ${String(base)})`}`);
    this.url = record;
  }

  /** The URL parsed from `url` (relative to `base`), or null where the constructor would throw. */
  static parse(url: URLLike, base?: URLLike): URL | null {
    const record = apiParse(url, base);
    if (record === null) return null;
    const instance = Object.create(URL.prototype) as URL;
    instance.url = record;
    instance.query = null;
    return instance;
  }

  /** Whether `url` (relative to `base`) parses. */
  static canParse(url: URLLike, base?: URLLike): boolean {
    return apiParse(url, base) !== null;
  }

  /** The whole URL. Setting it parses the value anew (a TypeError if it does not parse). */
  get href(): string {
    return hrefOf(this.url);
  }

  set href(value: string) {
    const parsed = parseAbsolute(toUSVString(value), null);
    if (parsed === null) throw new TypeError(`Invalid URL: ${String(value)}`);
    this.url.copyFrom(parsed);
    if (this.query !== null) resetSearchParams(this.query, parsed.query);
  }

  /** "scheme://host[:port]" for http(s), ws(s) and ftp URLs; "null" for others. */
  get origin(): string {
    return originOf(this.url);
  }

  /** The scheme and ":". Set to another scheme of the same kind (special or not). */
  get protocol(): string {
    return this.url.scheme + ":";
  }

  set protocol(value: string) {
    basicParse(toUSVString(value) + ":", null, this.url, SCHEME_START);
    this.url.href = null;
  }

  get username(): string {
    return this.url.username;
  }

  set username(value: string) {
    if (cannotHaveUsernamePasswordPort(this.url)) return;
    this.url.username = percentEncode(toUSVString(value), USERINFO_SET);
    this.url.href = null;
  }

  get password(): string {
    return this.url.password;
  }

  set password(value: string) {
    if (cannotHaveUsernamePasswordPort(this.url)) return;
    this.url.password = percentEncode(toUSVString(value), USERINFO_SET);
    this.url.href = null;
  }

  /** The host and, if not the default, ":port". */
  get host(): string {
    const url = this.url;
    if (url.host === null) return "";
    return url.port === null ? url.host : url.host + ":" + url.port;
  }

  set host(value: string) {
    if (hasOpaquePath(this.url)) return;
    basicParse(toUSVString(value), null, this.url, HOST);
    this.url.href = null;
  }

  get hostname(): string {
    return this.url.host ?? "";
  }

  set hostname(value: string) {
    if (hasOpaquePath(this.url)) return;
    basicParse(toUSVString(value), null, this.url, HOSTNAME);
    this.url.href = null;
  }

  /** The port, or "" when it is the scheme's default or there is none. */
  get port(): string {
    return this.url.port === null ? "" : String(this.url.port);
  }

  set port(value: string) {
    if (cannotHaveUsernamePasswordPort(this.url)) return;
    const text = toUSVString(value);
    if (text === "") this.url.port = null;
    else basicParse(text, null, this.url, PORT);
    this.url.href = null;
  }

  get pathname(): string {
    return this.url.path;
  }

  set pathname(value: string) {
    if (hasOpaquePath(this.url)) return;
    this.url.path = "";
    basicParse(toUSVString(value), null, this.url, PATH_START);
    this.url.href = null;
  }

  /** "?" and the query, or "" when there is none or it is empty. */
  get search(): string {
    const query = this.url.query;
    return query === null || query === "" ? "" : "?" + query;
  }

  set search(value: string) {
    const url = this.url;
    const text = toUSVString(value);
    url.href = null;
    if (text === "") {
      url.query = null;
      if (this.query !== null) resetSearchParams(this.query, null);
      return;
    }
    const input = text.charCodeAt(0) === 0x3f ? text.slice(1) : text;
    url.query = "";
    basicParse(input, null, url, QUERY);
    if (this.query !== null) resetSearchParams(this.query, input);
  }

  /** The query's name-value pairs, kept in step with the URL both ways. */
  get searchParams(): URLSearchParams {
    return this.query ?? (this.query = searchParamsOf(this.url));
  }

  /** "#" and the fragment, or "" when there is none or it is empty. */
  get hash(): string {
    const fragment = this.url.fragment;
    return fragment === null || fragment === "" ? "" : "#" + fragment;
  }

  set hash(value: string) {
    const url = this.url;
    const text = toUSVString(value);
    url.href = null;
    if (text === "") {
      url.fragment = null;
      return;
    }
    url.fragment = "";
    basicParse(text.charCodeAt(0) === 0x23 ? text.slice(1) : text, null, url, FRAGMENT);
  }

  /** The href. */
  toString(): string {
    return hrefOf(this.url);
  }

  /** The href. */
  toJSON(): string {
    return hrefOf(this.url);
  }
}

Object.defineProperty(URL.prototype, Symbol.toStringTag, { value: "URL", configurable: true });
