// createStaticHandler over Node's own node:fs/promises and a temporary directory,
// with the project's Request and Response: what each kind of request gets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as nodeFs from "node:fs/promises";
import { mkdtemp, mkdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Request } from "../../../lib/http/request.ts";
import { Response } from "../../../lib/http/response.ts";
import { createStaticHandler, type StaticFileSystem, type StaticOptions } from "../../../lib/http/static-files.ts";
import { resolveStaticPath } from "../../../lib/http/static-path.ts";

let base: string, root: string;
const MTIME = new Date("2026-03-01T12:34:56.789Z");
const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

before(async () => {
  base = await mkdtemp(join(tmpdir(), "toro-static-"));
  root = join(base, "www");
  await mkdir(join(root, "docs"), { recursive: true });
  await mkdir(join(root, "empty-dir"));
  await mkdir(join(root, "evil.com"));
  await mkdir(join(root, ".git"));
  await writeFile(join(base, "secret.txt"), "SECRET outside the root\n");
  await writeFile(join(root, "index.html"), "<h1>home</h1>\n");
  await writeFile(join(root, "docs", "index.html"), "<h1>docs</h1>\n");
  await writeFile(join(root, "style.css"), "body { color: red }\n");
  await writeFile(join(root, "app.js"), "console.log(1)\n");
  await writeFile(join(root, "data.json"), "{}\n");
  await writeFile(join(root, "logo.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(root, "README"), "no extension\n");
  await writeFile(join(root, "letters.txt"), ALPHABET);
  await writeFile(join(root, "empty.txt"), "");
  await writeFile(join(root, "a b%.txt"), "spaced\n");
  await writeFile(join(root, ".env"), "TOKEN=1\n");
  await writeFile(join(root, ".git", "config"), "[core]\n");
  await writeFile(join(root, "evil.com", "index.html"), "inside\n");
  for (const name of ["letters.txt", "style.css"]) await utimes(join(root, name), MTIME, MTIME);
});

after(() => rm(base, { recursive: true, force: true }));

/** Node's fs, counting the files opened and closed. */
function countingFs() {
  const counts = { opened: 0, closed: 0 };
  const fs: StaticFileSystem = {
    stat: (path) => nodeFs.stat(path),
    async open(path, flags) {
      const handle = await nodeFs.open(path, flags);
      counts.opened++;
      return {
        read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
        close: async () => (counts.closed++, handle.close()),
      };
    },
  };
  return { fs, counts };
}

function handler(options: Partial<StaticOptions> = {}) {
  return createStaticHandler(nodeFs, { root, ...options, fallthrough: false });
}

function get(path: string, headers: Record<string, string> = {}, method = "GET"): Request {
  return new Request(`http://example.com${path}`, { method, headers });
}

async function body(response: Response): Promise<string> {
  return response.text();
}

test("files get their content type from the extension, with a charset for text; unknown is octet-stream", async () => {
  const serve = handler();
  const cases: [string, string][] = [
    ["/style.css", "text/css; charset=utf-8"],
    ["/index.html", "text/html; charset=utf-8"],
    ["/app.js", "text/javascript; charset=utf-8"],
    ["/data.json", "application/json; charset=utf-8"],
    ["/logo.png", "image/png"],
    ["/README", "application/octet-stream"],
  ];
  for (const [path, type] of cases) {
    const response = await serve(get(path));
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get("content-type"), type, path);
  }
  const css = await serve(get("/style.css"));
  assert.equal(await body(css), "body { color: red }\n");
  assert.equal(css.headers.get("content-length"), "20");
  assert.equal(css.headers.get("accept-ranges"), "bytes");
});

test("names are percent-decoded once: /a%20b%25.txt is the file 'a b%.txt'", async () => {
  const response = await handler()(get("/a%20b%25.txt"));
  assert.equal(response.status, 200);
  assert.equal(await body(response), "spaced\n");
});

test("a directory is served by its index.html; without its trailing slash it is a 301 to it, keeping the query", async () => {
  const serve = handler();
  assert.equal(await body(await serve(get("/"))), "<h1>home</h1>\n");
  assert.equal(await body(await serve(get("/docs/"))), "<h1>docs</h1>\n");
  const redirect = await serve(get("/docs?page=2"));
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get("location"), "/docs/?page=2");
  // Empty segments are dropped: the location never becomes a protocol-relative "//evil.com/".
  const evil = await serve(get("//evil.com"));
  assert.equal(evil.status, 301);
  assert.equal(evil.headers.get("location"), "/evil.com/");
});

