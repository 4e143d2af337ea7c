// The two examples of the Filesystem unit, booted: the StaticWebServer serving a host
// directory given with --dir (statuses, conditional and range requests, HEAD, traversal
// attempts, a file larger than the guest's memory), and the kv store keeping its values
// on a FAT disk across two boots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startGuest, toro, ROOT } from "./helpers.ts";

const STATIC_EXAMPLE = join(ROOT, "examples", "static-web-server");
const KV_EXAMPLE = join(ROOT, "examples", "kv-store");

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (fetch() would resolve its dot segments first). */
function send(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path, method: init.method ?? "GET", headers: init.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(init.body);
  });
}

/** Stream a response's body through SHA-256 without holding it. */
function hashOf(port: number, path: string): Promise<{ status: number; length: string | undefined; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: "127.0.0.1", port, path }, (response) => {
      const hash = createHash("sha256");
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (hash.update(chunk), (bytes += chunk.length)));
      response.on("end", () => resolve({ status: response.statusCode!, length: response.headers["content-length"], bytes, sha256: hash.digest("hex") }));
      response.on("error", reject);
    }).on("error", reject).end();
  });
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

test("StaticWebServer over --dir: 200, 301, 304, 206, 416, HEAD, 405, and traversal refused", { timeout: 300_000 }, async () => {
  const site = await mkdtemp(join(tmpdir(), "toro-static-site-"));
  try {
    // The served root is public/; secret.txt beside it is on the same volume but outside the root.
    await mkdir(join(site, "public", "docs"), { recursive: true });
    await writeFile(join(site, "secret.txt"), "SECRET outside the root\n");
    await writeFile(join(site, "public", "index.html"), "<h1>home</h1>\n");
    await writeFile(join(site, "public", "docs", "index.html"), "<h1>docs</h1>\n");
    await writeFile(join(site, "public", "letters.txt"), "abcdefghijklmnopqrstuvwxyz");
    await writeFile(join(site, "public", "style.css"), "body { color: red }\n");
    await writeFile(join(site, "public", ".env"), "TOKEN=1\n");

    const port = await freePort();
    const guest = await startGuest([STATIC_EXAMPLE, "--dir", `${site}:/www`, "--env", "ROOT=/www/public", "-p", `${port}:80`, "--timeout", "280s"], /serving HTTP on/);
    try {
      const home = await send(port, "/");
      assert.equal(home.status, 200, guest.output());
      assert.equal(home.body.toString(), "<h1>home</h1>\n");
      assert.equal(home.headers["content-type"], "text/html; charset=utf-8");

      const css = await send(port, "/style.css");
      assert.equal(css.status, 200);
      assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
      assert.equal(css.headers["content-length"], "20");
      const etag = css.headers.etag as string;
      const modified = css.headers["last-modified"] as string;
      assert.match(etag, /^W\/"14-[0-9a-f]+"$/);
      assert.match(modified, /GMT$/);

      const redirect = await send(port, "/docs");
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, "/docs/");
      assert.equal((await send(port, "/docs/")).body.toString(), "<h1>docs</h1>\n");

      const byTag = await send(port, "/style.css", { headers: { "if-none-match": etag } });
      assert.equal(byTag.status, 304);
      assert.equal(byTag.body.length, 0);
      assert.equal((await send(port, "/style.css", { headers: { "if-modified-since": modified } })).status, 304);

      const part = await send(port, "/letters.txt", { headers: { range: "bytes=-3" } });
      assert.equal(part.status, 206);
      assert.equal(part.headers["content-range"], "bytes 23-25/26");
      assert.equal(part.body.toString(), "xyz");
      const unsatisfiable = await send(port, "/letters.txt", { headers: { range: "bytes=26-" } });
      assert.equal(unsatisfiable.status, 416);
      assert.equal(unsatisfiable.headers["content-range"], "bytes */26");

      const head = await send(port, "/letters.txt", { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.headers["content-length"], "26");
      assert.equal(head.body.length, 0);

      const post = await send(port, "/letters.txt", { method: "POST", body: "x" });
      assert.equal(post.status, 405);
      assert.equal(post.headers.allow, "GET, HEAD");

      assert.equal((await send(port, "/.env")).status, 404);
      assert.equal((await send(port, "/missing.html")).status, 404);

      for (const attempt of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
        "/%252e%252e%252fsecret.txt", "/docs/..%2f..%2fsecret.txt", "/secret.txt%00", "/index.html%00.txt", "/%c0%ae%c0%ae/secret.txt"]) {
        const answer = await send(port, attempt);
        assert.ok([400, 404].includes(answer.status), `${attempt}: ${answer.status}`);
        assert.doesNotMatch(answer.body.toString(), /SECRET/, attempt);
      }
      // The service served on through all of it.
      assert.equal((await send(port, "/letters.txt")).status, 200);
    } finally {
      await guest.stop();
    }
  } finally {
    await rm(site, { recursive: true, force: true });
  }
});

