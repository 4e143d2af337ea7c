/**
 * A generated corpus of URL inputs for the differential tests, and the
 * means to compare our URL with Node's (which follows the URL Standard
 * through ada 2.9): snapshots of every component, and the one rule that
 * excludes inputs, for hosts that need UTS #46 beyond what lib/url does.
 */
import { createRequire } from "node:module";
import { domainToASCII as nodeDomainToASCII } from "node:url";
import { URL as OurURL } from "../../../lib/url/url.ts";

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

/** A small seeded generator (mulberry32), so a failure can be reproduced. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

export const SPECIAL_SCHEMES = ["http", "https", "ws", "wss", "ftp", "file"];

export const SCHEMES = [
  "http", "https", "HTTP", "hTTps", "ws", "wss", "ftp", "file", "FILE", "sc", "foo+bar", "a.b-c", "mailto", "blob",
  "javascript", "data", "urn", "x1", "web+demo",
];

export const AFTER_SCHEME = ["//", "//", "//", "/", "", "\\\\", "///", "/\\", "\\/", "////"];

export const USERINFOS = [
  "", "", "", "", "user@", "user:pass@", ":pass@", "u:p:q@", "@", "a@b@", "us%20er@", "ü:ö@", "u ser:p w@", "user:@",
  "a\"b`c{}:x|y@", "%zz@",
];

/** Hosts: domains, IPv4 in every number form, IPv6, Unicode, percent-encoded, invalid. */
export const HOSTS = [
  // domains
  "example.com", "EXAMPLE.COM", "a.b", "xn--nxasmq6b.com", "localhost", "LOCALHOST", "sub.example.com.", "a..b",
  "foo_bar", "-x-", "exa%41mple.com", "%2e", "a%2eb", "ex ample", "exa#mple", "ex%00ample", "ex%zz", "ex%ff",
  "%C3%A9.com", "%e2%98%95.example", "a!b$c&d'e(f)g*h+i,j;k=l", "a~b", "a%b", "x%", "h\u0000", "h\u007f", "a<b",
  "xn--bcher-kva.example", "XN--BCHER-KVA.example", "ex%2Fample", "%20", "a\\b", "ab^c", "a|b", "a`b", "a{b}",
  // IPv4 forms
  "127.0.0.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "0x7f000001", "127.1", "127.0.1", "1.2.3.4.", "1.2.3.4.5",
  "256.0.0.1", "1.2.3.256", "1.2.3.4294967295", "1.16777216", "1.65536.1", "0x", "0x.0x", "09", "08.1", "1.2.3.09",
  "4294967296", "0xffffffff", "0x100000000", "1..2", ".1.2.3", "0.0.0.0", "00", "0x0x", "1.2.3.0x", "example.0x",
  "example.123", "123.example", "0XfF.0", "1.2.0x", "0..0x300", "10.0.2.15", "192.168.0.1.", "1.2.3.4..",
  "999999999999999999999", "0x7f.0.0.0x1", "%31%32%37.0.0.1", "1.2.3.%34", "0x1.0x2.0x3.0x4", "4.3.2.1e",
  // IPv6
  "[::1]", "[0:0::1]", "[1:2:3:4:5:6:7:8]", "[1::]", "[::]", "[1:0:0:2::3]", "[0:0:1:0:0:0:0:0]", "[::ffff:192.168.0.1]",
  "[::127.0.0.1]", "[1:2:3:4:5:6:1.2.3.4]", "[1:2:3:4:5:6:7:1.2.3.4]", "[::1.2.3]", "[::1.2.3.4.5]", "[::01.2.3.4]",
  "[::256.2.3.4]", "[:1]", "[1:::1]", "[1::1::1]", "[1:2:3:4:5:6:7:8:9]", "[1:2:3]", "[12345::]", "[0001::]",
  "[ABCD::EF]", "[::1", "[::1]x", "[g::]", "[::1%25eth0]", "[1:2:3:4:5:6:7::]", "[::%31]", "[]", "[1:0::0:1]",
  "[0:0:0:0:0:0:0:0]", "[1:0:0:0:1:0:0:0]", "[::1.2..3]", "[::.1.2.3]", "[::1:]", "[fe80::1%25]", "[0::0:0]",
  "[1:2:3:4:5:6:7]", "[1:2:3:4:5:6::8]", "[::2:3:4:5:6:7:8]", "[ffff::ffff:1.2.3.4]",
  // Unicode
  "é.com", "ÉXAMPLE.com", "faß.de", "☕.example", "日本語.jp", "пример.рф", "ΑΒΓ.gr", "例え.テスト", "a\u0301.com",
  "ＡＢＣ.com", "①.②.③.④", "é.xn--zz", "é.xn--caf-dma", "\u0301x.com", "a\u3002b", "İ.com", "ß.com", "ẞ.com",
  "\u202eevil.com", "😀.com", "\ufffd.com", "a\u200db.com", "مثال.إختبار", "ü.ÜBER.de", "café", "Ⅻ.com", "ﬁ.com",
  "é\u00ad.com", "a\uff0eb", "é.1", "é.0x1", "xn--é.com", "ΣΑΣ.gr", "Ꭰ.com", "ê.com", "e\u0302.com", "ab\u0301c.com",
  // empty
  "",
];