test("a directory without an index, or with index: false, is a 404; a file asked for as a directory too", async () => {
  assert.equal((await handler()(get("/empty-dir/"))).status, 404);
  assert.equal((await handler({ index: false })(get("/docs/"))).status, 404);
  assert.equal((await handler({ index: "other.html" })(get("/docs/"))).status, 404);
  assert.equal((await handler()(get("/style.css/"))).status, 404);
  assert.equal((await handler()(get("/missing.txt"))).status, 404);
  assert.equal((await handler()(get("/missing/deeper.txt"))).status, 404);
  assert.equal((await handler()(get("/style.css/deeper"))).status, 404); // ENOTDIR
});

test("ETag (weak, from size and mtime) and Last-Modified; If-None-Match and If-Modified-Since give 304", async () => {
  const serve = handler();
  const first = await serve(get("/letters.txt"));
  const etag = first.headers.get("etag")!;
  assert.equal(etag, `W/"1a-${MTIME.getTime().toString(16)}"`);
  assert.equal(first.headers.get("last-modified"), "Sun, 01 Mar 2026 12:34:56 GMT");

  for (const condition of <Record<string, string>[]>[
    { "if-none-match": etag },
    { "if-none-match": etag.slice(2) }, // the weak comparison ignores W/
    { "if-none-match": `"other", ${etag}` },
    { "if-none-match": "*" },
    { "if-modified-since": "Sun, 01 Mar 2026 12:34:56 GMT" },
    { "if-modified-since": "Mon, 02 Mar 2026 00:00:00 GMT" },
    { "if-modified-since": "Sunday, 01-Mar-26 12:34:56 GMT" }, // RFC 850's obsolete form
    { "if-modified-since": "Sun Mar  1 12:34:56 2026" }, // asctime's
  ]) {
    const response = await serve(get("/letters.txt", condition));
    assert.equal(response.status, 304, JSON.stringify(condition));
    assert.equal(response.body, null);
    assert.equal(response.headers.get("etag"), etag);
    assert.equal(response.headers.get("content-type"), null);
  }
  for (const condition of <Record<string, string>[]>[
    { "if-none-match": '"other"' },
    { "if-modified-since": "Sun, 01 Mar 2026 12:34:55 GMT" },
    { "if-modified-since": "not a date" },
    // If-None-Match decides when both are there (RFC 9110 13.2.2).
    { "if-none-match": '"other"', "if-modified-since": "Mon, 02 Mar 2026 00:00:00 GMT" },
  ]) {
    assert.equal((await serve(get("/letters.txt", condition))).status, 200, JSON.stringify(condition));
  }
  assert.equal((await serve(get("/letters.txt", { "if-none-match": etag }, "HEAD"))).status, 304);
});

test("a rewritten file gets a new ETag: the old one no longer matches", async () => {
  const file = join(root, "changing.txt");
  await writeFile(file, "one");
  await utimes(file, MTIME, MTIME);
  const serve = handler();
  const etag = (await serve(get("/changing.txt"))).headers.get("etag")!;
  await writeFile(file, "two!");
  const changed = await serve(get("/changing.txt", { "if-none-match": etag }));
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get("etag"), etag);
  assert.equal(await body(changed), "two!");
});