test("StaticWebServer: the example's own site embedded with --assets is served from /app, with no disk", { timeout: 180_000 }, async () => {
  const site = join(STATIC_EXAMPLE, "site");
  const port = await freePort();
  const guest = await startGuest([STATIC_EXAMPLE, "--assets", site, "--env", "ROOT=/app", "-p", `${port}:80`, "--timeout", "170s"], /serving HTTP on/);
  try {
    for (const [path, file, type] of [["/", "index.html", "text/html; charset=utf-8"], ["/about/", "about/index.html", "text/html; charset=utf-8"],
      ["/style.css", "style.css", "text/css; charset=utf-8"], ["/toro.svg", "toro.svg", "image/svg+xml; charset=utf-8"]]) {
      const answer = await send(port, path);
      assert.equal(answer.status, 200, `${path}\n${guest.output()}`);
      assert.equal(answer.headers["content-type"], type, path);
      assert.deepEqual(answer.body, await readFile(join(site, file)), path);
    }
    assert.equal((await send(port, "/about")).headers.location, "/about/");
    const etag = (await send(port, "/style.css")).headers.etag as string;
    assert.equal((await send(port, "/style.css", { headers: { "if-none-match": etag } })).status, 304);
  } finally {
    await guest.stop();
  }
});

test("StaticWebServer: a 64 MiB file streams whole from a 32 MiB guest", { timeout: 600_000 }, async () => {
  const site = await mkdtemp(join(tmpdir(), "toro-static-large-"));
  try {
    const file = join(site, "large.bin");
    const handle = await open(file, "w");
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 64; i++) {
      for (let j = 0; j < block.length; j += 4) block.writeUInt32LE((i * 0x9e3779b1 + j * 2654435761) >>> 0, j);
      await handle.write(block);
    }
    await handle.close();

    const port = await freePort();
    const guest = await startGuest([STATIC_EXAMPLE, "--dir", `${site}:/www`, "--mem", "32M", "-p", `${port}:80`, "--timeout", "580s"], /serving HTTP on/);
    try {
      const answer = await hashOf(port, "/large.bin");
      assert.equal(answer.status, 200, guest.output());
      assert.equal(answer.length, String(64 * 1024 * 1024));
      assert.equal(answer.bytes, 64 * 1024 * 1024);
      assert.equal(answer.sha256, await fileHash(file));
      assert.equal((await send(port, "/large.bin", { method: "HEAD" })).status, 200, "the guest serves on after it");
    } finally {
      await guest.stop();
    }
  } finally {
    await rm(site, { recursive: true, force: true });
  }
});

test("kv store: values put in one boot are there in the next, on the same FAT disk", { timeout: 300_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), "toro-kv-"));
  try {
    const disk = join(dir, "kv.img");
    const created = await toro(["disk", "create", disk, "--size", "16M"]);
    assert.equal(created.code, 0, created.stdout + created.stderr);

    const key = "greeting/ünïcode A";
    const path = `/keys/${encodeURIComponent(key)}`;
    const first = await freePort();
    const boot1 = await startGuest([KV_EXAMPLE, "--disk", disk, "-p", `${first}:80`, "--timeout", "280s"], /serving HTTP on/);
    try {
      assert.match(boot1.output(), /kv-store: 0 keys in \/data\/kv/);
      assert.equal((await send(first, path, { method: "PUT", body: "hello from boot 1" })).status, 201, boot1.output());
      assert.equal((await send(first, "/keys/a", { method: "PUT", body: "lower" })).status, 201);
      assert.equal((await send(first, "/keys/A", { method: "PUT", body: "upper" })).status, 201); // FAT names are case-insensitive; keys are not
      assert.equal((await send(first, "/keys/a", { method: "PUT", body: "lower, replaced" })).status, 204);
      assert.equal((await send(first, "/keys/doomed", { method: "PUT", body: "x" })).status, 201);
      assert.equal((await send(first, "/keys/doomed", { method: "DELETE" })).status, 204);
      assert.equal((await send(first, "/keys/doomed")).status, 404);
      assert.equal((await send(first, path)).body.toString(), "hello from boot 1");
    } finally {
      await boot1.stop(); // the VM is stopped, not shut down: what was answered must already be on the disk
    }

    const second = await freePort();
    const boot2 = await startGuest([KV_EXAMPLE, "--disk", disk, "-p", `${second}:80`, "--timeout", "280s"], /serving HTTP on/);
    try {
      assert.match(boot2.output(), /kv-store: 3 keys in \/data\/kv/);
      const value = await send(second, path);
      assert.equal(value.status, 200, boot2.output());
      assert.equal(value.body.toString(), "hello from boot 1");
      assert.equal((await send(second, "/keys/a")).body.toString(), "lower, replaced");
      assert.equal((await send(second, "/keys/A")).body.toString(), "upper");
      assert.deepEqual(JSON.parse((await send(second, "/keys")).body.toString()), ["A", "a", key].sort());
      assert.equal((await send(second, "/keys/doomed")).status, 404);
    } finally {
      await boot2.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
