/**
 * The parser's fast path must give exactly what the state machine gives,
 * and must actually take the common URLs it is there for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { UrlRecord, basicParse, parseFast, serializeUrl } from "../../../lib/url/parser.ts";
import { toUSVString } from "../../../lib/url/percent-encoding.ts";
import { BASES, HOSTS, PATHS, PORTS, QUERIES, FRAGMENTS, absoluteCases, relativeCases } from "./corpus.ts";

function fields(url: UrlRecord) {
  const { scheme, username, password, host, port, path, query, fragment } = url;
  return { scheme, username, password, host, port, path, query, fragment };
}

// Compare the fast path with the state machine on one input; true if the fast path took it.
function agree(input: string, base: string | null): boolean {
  const baseRecord = base === null ? null : basicParse(base, null);
  const fast = parseFast(input, baseRecord);
  if (fast === null) return false;
  const slow = basicParse(toUSVString(input), baseRecord);
  assert.ok(slow !== null, `fast path accepted what the parser refuses: ${JSON.stringify(input)}`);
  assert.deepEqual(fields(fast), fields(slow), JSON.stringify(input));
  assert.equal(fast.href ?? serializeUrl(fast), serializeUrl(slow), JSON.stringify(input));
  return true;
}

const COMMON = [
  "http://10.0.2.15/?name=x", "http://10.0.2.15/", "https://example.com", "https://api.example.com:8443/v1/users/12345?x=1#top",
  "http://localhost:8080/items?id=42&sort=asc", "ws://h/socket", "wss://h:443/s", "ftp://files.example.org/pub/a.tar.gz",
  "http://h/a/b/c.html#section-2", "http://h:80/", "http://h?x", "http://h#f", "http://127.1/", "http://0x7f.0.0.1/",
  "https://h/search?q=a+b&lang=en", "http://h/a;b=c/d,e", "http://h/~user/file", "http://h//double",
];

test("the fast path takes the common URLs and agrees with the state machine on them", () => {
  for (const input of COMMON) assert.ok(agree(input, null), `not taken: ${input}`);
  assert.ok(agree("/api/v1/items?id=42", "http://10.0.2.15/"));
  assert.ok(agree("/", "https://example.com/a/b"));
});

test("the fast path gives up on what needs rewriting", () => {
  for (const input of [
    "HTTP://h/", "http://H/", "http://h/a/../b", "http://h/./b", "http://h/%2e/b", "http://h/a b", "http://h/a\\b",
    "http://h/é", "http://u@h/", "http://[::1]/", "http://h/?a b", "http://h/#a b", " http://h/", "http://h/\t",
    "http://h:99999/", "http://1.2.3.4.5/", "file:///x", "sc://h/", "http:h", "http:/h", "http://h/?'",
  ]) {
    assert.equal(parseFast(input, null), null, input);
  }
  assert.equal(parseFast("//h/x", basicParse("http://a/", null)), null);
  assert.equal(parseFast("/x", basicParse("sc://a/", null)), null);
  assert.equal(parseFast("/x", basicParse("file:///a", null)), null);
});

test("the fast path agrees with the state machine on the whole corpus and on http URLs built from every component", (t) => {
  let taken = 0;
  let total = 0;
  for (const c of [...absoluteCases(20000, 3), ...relativeCases(5000, 4)]) {
    total++;
    if (agree(c.input, c.base ?? null)) taken++;
  }
  for (const scheme of ["http", "https", "ws", "ftp"]) {
    for (const host of HOSTS) {
      for (const port of PORTS) {
        for (const path of PATHS) {
          const input = `${scheme}://${host}${port}${path}${QUERIES[path.length % QUERIES.length]}${FRAGMENTS[host.length % FRAGMENTS.length]}`;
          total++;
          if (agree(input, null)) taken++;
        }
      }
    }
  }
  for (const base of BASES) {
    for (const path of PATHS) {
      for (const query of QUERIES) {
        total++;
        if (agree(path + query, base)) taken++;
      }
    }
  }
  t.diagnostic(`the fast path took ${taken} of ${total} inputs`);
  assert.ok(taken > 1000, `the fast path took only ${taken} of ${total}`);
});