test("If-Match and If-Unmodified-Since that fail are a 412", async () => {
  const serve = handler();
  assert.equal((await serve(get("/letters.txt", { "if-match": '"nope"' }))).status, 412);
  // Our tags are weak and If-Match compares strongly (RFC 9110 13.1.1): only * passes.
  const etag = (await serve(get("/letters.txt"))).headers.get("etag")!;
  assert.equal((await serve(get("/letters.txt", { "if-match": etag }))).status, 412);
  assert.equal((await serve(get("/letters.txt", { "if-match": "*" }))).status, 200);
  assert.equal((await serve(get("/letters.txt", { "if-unmodified-since": "Sat, 28 Feb 2026 00:00:00 GMT" }))).status, 412);
  assert.equal((await serve(get("/letters.txt", { "if-unmodified-since": "Sun, 01 Mar 2026 12:34:56 GMT" }))).status, 200);
});

test("Range: single ranges in their three forms are a 206 with Content-Range", async () => {
  const serve = handler();
  const cases: [string, string, string][] = [
    ["bytes=0-4", "bytes 0-4/26", "abcde"],
    ["bytes=10-", "bytes 10-25/26", ALPHABET.slice(10)],
    ["bytes=-3", "bytes 23-25/26", "xyz"],
    ["bytes=-100", "bytes 0-25/26", ALPHABET], // a suffix longer than the file is the whole file
    ["bytes=20-999", "bytes 20-25/26", "uvwxyz"], // the last position is cut to the end
    ["bytes=25-25", "bytes 25-25/26", "z"],
    ["Bytes = 1 - 2", "bytes 1-2/26", "bc"],
  ];
  for (const [range, contentRange, text] of cases) {
    const response = await serve(get("/letters.txt", { range }));
    assert.equal(response.status, 206, range);
    assert.equal(response.headers.get("content-range"), contentRange, range);
    assert.equal(response.headers.get("content-length"), String(text.length), range);
    assert.equal(await body(response), text, range);
  }
});

test("Range: unsatisfiable is a 416 with bytes */size; several, invalid or other units get the whole file", async () => {
  const serve = handler();
  for (const range of ["bytes=26-", "bytes=100-200", "bytes=-0"]) {
    const response = await serve(get("/letters.txt", { range }));
    assert.equal(response.status, 416, range);
    assert.equal(response.headers.get("content-range"), "bytes */26", range);
  }
  const empty = await serve(get("/empty.txt", { range: "bytes=0-" }));
  assert.equal(empty.status, 416);
  assert.equal(empty.headers.get("content-range"), "bytes */0");
  for (const range of ["bytes=0-1,5-6", "bytes=5-1", "bytes=", "bytes=-", "items=0-1", "bytes=a-b", "0-1"]) {
    const response = await serve(get("/letters.txt", { range }));
    assert.equal(response.status, 200, range);
    assert.equal(await body(response), ALPHABET, range);
  }
});

test("If-Range: a date that is the Last-Modified keeps the range; a weak ETag or another date gets the whole file", async () => {
  const serve = handler();
  const etag = (await serve(get("/letters.txt"))).headers.get("etag")!;
  const exact = await serve(get("/letters.txt", { range: "bytes=0-1", "if-range": "Sun, 01 Mar 2026 12:34:56 GMT" }));
  assert.equal(exact.status, 206);
  for (const ifRange of [etag, etag.slice(2), "Sun, 01 Mar 2026 12:34:57 GMT"]) {
    const response = await serve(get("/letters.txt", { range: "bytes=0-1", "if-range": ifRange }));
    assert.equal(response.status, 200, ifRange);
    assert.equal(await body(response), ALPHABET);
  }
});

test("HEAD gets a GET's headers and no body, and the file is not opened", async () => {
  const { fs, counts } = countingFs();
  const serve = createStaticHandler(fs, { root });
  const head = await serve(get("/letters.txt", { range: "bytes=0-1" }, "HEAD"));
  const getResponse = await serve(get("/letters.txt"));
  assert.equal(head.status, 200); // Range is for GET only (RFC 9110 14.2)
  assert.equal(head.body, null);
  assert.deepEqual([...head.headers], [...getResponse.headers]);
  assert.equal(head.headers.get("content-length"), "26");
  assert.equal(counts.opened, 0, "building the GET's answer opens nothing either: the body opens on its first read");
  assert.equal(await body(getResponse), ALPHABET);
  assert.deepEqual(counts, { opened: 1, closed: 1 });
});

