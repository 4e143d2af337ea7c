import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { gunzipSync, gzipSync } from "node:zlib";
import { freePort, service, startGuest } from "./helpers.ts";

function send(port: number, path: string, method = "GET", body?: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The service's checksum (32-bit FNV-1a over little-endian words, then the tail bytes). */
function checksum(bytes: Buffer): number {
  let hash = 0x811c9dc5 | 0;
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) hash = Math.imul(hash ^ bytes.readInt32LE(i), 0x01000193);
  for (let i = whole; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

// 10 MB through QEMU's user network under TCG takes a while.
test("at the default --mem: 10 MB POSTs read whole (arrayBuffer, text, json, formData), a ReadableStream response, gzip both ways compared with zlib", { timeout: 300_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest([service("web-bodies"), "-p", `${port}:80`, "--timeout", "280s"], /serving HTTP on/);
  try {
    const streamed = await send(port, "/stream");
    assert.equal(streamed.status, 200);
    assert.equal(streamed.headers["transfer-encoding"], "chunked");
    assert.equal(streamed.body.toString(), "part 1\npart 2\npart 3\npart 4\npart 5\n");

    const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i}: ${"abc".repeat(i % 13)}\n`).join(""));
    const zipped = await send(port, "/gzip", "POST", text);
    assert.equal(zipped.status, 200);
    assert.ok(gunzipSync(zipped.body).equals(text), "zlib reads back what the guest's CompressionStream wrote");
    assert.ok(zipped.body.length < text.length / 3);
    const unzipped = await send(port, "/gunzip", "POST", gzipSync(text));
    assert.ok(unzipped.body.equals(text), "the guest's DecompressionStream reads what zlib wrote");

    // No maxRequestBodySize in the service: 10 MB is within the default limit.
    const big = Buffer.alloc(10 * 1000 * 1000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
    const whole = await send(port, "/whole", "POST", big);
    assert.equal(whole.status, 200, whole.body.toString());
    const answer = JSON.parse(whole.body.toString());
    assert.equal(answer.length, big.length);
    assert.equal(answer.checksum, checksum(big));
    // Held once: the body's array and little else (a chunk list and its concatenation would be twice).
    assert.ok(answer.heldBytes < big.length * 1.2, `the heap grew by ${answer.heldBytes} bytes`);
    console.log(`10 MB body read whole: heap +${answer.heldBytes} bytes, guest memory ${answer.totalBytes} bytes`);

    // 10 MB read with text(), json() and formData() too.
    const text10 = Buffer.from("0123456789".repeat(1_000_000));
    assert.deepEqual(JSON.parse((await send(port, "/text", "POST", text10)).body.toString()), { length: 10_000_000, tail: "890123456789" });
    const items = Array.from({ length: 100_000 }, (_, i) => `item ${i}`.padEnd(97, "."));
    const json10 = Buffer.from(JSON.stringify(items));
    assert.ok(json10.length > 10_000_000);
    assert.deepEqual(JSON.parse((await send(port, "/json", "POST", json10)).body.toString()), { items: 100_000, last: items[99_999] });
    const form = new FormData();
    form.append("name", "upload");
    form.append("file", new Blob([big]), "big.bin");
    const encoded = new Response(form);
    const multipart = Buffer.from(await encoded.arrayBuffer());
    const formAnswer = await send(port, "/form", "POST", multipart, { "content-type": encoded.headers.get("content-type")! });
    assert.deepEqual(JSON.parse(formAnswer.body.toString()), { name: "upload", file: "big.bin", length: big.length, checksum: checksum(big) });
  } finally {
    await guest.stop();
  }
});

// Held twice (chunks, then their concatenation) 10 MB does not fit in 24 MiB beside the
// runtime; held once it does, with room to spare.
test("a 10 MB body read whole is held once: it fits in a 24 MiB guest", { timeout: 300_000 }, async () => {
  const port = await freePort();
  const guest = await startGuest([service("web-bodies"), "--mem", "24M", "--env", "MAX_BODY=12000000", "-p", `${port}:80`, "--timeout", "280s"], /serving HTTP on/);
  try {
    const big = Buffer.alloc(10 * 1000 * 1000, 7);
    const whole = await send(port, "/whole", "POST", big);
    assert.equal(whole.status, 200, whole.body.toString());
    const answer = JSON.parse(whole.body.toString());
    assert.equal(answer.length, big.length);
    assert.equal(answer.checksum, checksum(big));
  } finally {
    await guest.stop();
  }
});
