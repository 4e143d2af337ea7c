/**
 * The URL record, the basic URL parser and the URL serializer (URL Standard
 * §4.1-4.5).
 *
 * The parser is the standard's state machine, with state override for the
 * URL setters, but a state that consumes a run of code points (a scheme, an
 * authority, a path segment, a query) finds the run's end with one scan and
 * takes it as a slice, instead of appending code point by code point: an
 * interpreter pays per loop iteration. Indexes are UTF-16 code units; the
 * states only ever stop on ASCII delimiters, so that is the same thing.
 *
 * A path is kept serialized: "/a/b" is the list « a, b », "" the empty list,
 * and an opaque path is its string, which never starts with "/" (a list
 * path of a URL without a host always does). Shortening a path cuts at its
 * last "/"; nothing else needs the segments apart.
 *
 * `parseFast` takes the usual http(s) URL in one step and gives up (null)
 * on anything it would have to rewrite; the tests check that it agrees with
 * the state machine.
 */
import { endsInANumber, parseHost, parseIPv4, serializeIPv4 } from "./host.ts";
import {
  C0_CONTROL_SET, FRAGMENT_SET, PATH_SET, QUERY_SET, SPECIAL_QUERY_SET, USERINFO_SET, percentEncode,
} from "./percent-encoding.ts";

/** A URL record. `host` and `path` are kept as their serializations. */
export class UrlRecord {
  scheme = "";
  username = "";
  password = "";
  host: string | null = null;
  port: number | null = null;
  path = "";
  query: string | null = null;
  fragment: string | null = null;
  /** The serialization, cached; whoever changes a field sets it back to null. */
  href: string | null = null;

  copyFrom(other: UrlRecord): void {
    this.scheme = other.scheme;
    this.username = other.username;
    this.password = other.password;
    this.host = other.host;
    this.port = other.port;
    this.path = other.path;
    this.query = other.query;
    this.fragment = other.fragment;
    this.href = other.href;
  }
}

// Parser states. 0 means "no state override".
export const SCHEME_START = 1;
const SCHEME = 2;
const NO_SCHEME = 3;
const SPECIAL_RELATIVE_OR_AUTHORITY = 4;
const PATH_OR_AUTHORITY = 5;
const RELATIVE = 6;
const RELATIVE_SLASH = 7;
const SPECIAL_AUTHORITY_SLASHES = 8;
const SPECIAL_AUTHORITY_IGNORE_SLASHES = 9;
const AUTHORITY = 10;
export const HOST = 11;
export const HOSTNAME = 12;
export const PORT = 13;
const FILE = 14;
const FILE_SLASH = 15;
const FILE_HOST = 16;
export const PATH_START = 17;
const PATH = 18;
const OPAQUE_PATH = 19;
export const QUERY = 20;
export const FRAGMENT = 21;

const EOF = -1;

/** Whether `scheme` is special (ftp, file, http, https, ws, wss). */
export function isSpecialScheme(scheme: string): boolean {
  switch (scheme) {
    case "http": case "https": case "ws": case "wss": case "ftp": case "file": return true;
  }
  return false;
}

/** The default port of a special scheme, or null. */
export function defaultPort(scheme: string): number | null {
  switch (scheme) {
    case "http": case "ws": return 80;
    case "https": case "wss": return 443;
    case "ftp": return 21;
  }
  return null;
}

/** Whether the URL's path is opaque (a string, as in "mailto:x@y"), not a list of segments. */
export function hasOpaquePath(url: UrlRecord): boolean {
  return url.host === null && url.path.charCodeAt(0) !== 0x2f;
}

/** Whether the URL has no host (or an empty one) or is a file URL: then it has no credentials or port. */
export function cannotHaveUsernamePasswordPort(url: UrlRecord): boolean {
  return url.host === null || url.host === "" || url.scheme === "file";
}