test("methods other than GET and HEAD are a 405 with Allow", async () => {
  for (const method of ["POST", "PUT", "DELETE", "OPTIONS"]) {
    const response = await handler()(get("/letters.txt", {}, method));
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "GET, HEAD");
  }
});

test("path traversal is refused, 400 or 404, and never reaches a file outside the root", async () => {
  const serve = handler();
  const attempts = [
    "/../secret.txt",
    "/docs/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2E/secret.txt",
    "/.%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/docs/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/..%5Csecret.txt",
    "/..\\secret.txt",
    "/docs\\..\\..\\secret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/%c0%ae%c0%ae/secret.txt", // overlong UTF-8 dots: malformed, not ".."
    "/secret.txt%00",
    "/index.html%00.png",
    "/%00",
    "/%zz",
    "/%",
  ];
  for (const attempt of attempts) {
    const response = await serve(get(attempt));
    const text = await body(response);
    assert.ok([400, 404].includes(response.status), `${attempt}: ${response.status}`);
    assert.doesNotMatch(text, /SECRET/, attempt);
  }
  assert.equal((await serve(get("/..%2fsecret.txt"))).status, 400);
  assert.equal((await serve(get("/secret.txt%00"))).status, 400);
  assert.equal((await serve(get("/%252e%252e/secret.txt"))).status, 404); // the name "%2e%2e", which is not there
});

test("resolveStaticPath: what the URL parser leaves is still checked (a dot segment, separators, NUL, bad escapes)", () => {
  // The URL parser resolves "..", "%2e%2e" and "\\" before the handler sees the path; this is the layer beneath it.
  assert.deepEqual(resolveStaticPath("/a//b%20c/", ""), { kind: "names", names: ["a", "b c"], raw: ["a", "b%20c"], trailingSlash: true });
  for (const pathname of ["/a/../b", "/a/%2e%2e/b", "/./a", "/a%2fb", "/a%5cb", "/a\\b", "/a%00", "/%e0%a4%a"]) {
    assert.equal(resolveStaticPath(pathname, "").kind, "bad", pathname);
  }
  assert.deepEqual(resolveStaticPath("/staticfile", "/static"), { kind: "outside" });
  assert.deepEqual(resolveStaticPath("/static", "/static"), { kind: "names", names: [], raw: [], trailingSlash: false });
});

test("dotfiles are not served unless asked for", async () => {
  assert.equal((await handler()(get("/.env"))).status, 404);
  assert.equal((await handler()(get("/.git/config"))).status, 404);
  assert.equal((await handler()(get("/%2eenv"))).status, 404);
  const served = await handler({ dotfiles: true })(get("/.git/config"));
  assert.equal(served.status, 200);
  assert.equal(await body(served), "[core]\n");
});

test("prefix: files are served under it; other paths are misses", async () => {
  const serve = handler({ prefix: "/static/" });
  assert.equal(await body(await serve(get("/static/letters.txt"))), ALPHABET);
  assert.equal(await body(await serve(get("/static/"))), "<h1>home</h1>\n");
  const bare = await serve(get("/static"));
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get("location"), "/static/");
  assert.equal((await serve(get("/static/docs"))).headers.get("location"), "/static/docs/");
  assert.equal((await serve(get("/letters.txt"))).status, 404);
  assert.equal((await serve(get("/staticletters.txt"))).status, 404);
});

test("fallthrough: misses, other methods and impossible paths resolve to null for the next handler", async () => {
  const serve = createStaticHandler(nodeFs, { root, prefix: "/static", fallthrough: true });
  for (const [path, method] of [["/api/keys", "GET"], ["/static/missing", "GET"], ["/static/letters.txt", "POST"], ["/static/a%2Fb", "GET"], ["/static/.env", "GET"]]) {
    assert.equal(await serve(get(path, {}, method)), null, `${method} ${path}`);
  }
  const hit = await serve(get("/static/letters.txt"));
  assert.equal(hit?.status, 200);
  assert.equal(await hit!.text(), ALPHABET);
});

