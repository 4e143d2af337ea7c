/**
 * The oracle side of the differential tests: Node's URL (which follows the
 * URL Standard through ada 2.9) and ours as snapshots of every component,
 * the one rule that excludes inputs (hosts that need UTS #46 beyond what
 * lib/url does), and Node 20's known deviations from the standard.
 * The inputs themselves are in inputs.ts.
 */
import { createRequire } from "node:module";
import { domainToASCII as nodeDomainToASCII } from "node:url";
import { URL as OurURL } from "../../../lib/url/url.ts";
import { SPECIAL_SCHEMES, snapshot, type Case, type UrlSnapshot } from "./inputs.ts";

export * from "./inputs.ts";

// node:punycode is deprecated for applications, but it is an independent
// Punycode implementation to check against, which is what a test wants.
process.noDeprecation = true;
const punycode = createRequire(import.meta.url)("punycode") as {
  toASCII(domain: string): string;
  decode(label: string): string;
  encode(label: string): string;
  ucs2: { decode(text: string): number[] };
};
export { punycode };

type UrlClass = new (url: string, base?: string) => UrlSnapshot;

/** The snapshot of `new Class(input, base)`, or "TypeError" if it throws one. */
export function parseWith(Class: UrlClass, input: string, base?: string): UrlSnapshot | "TypeError" {
  try {
    return snapshot(base === undefined ? new Class(input) : new Class(input, base));
  } catch (e) {
    if (e instanceof TypeError) return "TypeError";
    throw e;
  }
}

export const ours = (input: string, base?: string) => parseWith(OurURL as unknown as UrlClass, input, base);
export const nodes = (input: string, base?: string) => parseWith(URL as unknown as UrlClass, input, base);

// The characters UTS #46 maps to "." besides "." itself.
const OTHER_DOTS = /[\u3002\uff0e\uff61]/g;
const FORBIDDEN_DOMAIN = /[\u0000-\u0020#%/:<>?@[\\\]^|\u007f]/;

/**
 * What lib/url's documented approximation of UTS #46 gives for a domain
 * (lowercase with no final sigma, NFC, Punycode, U+FFFD and leading
 * combining marks rejected),
 * computed independently with node:punycode; null for failure.
 */
export function approximateToASCII(domain: string): string | null {
  const labels = domain.replace(OTHER_DOTS, ".").replace(/\u03a3/g, "\u03c3").toLowerCase().normalize("NFC").split(".");
  for (const label of labels) {
    if (label.includes("\ufffd") || /^\p{M}/u.test(label)) return null;
    if (/^xn--/.test(label)) {
      if (/[^\u0000-\u007f]/.test(label)) return null;
      let decoded: string;
      try {
        decoded = punycode.decode(label.slice(4));
      } catch {
        return null;
      }
      if (!/[^\u0000-\u007f]/.test(decoded) || decoded !== decoded.toLowerCase().normalize("NFC") ||
        decoded.includes("\ufffd") || /^\p{M}/u.test(decoded)) return null;
    }
  }
  const result = punycode.toASCII(labels.join("."));
  return result === "" || FORBIDDEN_DOMAIN.test(result) ? null : result;
}

function percentDecodeUTF8(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return null;
  }
}

/**
 * Whether a special URL's host (raw, as in the input) needs UTS #46 beyond
 * lowercasing and NFC: its percent-decoded form is not ASCII and Node's
 * domainToASCII (full UTS #46) disagrees with the approximation. The
 * differential tests exclude such inputs and count them.
 */
export function needsFullUTS46(rawHost: string | null, special: boolean): boolean {
  if (rawHost === null || !special || rawHost.startsWith("[")) return false;
  const domain = percentDecodeUTF8(rawHost.replace(/[\t\n\r]/g, ""));
  if (domain === null || !/[^\u0000-\u007f]/.test(domain)) return false;
  const full = nodeDomainToASCII(domain) || null;
  return full !== approximateToASCII(domain);
}

/**
 * Whether an ASCII host has an "xn--" label: there the URL Standard (since
 * 2025) lowercases it whatever UTS #46 thinks of the Punycode, while Node
 * 20's ada 2.9 still fails on invalid Punycode. Such inputs are compared
 * with the standard's rule instead of with Node.
 */
export function hasASCIIPunycodeLabel(rawHost: string | null, special: boolean): boolean {
  if (rawHost === null || !special) return false;
  const domain = percentDecodeUTF8(rawHost.replace(/[\t\n\r]/g, ""));
  return domain !== null && !/[^\u0000-\u007f]/.test(domain) && /(^|\.)xn--/i.test(domain);
}

/**
 * Node 20's URL is ada 2.9, which predates some changes to the URL
 * Standard and has a few bugs of its own; lib/url follows the standard
 * (as of its 2026-08 review draft; whatwg-url 16, the reference
 * implementation, agrees with lib/url on the whole corpus but for the
 * ASCII "xn--" change). Each known difference is recognised from the input
 * and Node's result alone (never from ours), and Node's result corrected to
 * what the standard says, or, where that cannot be derived, the input is
 * skipped. The names are what the tests count and report.
 */