export const PORTS = [
  "", "", "", "", "", ":", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":0080", ":99999999999", ":8a", ":-1",
  ": 80", ":21", ":000000000000000000000443", ":1e3",
];

export const PATHS = [
  "", "/", "/a/b/c", "/a/./b", "/a/../b", "/../a", "/a/%2e/b", "/a/%2E%2e/b", "/a/.%2e/b", "/%2e%2e/", "/a/..", "/a/.",
  "//a//b", "/a b", "/a\"b<c>d`e{f}g^h", "/é/ü", "/%41%zz%", "\\a\\b", "/a\\..\\b", "/C:/x", "/C|/x", "/C|", "/c:",
  "/./C:", "/a%2fb", "/\u0000x", "/..\\..", "/ /", "/a/b/../../..", "/.//x", "/foo/.../bar", "/😀", "/\ud83d", "/a?",
  "/index.html", "/api/v1/items", "/a/b/", "/%2E", "/.%2E.", "/C:/../..", "/c|/x/../../y", "/a;b=c", "/~user",
  "/a|b", "/[x]", "/\u007f", "/ab%2", "/..", "/.", "/./", "/a ", " ", " x ",
];

export const QUERIES = [
  "", "", "?", "?a=1&b=2", "?a b", "?'\"<>", "?é", "?a=%zz", "?`{}", "??x", "?%00", "?\u007f", "?name=x", "?a=1&a=2",
  "?q=a+b&r=%20", "?\ud800x", "?a\\b", "?x=1#", "?[]|^",
];

export const FRAGMENTS = ["", "", "#", "#frag", "#a b", "#<>\"`", "#é", "#%zz", "##", "#?x", "#\u0000", "#'{}"];

/** Relative references, resolved against BASES. */
export const RELATIVES = [
  "", "a", "./a", "../a", "../../a", "/a", "//h/p", "///p", "?q", "#f", "a?b#c", "\\a", "\\\\h\\p", "..", ".", "C:/x",
  "C|/x", "/C:", "//C:/x", "file:x", "http:x", "http:/x", "HTTP://x/", "sc:x", "\\\\?\\x", " a ", "a\tb", "%2e%2e/x",
  "a:b", "1:2", "javascript:alert(1)", "//", "/", "#", "?", "..\\x", "./.", "d:", "/d:/..", "//host:80/x", "//user@h",
  "//[::1]:8/x", "//é.com", "//%41.com", "/../../x", "../C:/x", "?a=b c", "#x y", "x/../../..", "/%2e/x", "file:/x",
  "file://h/x", "file:///C|/x", "file:C:/x", "FILE:..", "sc:/x", "sc://h/x", "https:x", "wss:", "ftp://h", "a b",
  "//h\\x", "\\\\", "/\\", "x#", "x?", "😀", "./C:/x", "C|", "C|\\", "c:a", "/C|/..", "..//x", "http:", "http:?x",
];

