import { test } from "node:test";
import assert from "node:assert/strict";
import { chacha20 } from "@noble/ciphers/chacha.js";
import { KeyErasureRng } from "../../kernel/crypto/key-erasure-rng.ts";
import { createCrypto } from "../../kernel/crypto/web-crypto.ts";

test("the generator is ChaCha20 with key erasure: deterministic for a seed, never repeating its key", () => {
  const seed = new Uint8Array(32).fill(9);
  const a = new KeyErasureRng(), b = new KeyErasureRng();
  a.reseed(seed);
  b.reseed(seed);
  const x = new Uint8Array(48), y = new Uint8Array(48);
  a.fill(x);
  b.fill(y);
  assert.deepEqual(x, y);
  const again = new Uint8Array(48);
  a.fill(again);
  assert.notDeepEqual(again, x);
  // Check against the cipher directly: seed → one erasure step → key; output = keystream after 32 bytes.
  const key = chacha20(seed, new Uint8Array(12), new Uint8Array(32));
  const expected = chacha20(key, new Uint8Array(12), new Uint8Array(32 + 48)).subarray(32);
  assert.deepEqual(x, expected);
});

test("getRandomValues fills integer arrays in place, seeds once, reseeds after a while", () => {
  const reads: number[] = [];
  let n = 0;
  const crypto = createCrypto({ read: (count) => (reads.push(count), new Uint8Array(count).fill(++n)) });
  const u32 = new Uint32Array(8);
  assert.equal(crypto.getRandomValues(u32), u32);
  assert.ok(u32.some((v) => v !== 0));
  const view = new Uint8Array(new ArrayBuffer(16), 4, 8);
  crypto.getRandomValues(view);
  assert.deepEqual(new Uint8Array(view.buffer, 0, 4), new Uint8Array(4));
  assert.deepEqual(reads, [32]);
  for (let i = 0; i < 17; i++) crypto.getRandomValues(new Uint8Array(65536));
  assert.equal(reads.length, 2);
});

test("getRandomValues refuses floats and more than 64 KiB", () => {
  const crypto = createCrypto({ read: (count) => new Uint8Array(count).fill(1) });
  assert.throws(() => crypto.getRandomValues(new Float64Array(2) as unknown as Uint8Array), TypeError);
  assert.throws(() => crypto.getRandomValues(new Uint8Array(65537)), /limit is 65536/);
});

test("randomUUID gives version 4, variant 1 UUIDs", () => {
  const crypto = createCrypto({ read: (count) => new Uint8Array(count).fill(3) });
  const ids = new Set(Array.from({ length: 50 }, () => crypto.randomUUID()));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
