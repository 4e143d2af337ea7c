/**
 * Toro's node:crypto (lib/node/crypto.ts) against Node's: the same digests,
 * HMACs and PBKDF2 keys in every encoding, Node's errors and codes, and
 * random values in range. The last test boots a guest importing node:crypto.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as nodeCrypto from "node:crypto";
import { join } from "node:path";
import * as ours from "../../lib/node/crypto.ts";
import { decodeString, encodeBytes, toNodeBytes } from "../../lib/node/crypto-bytes.ts";
import { Buffer as OurBuffer } from "../../lib/node/buffer.ts";
import { toro } from "../boot/helpers.ts";

const inputs = ["", "abc", "héllo wörld ✓", "x".repeat(1000)];

test("createHash: every algorithm gives Node's digest, in hex, base64, base64url, latin1 and as bytes, over several updates", () => {
  for (const algorithm of ours.getHashes()) {
    for (const input of inputs) {
      for (const encoding of ["hex", "base64", "base64url", "latin1"] as const) {
        assert.equal(ours.createHash(algorithm).update(input).digest(encoding), nodeCrypto.createHash(algorithm).update(input).digest(encoding as "hex"), `${algorithm} ${encoding}`);
      }
      const parts = ours.createHash(algorithm.toUpperCase()).update(input.slice(0, 3)).update(new TextEncoder().encode(input.slice(3))).digest();
      assert.deepEqual(new Uint8Array(parts), new Uint8Array(nodeCrypto.createHash(algorithm).update(input).digest()));
    }
  }
  assert.equal(ours.createHash("sha256").update("616263", "hex").digest("hex"), nodeCrypto.createHash("sha256").update("abc").digest("hex"));
  assert.equal(ours.createHash("sha256").update("YWJj", "base64").digest("hex"), nodeCrypto.createHash("sha256").update("abc").digest("hex"));
  assert.equal(ours.hash("sha1", "abc"), nodeCrypto.createHash("sha1").update("abc").digest("hex"));
  assert.equal(ours.hash("sha512", "abc", "base64"), nodeCrypto.createHash("sha512").update("abc").digest("base64"));
});

test("Hash.copy() forks the state; digest() twice and update() after it throw ERR_CRYPTO_HASH_FINALIZED; bad algorithms and data throw as Node's", () => {
  const hash = ours.createHash("sha256").update("ab");
  const copy = hash.copy();
  assert.equal(hash.update("c").digest("hex"), nodeCrypto.createHash("sha256").update("abc").digest("hex"));
  assert.equal(copy.update("d").digest("hex"), nodeCrypto.createHash("sha256").update("abd").digest("hex"));
  assert.throws(() => hash.digest(), { code: "ERR_CRYPTO_HASH_FINALIZED", message: "Digest already called" });
  assert.throws(() => hash.update("x"), { code: "ERR_CRYPTO_HASH_FINALIZED" });
  assert.throws(() => ours.createHash("sha0"), { message: "Digest method not supported" });
  assert.throws(() => ours.createHmac("sha0", "k"), { name: "TypeError", code: "ERR_CRYPTO_INVALID_DIGEST" });
  assert.throws(() => ours.createHash("sha256").update(5 as unknown as string), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  assert.throws(() => ours.createHash("sha256").update("x", "utf16" as "utf8"), { code: "ERR_UNKNOWN_ENCODING" });
});

test("createHmac: Node's MACs for string and byte keys, short and longer than a block", () => {
  for (const algorithm of ["md5", "sha1", "sha256", "sha384", "sha512", "sha3-256"]) {
    for (const key of ["k", "a key longer than any hash's block, ".repeat(5), new Uint8Array(nodeCrypto.randomBytes(20))]) {
      for (const input of inputs) {
        assert.equal(ours.createHmac(algorithm, key).update(input).digest("hex"), nodeCrypto.createHmac(algorithm, key).update(input).digest("hex"), algorithm);
      }
    }
  }
});

test("pbkdf2Sync and pbkdf2 give Node's keys", async () => {
  for (const digest of ["sha1", "sha256", "sha512"]) {
    const expected = nodeCrypto.pbkdf2Sync("password", "salt", 300, 40, digest);
    assert.deepEqual(new Uint8Array(ours.pbkdf2Sync("password", "salt", 300, 40, digest)), new Uint8Array(expected));
    const later = await new Promise<Uint8Array>((resolve, reject) => ours.pbkdf2("password", "salt", 300, 40, digest, (error, key) => (error ? reject(error) : resolve(key!))));
    assert.deepEqual(new Uint8Array(later), new Uint8Array(expected));
  }
  assert.throws(() => ours.pbkdf2Sync("p", "s", 0, 16, "sha256"), { code: "ERR_OUT_OF_RANGE" });
  assert.throws(() => ours.pbkdf2Sync("p", "s", 1, 16, "sha0"), { code: "ERR_CRYPTO_INVALID_DIGEST" });
});

test("timingSafeEqual: equal and unequal bytes of any view; different lengths a RangeError with Node's code", () => {
  assert.equal(ours.timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])), true);
  assert.equal(ours.timingSafeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4])), false);
  assert.equal(ours.timingSafeEqual(new Uint16Array([0x0102]), new Uint8Array([2, 1])), true);
  assert.equal(ours.timingSafeEqual(new Uint8Array([7]).buffer, new DataView(new Uint8Array([7]).buffer)), true);
  assert.throws(() => ours.timingSafeEqual(new Uint8Array(1), new Uint8Array(2)), { name: "RangeError", code: "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH" });
  assert.throws(() => ours.timingSafeEqual("a" as unknown as Uint8Array, "a" as unknown as Uint8Array), { code: "ERR_INVALID_ARG_TYPE" });
});

test("random: randomBytes (sync and with a callback, over 64 KiB), randomFillSync, randomInt in range and uniform-ish, randomUUID v4; Node's range errors", async () => {
  assert.equal(ours.randomBytes(0).length, 0);
  const big = ours.randomBytes(200_000);
  assert.equal(big.length, 200_000);
  assert.ok(new Set(big.subarray(0, 1000)).size > 200, "the bytes vary");
  const later = await new Promise<Uint8Array>((resolve, reject) => ours.randomBytes(16, (error, bytes) => (error ? reject(error) : resolve(bytes!))));
  assert.equal(later.length, 16);
  assert.throws(() => ours.randomBytes(-1), { name: "RangeError", code: "ERR_OUT_OF_RANGE" });
  const buffer = new Uint8Array(32);
  ours.randomFillSync(buffer, 8, 8);
  assert.deepEqual(buffer.subarray(0, 8), new Uint8Array(8));
  assert.deepEqual(buffer.subarray(16), new Uint8Array(16));
  assert.throws(() => ours.randomFillSync(buffer, 30, 8), { code: "ERR_OUT_OF_RANGE" });

  const counts = new Map<number, number>();
  for (let i = 0; i < 3000; i++) {
    const value = ours.randomInt(-3, 3) as number;
    assert.ok(Number.isInteger(value) && value >= -3 && value < 3, String(value));
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  for (const count of counts.values()) assert.ok(count > 300, `each of 6 values about 500 times in 3000 draws, got ${count}`);
  assert.ok((ours.randomInt(10) as number) < 10);
  assert.ok((ours.randomInt(2 ** 48 - 1) as number) < 2 ** 48);
  const async = await new Promise<number>((resolve, reject) => ours.randomInt(5, 6, (error, value) => (error ? reject(error) : resolve(value!))));
  assert.equal(async, 5);
  assert.throws(() => ours.randomInt(5, 5), { code: "ERR_OUT_OF_RANGE" });
  assert.throws(() => ours.randomInt(2 ** 49), { code: "ERR_OUT_OF_RANGE" });
  assert.throws(() => ours.randomInt(1.5), { code: "ERR_INVALID_ARG_TYPE" });
  assert.match(ours.randomUUID(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(ours.getRandomValues(new Uint32Array(4)).length, 4);
});

test("results are Toro's Buffers, whose toString(encoding) speaks Node's encodings", () => {
  const bytes = Uint8Array.from([0, 1, 127, 128, 250, 255, 0x3e, 0x3f]);
  for (const encoding of ["hex", "base64", "base64url", "latin1", "utf8"]) {
    assert.equal(toNodeBytes(bytes).toString(encoding as BufferEncoding), Buffer.from(bytes).toString(encoding as BufferEncoding), encoding);
    const text = Buffer.from(bytes).toString(encoding as BufferEncoding);
    assert.deepEqual(decodeString(text, encoding), new Uint8Array(Buffer.from(text, encoding as BufferEncoding)), encoding);
  }
  assert.equal(toNodeBytes(new TextEncoder().encode("ü✓")).toString(), "ü✓");
  assert.equal(encodeBytes(new Uint8Array([1, 2]), "HEX"), "0102");
  assert.deepEqual(decodeString("0102zz03", "hex"), Uint8Array.of(1, 2), "hex stops at the first bad pair, as Node");
  assert.deepEqual(decodeString("YW Jj\n", "base64"), new TextEncoder().encode("abc"));
  // Results are Buffers over the same memory.
  const view = new Uint8Array([5, 6, 7]);
  const result = toNodeBytes(view);
  assert.ok(OurBuffer.isBuffer(result));
  assert.equal(result.buffer, view.buffer);
});

test("booted: a guest importing node:crypto (and bare 'crypto') hashes, MACs and compares as Node does", async () => {
  const run = await toro(["run", join(import.meta.dirname, "guest", "node-crypto.ts"), "--timeout", "60s"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const expected = [
    nodeCrypto.createHash("sha256").update("abc").digest("hex"),
    nodeCrypto.createHash("md5").update("abc").digest("base64"),
    nodeCrypto.createHash("sha1").update("abc").digest("hex"),
    nodeCrypto.createHmac("sha256", "key").update("abc").digest("base64url"),
    "true false RangeError",
    "32 true",
  ];
  assert.deepEqual(run.stdout.trim().split("\n").slice(0, expected.length), expected);
  const [bytes, uuid, int] = run.stdout.trim().split("\n").slice(expected.length);
  assert.match(bytes, /^[0-9a-f]{32}$/);
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  assert.ok(Number(int) >= 10 && Number(int) < 20);
});