test("a large file streams in chunks of 64 KiB from the handle, which closes at the end or when the reader stops", async () => {
  const size = 5 * 1024 * 1024 + 123;
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 12)) & 0xff;
  await writeFile(join(root, "large.bin"), bytes);
  const { fs, counts } = countingFs();
  const serve = createStaticHandler(fs, { root });

  const response = await serve(get("/large.bin"));
  assert.equal(response.headers.get("content-length"), String(size));
  const reader = response.body!.getReader();
  let received = 0, largest = 0, chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    assert.deepEqual(value, bytes.subarray(received, received + value.length));
    received += value.length;
    largest = Math.max(largest, value.length);
    chunks++;
  }
  assert.equal(received, size);
  assert.equal(largest, 64 * 1024);
  assert.equal(chunks, Math.ceil(size / (64 * 1024)));
  assert.deepEqual(counts, { opened: 1, closed: 1 });

  const part = await serve(get("/large.bin", { range: "bytes=1000000-2999999" }));
  assert.equal(part.status, 206);
  assert.deepEqual(new Uint8Array(await part.arrayBuffer()), bytes.subarray(1_000_000, 3_000_000));

  const abandoned = await serve(get("/large.bin"));
  const early = abandoned.body!.getReader();
  await early.read();
  await early.cancel();
  assert.deepEqual(counts, { opened: 3, closed: 3 });
});

test("a file that shrinks after its stat fails the body rather than sending too few bytes", async () => {
  const file = join(root, "shrinking.txt");
  await writeFile(file, "0123456789");
  const response = await handler()(get("/shrinking.txt"));
  await writeFile(file, "01234");
  await assert.rejects(response.text(), /ended at byte 5, short of the 10/);
});

test("file-system errors: a name no file can have (EINVAL) is a miss; EIO rejects (the server answers 500)", async () => {
  const failing = (code: string): StaticFileSystem => ({
    stat: async () => { throw Object.assign(new Error(code), { code }); },
    open: async () => { throw new Error("not reached"); },
  });
  assert.equal((await createStaticHandler(failing("EINVAL"), { root: "/www" })(get("/a:b"))).status, 404);
  await assert.rejects(createStaticHandler(failing("EIO"), { root: "/www" })(get("/x")), /EIO/);
});

test("a root is required", () => {
  assert.throws(() => createStaticHandler(nodeFs, { root: "" }), /root/);
  assert.throws(() => createStaticHandler(nodeFs, {} as StaticOptions), /root/);
});

test("5,000 random paths of dots, slashes and escapes: never a file outside the root, never a rejection", async () => {
  const serve = handler();
  const tokens = [".", "..", "%2e", "%2E", "%2e%2e", ".%2e", "%2f", "%2F", "%5c", "%5C", "\\", "/", "//", "%00", "%25", "%252e", "%252f",
    "%", "%c0%ae", "secret.txt", "www", "docs", "index.html", "evil.com", ".env", "?", "#", ";", "%3f", "%23"];
  let seed = 0x5eed;
  const random = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const seen = new Map<number, number>();
  for (let i = 0; i < 5_000; i++) {
    let path = "/";
    for (let length = 1 + random(8); length > 0; length--) path += tokens[random(tokens.length)];
    const response = await serve(get(path));
    seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
    assert.ok([200, 301, 400, 404].includes(response.status), `${path}: ${response.status}`);
    if (response.status === 200) assert.doesNotMatch(await response.text(), /SECRET/, path);
  }
  // The mix reached every branch: files served, directories redirected, bad paths and misses.
  for (const status of [200, 301, 400, 404]) assert.ok((seen.get(status) ?? 0) > 0, `no ${status} among ${JSON.stringify([...seen])}`);
});