export const BASES = [
  "http://user:pass@example.com:8080/dir/file?q#f", "https://example.com/", "http://example.com/a/b/c/d",
  "file:///C:/dir/file", "file:///dir/file", "file://host/share/file", "sc://host/a/b", "sc:/a/b", "sc:opaque",
  "mailto:x@y", "about:blank", "data:text/plain,hi", "http://[::1]/", "ws://h/", "file:///C:/", "sc://h", "sc:",
  "blob:https://a/b", "file:///", "http://h/a?x", "sc:/", "file://localhost/x", "http://10.0.2.15/",
];

export interface UrlSnapshot {
  href: string;
  origin: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  hostname: string;
  port: string;
  pathname: string;
  search: string;
  hash: string;
}

/** Every component of a URL, as a plain object to compare. */
export function snapshot(url: UrlSnapshot): UrlSnapshot {
  return {
    href: url.href, origin: url.origin, protocol: url.protocol, username: url.username, password: url.password,
    host: url.host, hostname: url.hostname, port: url.port, pathname: url.pathname, search: url.search, hash: url.hash,
  };
}

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

/** One generated absolute URL, with the raw host it was built from and whether its scheme is special. */
export interface Case {
  input: string;
  base?: string;
  host: string | null;
  special: boolean;
}

function insertNoise(rand: () => number, text: string): string {
  const r = rand();
  if (r < 0.04) return "  " + text + " \u0000";
  if (r < 0.08) return "\u001f" + text + "\t";
  if (r < 0.14) {
    const at = Math.floor(rand() * (text.length + 1));
    return text.slice(0, at) + pick(rand, ["\t", "\n", "\r", "\r\n"]) + text.slice(at);
  }
  return text;
}

/** `count` absolute URLs from random components. */
export function absoluteCases(count: number, seed = 1): Case[] {
  const rand = random(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const scheme = pick(rand, SCHEMES);
    const host = pick(rand, HOSTS);
    const input = scheme + ":" + pick(rand, AFTER_SCHEME) + pick(rand, USERINFOS) + host + pick(rand, PORTS) +
      pick(rand, PATHS) + pick(rand, QUERIES) + pick(rand, FRAGMENTS);
    cases.push({ input: insertNoise(rand, input), host, special: SPECIAL_SCHEMES.includes(scheme.toLowerCase()) });
  }
  return cases;
}

/** Every host with every scheme kind, with and without a port and path: the exhaustive part. */
export function hostCases(): Case[] {
  const cases: Case[] = [];
  for (const host of HOSTS) {
    for (const scheme of ["http", "file", "sc"]) {
      for (const tail of ["", "/", ":8080/p?q#f"]) {
        cases.push({ input: `${scheme}://${host}${tail}`, host, special: scheme !== "sc" });
      }
    }
  }
  return cases;
}

const SCHEME_PREFIX = /^[\s\u0000-\u001f]*([a-zA-Z][a-zA-Z0-9+.\-\t\n\r]*):/;

/** Relative references (and some absolute ones) against every base. */
export function relativeCases(count: number, seed = 2): Case[] {
  const rand = random(seed);
  const cases: Case[] = [];
  const add = (input: string, base: string, host: string | null) => {
    const scheme = SCHEME_PREFIX.exec(input)?.[1].replace(/[\t\n\r]/g, "") ?? base.slice(0, base.indexOf(":"));
    cases.push({ input, base, host, special: SPECIAL_SCHEMES.includes(scheme.toLowerCase()) });
  };
  for (const base of BASES) for (const input of RELATIVES) add(input, base, null);
  for (let i = 0; i < count; i++) {
    const base = pick(rand, BASES);
    const host = pick(rand, HOSTS);
    const shapes = [
      () => pick(rand, RELATIVES) + pick(rand, PATHS) + pick(rand, QUERIES) + pick(rand, FRAGMENTS),
      () => pick(rand, PATHS) + pick(rand, QUERIES) + pick(rand, FRAGMENTS),
      () => "//" + pick(rand, USERINFOS) + host + pick(rand, PORTS) + pick(rand, PATHS),
      () => pick(rand, ["", ".", "..", "x"]) + pick(rand, QUERIES) + pick(rand, FRAGMENTS),
    ];
    const shape = Math.floor(rand() * shapes.length);
    add(insertNoise(rand, shapes[shape]()), base, shape === 2 ? host : null);
  }
  return cases;
}

