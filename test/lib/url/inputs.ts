/**
 * The inputs of the URL tests, generated from lists of URL components with
 * a seeded generator. Plain TypeScript with no Node modules, so that a
 * Toro guest can generate the same inputs (guest/scenario.ts).
 */

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