/** The URL serializer. */
export function serializeUrl(url: UrlRecord): string {
  let output = url.scheme + ":";
  if (url.host !== null) {
    output += "//";
    if (url.username !== "" || url.password !== "") {
      output += url.username;
      if (url.password !== "") output += ":" + url.password;
      output += "@";
    }
    output += url.host;
    if (url.port !== null) output += ":" + url.port;
  } else if (url.path.charCodeAt(0) === 0x2f && url.path.charCodeAt(1) === 0x2f) {
    // The path starts with an empty segment, and a "//" would read as a host.
    output += "/.";
  }
  output += url.path;
  if (url.query !== null) output += "?" + url.query;
  if (url.fragment !== null) output += "#" + url.fragment;
  return output;
}

/** The href of a record, computed once until a field changes. */
export function hrefOf(url: UrlRecord): string {
  return url.href ?? (url.href = serializeUrl(url));
}

function isAlpha(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

// A scheme's code points after the first: ASCII alphanumerics, "+", "-", ".".
function isSchemeCodePoint(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

// Two code points, an ASCII alpha then ":" or "|".
function isWindowsDriveLetter(text: string, normalizedOnly: boolean): boolean {
  if (text.length !== 2 || !isAlpha(text.charCodeAt(0))) return false;
  const c = text.charCodeAt(1);
  return c === 0x3a || (!normalizedOnly && c === 0x7c);
}

// Does input[p…] start with a Windows drive letter (followed by its end, "/", "\", "?" or "#")?
function startsWithWindowsDriveLetter(input: string, p: number): boolean {
  if (input.length - p < 2 || !isAlpha(input.charCodeAt(p))) return false;
  const second = input.charCodeAt(p + 1);
  if (second !== 0x3a && second !== 0x7c) return false;
  if (input.length - p === 2) return true;
  const third = input.charCodeAt(p + 2);
  return third === 0x2f || third === 0x5c || third === 0x3f || third === 0x23;
}

// Is the path's first segment a normalized Windows drive letter ("/C:" or "/C:/…")?
function startsWithDriveSegment(path: string): boolean {
  return path.length >= 3 && (path.length === 3 || path.charCodeAt(3) === 0x2f) &&
    isWindowsDriveLetter(path.slice(1, 3), true);
}

// A relative reference without an authority keeps the base's.
function copyAuthority(url: UrlRecord, base: UrlRecord): void {
  url.username = base.username;
  url.password = base.password;
  url.host = base.host;
  url.port = base.port;
}

function shortenPath(url: UrlRecord): void {
  const path = url.path;
  if (url.scheme === "file" && path.length === 3 && startsWithDriveSegment(path)) return;
  url.path = path.slice(0, Math.max(path.lastIndexOf("/"), 0));
}

// 1 for a single-dot segment ("." or "%2e"), 2 for a double-dot one, else 0.
function dotSegment(segment: string): number {
  switch (segment.length) {
    case 1: return segment === "." ? 1 : 0;
    case 2: return segment === ".." ? 2 : 0;
    case 3: return segment.toLowerCase() === "%2e" ? 1 : 0;
    case 4: {
      const lower = segment.toLowerCase();
      return lower === ".%2e" || lower === "%2e." ? 2 : 0;
    }
    case 6: return segment.toLowerCase() === "%2e%2e" ? 2 : 0;
  }
  return 0;
}

function trimControlAndSpace(input: string): string {
  let start = 0;
  let end = input.length;
  while (start < end && input.charCodeAt(start) <= 0x20) start++;
  while (end > start && input.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === input.length ? input : input.slice(start, end);
}

const TAB_OR_NEWLINE = /[\t\n\r]/g;

/**
 * The basic URL parser. Without `url` it parses `input` (a scalar value
 * string) against `base` into a new record, or returns null for failure.
 * With `url` and a state `override` it changes `url` in place, as the
 * setters want, and returns null if it stopped on a failure (`url` may be
 * partly changed then, as the standard has it).
 */
export function basicParse(input: string, base: UrlRecord | null, url?: UrlRecord, override = 0): UrlRecord | null {
  if (url === undefined) {
    url = new UrlRecord();
    input = trimControlAndSpace(input);
  }
  if (input.indexOf("\t") !== -1 || input.indexOf("\n") !== -1 || input.indexOf("\r") !== -1) {
    input = input.replace(TAB_OR_NEWLINE, "");
  }
  const length = input.length;
  let state = override || SCHEME_START;
  let special = isSpecialScheme(url.scheme);
  let p = 0;
  for (;;) {
    const c = p < length ? input.charCodeAt(p) : EOF;
    switch (state) {
      case SCHEME_START:
        if (isAlpha(c)) state = SCHEME;
        else if (override === 0) {
          state = NO_SCHEME;
          p--;
        } else return null;
        break;

      case SCHEME: {
        let i = p;
        while (i < length && isSchemeCodePoint(input.charCodeAt(i))) i++;
        if (input.charCodeAt(i) !== 0x3a /* : */) {
          if (override !== 0) return null;
          // Not a scheme after all: start over, as a relative URL.
          state = NO_SCHEME;
          p = -1;
          break;
        }
        const scheme = input.slice(0, i).toLowerCase();
        const schemeIsSpecial = isSpecialScheme(scheme);
        if (override !== 0) {
          if (special !== schemeIsSpecial) return url;
          if (scheme === "file" && (url.username !== "" || url.password !== "" || url.port !== null)) return url;
          if (url.scheme === "file" && url.host === "") return url;
        }
        url.scheme = scheme;
        special = schemeIsSpecial;
        if (override !== 0) {
          if (url.port === defaultPort(scheme)) url.port = null;
          return url;
        }
        p = i;
        if (scheme === "file") state = FILE;
        else if (special && base !== null && base.scheme === scheme) state = SPECIAL_RELATIVE_OR_AUTHORITY;
        else if (special) state = SPECIAL_AUTHORITY_SLASHES;
        else if (input.charCodeAt(p + 1) === 0x2f) {
          state = PATH_OR_AUTHORITY;
          p++;
        } else {
          url.path = "";
          state = OPAQUE_PATH;
        }
        break;
      }

      case NO_SCHEME:
        if (base === null || (hasOpaquePath(base) && c !== 0x23)) return null;
        if (hasOpaquePath(base)) {
          url.scheme = base.scheme;
          special = false;
          url.path = base.path;
          url.query = base.query;
          url.fragment = "";
          state = FRAGMENT;
        } else {
          state = base.scheme === "file" ? FILE : RELATIVE;
          p--;
        }
        break;

      case SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c === 0x2f && input.charCodeAt(p + 1) === 0x2f) {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          p++;
        } else {
          state = RELATIVE;
          p--;
        }
        break;

      case PATH_OR_AUTHORITY:
        if (c === 0x2f) state = AUTHORITY;
        else {
          state = PATH;
          p--;
        }
        break;

      case RELATIVE:
        url.scheme = base!.scheme;
        special = isSpecialScheme(url.scheme);
        if (c === 0x2f || (special && c === 0x5c)) {
          state = RELATIVE_SLASH;
          break;
        }
        copyAuthority(url, base!);
        url.path = base!.path;
        url.query = base!.query;
        if (c === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (c === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        } else if (c !== EOF) {
          url.query = null;
          shortenPath(url);
          state = PATH;
          p--;
        }
        break;

      case RELATIVE_SLASH:
        if (special && (c === 0x2f || c === 0x5c)) state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        else if (c === 0x2f) state = AUTHORITY;
        else {
          copyAuthority(url, base!);
          state = PATH;
          p--;
        }
        break;

      case SPECIAL_AUTHORITY_SLASHES:
        state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        if (c === 0x2f && input.charCodeAt(p + 1) === 0x2f) p++;
        else p--;
        break;

      case SPECIAL_AUTHORITY_IGNORE_SLASHES:
        while (p < length && (input.charCodeAt(p) === 0x2f || input.charCodeAt(p) === 0x5c)) p++;
        state = AUTHORITY;
        p--;
        break;

      case AUTHORITY: {
        // The authority runs to the first "/", "?" or "#" ("\" too if special);
        // credentials end at its last "@" (earlier ones are part of them).
        let end = p;
        let at = -1;
        for (; end < length; end++) {
          const ch = input.charCodeAt(end);
          if (ch === 0x2f || ch === 0x3f || ch === 0x23 || (special && ch === 0x5c)) break;
          if (ch === 0x40) at = end;
        }
        if (at !== -1) {
          if (at + 1 === end) return null; // credentials but no host
          const colon = input.indexOf(":", p);
          if (colon !== -1 && colon < at) {
            url.username += percentEncode(input.slice(p, colon), USERINFO_SET);
            url.password += percentEncode(input.slice(colon + 1, at), USERINFO_SET);
          } else {
            url.username += percentEncode(input.slice(p, at), USERINFO_SET);
          }
          p = at + 1;
        }
        state = HOST;
        p--;
        break;
      }

      case HOST:
      case HOSTNAME: {
        if (override !== 0 && url.scheme === "file") {
          state = FILE_HOST;
          p--;
          break;
        }
        let i = p;
        let insideBrackets = false;
        for (; i < length; i++) {
          const ch = input.charCodeAt(i);
          if ((ch === 0x3a && !insideBrackets) || ch === 0x2f || ch === 0x3f || ch === 0x23 || (special && ch === 0x5c)) break;
          if (ch === 0x5b) insideBrackets = true;
          else if (ch === 0x5d) insideBrackets = false;
        }
        const buffer = input.slice(p, i);
        if (i < length && input.charCodeAt(i) === 0x3a) {
          if (buffer === "" || override === HOSTNAME) return null;
          const host = parseHost(buffer, !special);
          if (host === null) return null;
          url.host = host;
          state = PORT;
          p = i;
          break;
        }
        if (special && buffer === "") return null;
        if (override !== 0 && buffer === "" && (url.username !== "" || url.password !== "" || url.port !== null)) return null;
        const host = parseHost(buffer, !special);
        if (host === null) return null;
        url.host = host;
        if (override !== 0) return url;
        state = PATH_START;
        p = i - 1;
        break;
      }

      case PORT: {
        let i = p;
        while (i < length && input.charCodeAt(i) >= 0x30 && input.charCodeAt(i) <= 0x39) i++;
        const ch = i < length ? input.charCodeAt(i) : EOF;
        if (!(ch === EOF || ch === 0x2f || ch === 0x3f || ch === 0x23 || (special && ch === 0x5c) || override !== 0)) return null;
        if (i > p) {
          let port = 0;
          for (let j = p; j < i; j++) {
            port = port * 10 + input.charCodeAt(j) - 0x30;
            if (port > 0xffff) return null;
          }
          url.port = port === defaultPort(url.scheme) ? null : port;
          if (override !== 0) return url;
        }
        if (override !== 0) return null;
        state = PATH_START;
        p = i - 1;
        break;
      }

      case FILE:
        url.scheme = "file";
        special = true;
        url.host = "";
        if (c === 0x2f || c === 0x5c) {
          state = FILE_SLASH;
        } else if (base !== null && base.scheme === "file") {
          url.host = base.host;
          url.path = base.path;
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== EOF) {
            url.query = null;
            if (!startsWithWindowsDriveLetter(input, p)) shortenPath(url);
            else url.path = "";
            state = PATH;
            p--;
          }
        } else {
          state = PATH;
          p--;
        }
        break;

      case FILE_SLASH:
        if (c === 0x2f || c === 0x5c) {
          state = FILE_HOST;
          break;
        }
        if (base !== null && base.scheme === "file") {
          url.host = base.host;
          if (!startsWithWindowsDriveLetter(input, p) && startsWithDriveSegment(base.path)) url.path += base.path.slice(0, 3);
        }
        state = PATH;
        p--;
        break;

      case FILE_HOST: {
        let i = p;
        for (; i < length; i++) {
          const ch = input.charCodeAt(i);
          if (ch === 0x2f || ch === 0x5c || ch === 0x3f || ch === 0x23) break;
        }
        const buffer = input.slice(p, i);
        if (override === 0 && isWindowsDriveLetter(buffer, false)) {
          // Not a host but the path's first segment: the path state reads it again.
          state = PATH;
          p--;
          break;
        }
        let host = "";
        if (buffer !== "") {
          const parsed = parseHost(buffer, !special);
          if (parsed === null) return null;
          if (parsed !== "localhost") host = parsed;
        }
        url.host = host;
        if (override !== 0) return url;
        state = PATH_START;
        p = i - 1;
        break;
      }

      case PATH_START:
        if (special) {
          state = PATH;
          if (c !== 0x2f && c !== 0x5c) p--;
        } else if (override === 0 && c === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (override === 0 && c === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        } else if (c !== EOF) {
          state = PATH;
          if (c !== 0x2f) p--;
        } else if (override !== 0 && url.host === null) {
          url.path += "/";
        }
        break;

      case PATH: {
        // One segment per run: up to "/" ("\" if special), or "?"/"#" unless overridden.
        let i = p;
        for (; i < length; i++) {
          const ch = input.charCodeAt(i);
          if (ch === 0x2f || (special && ch === 0x5c) || (override === 0 && (ch === 0x3f || ch === 0x23))) break;
        }
        const ch = i < length ? input.charCodeAt(i) : EOF;
        const atSlash = ch === 0x2f || (special && ch === 0x5c);
        let segment = percentEncode(input.slice(p, i), PATH_SET);
        const dots = dotSegment(segment);
        if (dots === 2) {
          shortenPath(url);
          if (!atSlash) url.path += "/";
        } else if (dots === 1) {
          if (!atSlash) url.path += "/";
        } else {
          if (url.scheme === "file" && url.path === "" && isWindowsDriveLetter(segment, false)) {
            segment = segment.charAt(0) + ":";
          }
          url.path += "/" + segment;
        }
        if (ch === 0x3f) {
          url.query = "";
          state = QUERY;
        } else if (ch === 0x23) {
          url.fragment = "";
          state = FRAGMENT;
        }
        p = i;
        break;
      }

      case OPAQUE_PATH: {
        let i = p;
        for (; i < length; i++) {
          const ch = input.charCodeAt(i);
          if (ch === 0x3f || ch === 0x23) break;
        }
        // A space just before "?" or "#" is encoded, so that removing the
        // query or fragment later cannot leave a trailing space.
        if (i < length && i > p && input.charCodeAt(i - 1) === 0x20) {
          url.path += percentEncode(input.slice(p, i - 1), C0_CONTROL_SET) + "%20";
        } else {
          url.path += percentEncode(input.slice(p, i), C0_CONTROL_SET);
        }
        if (i < length) {
          if (input.charCodeAt(i) === 0x3f) {
            url.query = "";
            state = QUERY;
          } else {
            url.fragment = "";
            state = FRAGMENT;
          }
        }
        p = i;
        break;
      }

      case QUERY: {
        let i = override === 0 ? input.indexOf("#", p) : -1;
        if (i === -1) i = length;
        url.query += percentEncode(input.slice(p, i), special ? SPECIAL_QUERY_SET : QUERY_SET);
        if (i < length) {
          url.fragment = "";
          state = FRAGMENT;
        }
        p = i;
        break;
      }

      case FRAGMENT:
        url.fragment += percentEncode(input.slice(p), FRAGMENT_SET);
        p = length;
        break;
    }
    if (p >= length) break;
    p++;
  }
  return url;
}

// The fast paths match a whole URL with one regular expression: the
// engine runs it as compiled code, where a loop over the characters would
// be interpreted, character by character. Path segments may not start with
// "." or "%" (a dot segment, maybe) and hold no code point of the path
// percent-encode set, nor "\"; the query and fragment hold none of their
// percent-encode sets.
const PATH_RUN = /((?:\/(?![.%])[-!$%&'()*+,.0-9:;=@A-Z[\]_a-z|~]*)*)/;
const QUERY_AND_FRAGMENT = /(?:\?([-!$%&()*+,./0-9:;=?@A-Z[\\\]^_`a-z{|}~]*))?(?:#([-!#$%&'()*+,./0-9:;=?@A-Z[\\\]^_a-z{|}~]*))?$/;
// Four decimal numbers 0-255 without leading zeros: an IPv4 address as it serializes.
const DOTTED_DECIMAL = /((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))/;
// A special scheme but file, "//", a dotted-decimal address or a lowercase ASCII domain, a port.
const FAST_ABSOLUTE = new RegExp(/^(https?|wss?|ftp):\/\//.source + "(?:" + DOTTED_DECIMAL.source + "|([-.0-9_a-z]+))" +
  /(?::([0-9]*))?/.source + PATH_RUN.source + QUERY_AND_FRAGMENT.source);
// A path-absolute URL ("/…" but not "//…").
const FAST_PATH_ABSOLUTE = new RegExp(/^(?!\/\/)/.source + PATH_RUN.source + QUERY_AND_FRAGMENT.source);

/**
 * Parse, in one step, an absolute http, https, ws, wss or ftp URL that
 * needs no rewriting beyond what is done here, or a path-absolute URL
 * against such a base: see the expressions above. Returns null for any
 * other input, which the state machine then parses; the result is what the
 * state machine would give (the tests check that).
 */
export function parseFast(input: string, base: UrlRecord | null): UrlRecord | null {
  if (input.charCodeAt(0) === 0x2f) return base === null ? null : parseFastPathAbsolute(input, base);
  const match = FAST_ABSOLUTE.exec(input);
  if (match === null) return null;
  const url = new UrlRecord();
  const scheme = match[1];
  const port = match[4];
  const path = match[5];
  // The href is the input itself unless the host, port or path is rewritten.
  let unchanged = path !== "";
  let host = match[2];
  if (host === undefined) {
    // A domain, unless its last label is a number: then an IPv4 address in another form.
    host = match[3];
    if (mayEndInANumber(host) && endsInANumber(host)) {
      const address = parseIPv4(host);
      if (address === null) return null;
      host = serializeIPv4(address);
      unchanged = false;
    }
  }
  if (port !== undefined) {
    const value = port === "" ? -1 : +port;
    if (value > 0xffff) return null;
    if (value !== -1 && value !== defaultPort(scheme)) url.port = value;
    if (url.port === null || port.charCodeAt(0) === 0x30) unchanged = false;
  }
  url.scheme = scheme;
  url.host = host;
  url.path = path === "" ? "/" : path;
  if (match[6] !== undefined) url.query = match[6];
  if (match[7] !== undefined) url.fragment = match[7];
  if (unchanged) url.href = input;
  return url;
}

function parseFastPathAbsolute(input: string, base: UrlRecord): UrlRecord | null {
  if (defaultPort(base.scheme) === null) return null; // not special, or file

  const match = FAST_PATH_ABSOLUTE.exec(input);
  if (match === null) return null;
  const url = new UrlRecord();
  url.scheme = base.scheme;
  copyAuthority(url, base);
  url.path = match[1];
  if (match[2] !== undefined) url.query = match[2];
  if (match[3] !== undefined) url.fragment = match[3];
  return url;
}

// Only a last label ending in a digit, "a"-"f" or "x" can be a number.
function mayEndInANumber(host: string): boolean {
  let last = host.charCodeAt(host.length - 1);
  if (last === 0x2e) last = host.charCodeAt(host.length - 2);
  return (last >= 0x30 && last <= 0x39) || (last >= 0x61 && last <= 0x66) || last === 0x78;
}