export type Deviation =
  | "path-caret" // the path percent-encode set has "^" since 2024; ada leaves it
  | "opaque-path-space" // a space before "?" or "#" in an opaque path is "%20" since 2025
  | "dot-dot-empties-path" // a final ".." leaves the path « "" » ("/"); ada leaves it empty in non-special URLs
  | "opaque-base" // a relative reference against an opaque-path base fails unless it is a fragment; ada takes some
  | "file-drive-like-segment" // ada will not pop a first file path segment such as "u:p" (not a drive letter)
  | "dot-segment-left" // ada leaves a dot segment in some file paths ("////.1/../a")
  | "ascii-punycode"; // an ASCII "xn--" label is lowercased whatever it decodes to (2026); ada fails

export interface Expectation {
  /** Node's result, corrected; null when the input is skipped. */
  expected: UrlSnapshot | "TypeError" | null;
  deviations: Deviation[];
}

const SPECIAL_PROTOCOLS = ["http:", "https:", "ws:", "wss:", "ftp:", "file:"];
const HAS_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.\-]*:/;

// Where a serialized URL's query or fragment starts (or its length).
function tailStart(href: string): number {
  const at = href.search(/[?#]/);
  return at === -1 ? href.length : at;
}

function hasOpaquePath(url: UrlSnapshot): boolean {
  return url.host === "" && !url.href.startsWith(url.protocol + "//") && !url.pathname.startsWith("/");
}

/** What the standard says `new URL(input, base)` gives, from Node's answer and the deviations above. */
export function expectation(c: Case): Expectation {
  const deviations: Deviation[] = [];
  const node = nodes(c.input, c.base);
  const clean = c.input.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  if (c.base !== undefined && !HAS_SCHEME.test(clean) && !clean.startsWith("#")) {
    const base = nodes(c.base);
    if (base !== "TypeError" && hasOpaquePath(base)) {
      if (node !== "TypeError") deviations.push("opaque-base");
      return { expected: "TypeError", deviations };
    }
  }
  if (node === "TypeError") {
    if (hasASCIIPunycodeLabel(c.host, c.special)) return { expected: null, deviations: ["ascii-punycode"] };
    return { expected: node, deviations };
  }
  const url = { ...node };
  const opaque = hasOpaquePath(url);
  if (!opaque && url.pathname.includes("^")) {
    const tail = tailStart(url.href);
    url.href = url.href.slice(0, tail).replace(/\^/g, "%5E") + url.href.slice(tail);
    url.pathname = url.pathname.replace(/\^/g, "%5E");
    deviations.push("path-caret");
  }
  if (opaque && url.pathname.endsWith(" ") && /[?#]/.test(url.href.charAt(url.protocol.length + url.pathname.length))) {
    const at = url.protocol.length + url.pathname.length - 1;
    url.href = url.href.slice(0, at) + "%20" + url.href.slice(at + 1);
    url.pathname = url.pathname.slice(0, -1) + "%20";
    deviations.push("opaque-path-space");
  }
  if (!SPECIAL_PROTOCOLS.includes(url.protocol) && url.pathname === "" &&
    /(^|\/)(\.|%2e){2}$/i.test(clean.slice(0, tailStart(clean)))) {
    const tail = tailStart(url.href);
    url.href = url.href.slice(0, tail) + "/" + url.href.slice(tail);
    url.pathname = "/";
    deviations.push("dot-dot-empties-path");
  }
  if (url.protocol === "file:" && /^\/[a-zA-Z][:|][^/]/.test(url.pathname) && /(^|[\/\\])(\.|%2e){2}([\/\\?#]|$)/i.test(clean)) {
    return { expected: null, deviations: [...deviations, "file-drive-like-segment"] };
  }
  if (SPECIAL_PROTOCOLS.includes(url.protocol) && /\/(\.|%2e){1,2}(\/|$)/i.test(url.pathname)) {
    return { expected: null, deviations: [...deviations, "dot-segment-left"] };
  }
  return { expected: url, deviations };
}


export interface SetterResult {
  threw: string | null;
  url: UrlSnapshot;
}

/** Parse `base`, set `attribute` to `value`, and take a snapshot (and the name of any error thrown). */
export function setWith(Class: UrlClass, base: string, attribute: string, value: string): SetterResult {
  const url = new Class(base) as unknown as Record<string, string>;
  let threw: string | null = null;
  try {
    url[attribute] = value;
  } catch (e) {
    threw = (e as Error).name;
  }
  return { threw, url: snapshot(url as unknown as UrlSnapshot) };
}

export const oursSet = (base: string, attribute: string, value: string) =>
  setWith(OurURL as unknown as UrlClass, base, attribute, value);
export const nodesSet = (base: string, attribute: string, value: string) =>
  setWith(URL as unknown as UrlClass, base, attribute, value);