// The characters UTS #46 maps to "." besides "." itself.
const OTHER_DOTS = /[\u3002\uff0e\uff61]/g;
const FORBIDDEN_DOMAIN = /[\u0000-\u0020#%/:<>?@[\\\]^|\u007f]/;

/**
 * What lib/url's documented approximation of UTS #46 gives for a domain
 * (lowercase, NFC, Punycode, U+FFFD and leading combining marks rejected),
 * computed independently with node:punycode; null for failure.
 */
export function approximateToASCII(domain: string): string | null {
  const labels = domain.replace(OTHER_DOTS, ".").toLowerCase().normalize("NFC").split(".");
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


/** URLs whose setters are tried, each with every value below. */
export const SETTER_BASES = [
  "http://user:pass@example.com:8080/dir/file?q=1#frag", "https://example.com/", "file:///C:/dir/file",
  "file://host/share/file", "file:///", "sc://host/a/b?x#y", "sc:/a/b", "sc:opaque?x#y", "mailto:x@y", "sc://", "sc://h",
  "ws://h:81/", "blob:https://a/b", "http://[::1]:99/", "sc://u:p@h:7/", "data:text/plain,hi", "sc:", "http://10.0.2.15/?name=x",
  "sc:a%20?x#y",
];

export const SETTER_VALUES: Record<string, string[]> = {
  href: ["http://other/", "sc:x", "relative", "", "file:///x", "https://a b/", "HTTP://EX.com:80/a/../b", " http://t/\t "],
  protocol: [
    "http", "https:", "HTTP", "file", "sc", "ftp", "ws:", "1x", "", "a b", "http:foo", "mailto", "javascript", "s\tc", "wss",
    "blob", "h-t.t+p", "http:/x", "é", "sc:", " sc",
  ],
  username: ["user", "", "us er", "ü", "a:b@c", "%41", "a/b?c#d", "\ud800"],
  password: ["pass", "", "p w", "ü", "a:b@c", "%zz", "\u0000"],
  host: [
    "example.com", "example.com:8080", "EXAMPLE.com:", "", "[::1]:99", "a b", "h:0x", "h/path", "h?q", "h#f", "é.com", ":80",
    "1.2.3.4:", "localhost", "h\\x", "h:65536", "h:80", "0x7f.1:21", "[::1", "h:8080x", "u@h", "h:", "xn--zz", "%41", "h\t:99",
  ],
  hostname: ["example.com", "h:80", "[::1]", "", "x@y", "é", "0x7f.1", "h/p", "h?q", "localhost", "a b", "LOCALHOST", "h\\x"],
  port: ["8080", "", "80", "443", "0", "65535", "65536", "8a", "a8", " 80", "80/x", "-1", "0080", "2\t3", "99999999", "21", "8080?x", "\u00001"],
  pathname: ["/a/b", "a", "", "/../x", "%2e", "a b", "\\x", "?x", "#x", "/C|", "//x", "/a/./b/../c", "é", "/x^y", "C:", "..", "/.."],
  search: ["a=b", "?a=b", "", "?", "#x", "a b", "é", "??", "a=b&c", "\ud800", "'\"<>"],
  hash: ["x", "#x", "", "#", "a b", "é", "##", "<>`\"", "\u0000"],
};

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
