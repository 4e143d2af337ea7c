/**
 * Toro's SubtleCrypto against Node's own: the same inputs give the same
 * outputs (digests, MACs, ciphertexts, derived bits, exported keys), and
 * what one signs the other verifies, both ways.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, webcrypto } from "node:crypto";
import { SubtleCrypto } from "../../kernel/crypto/subtle/subtle-crypto.ts";
import type { CryptoKey as OurKey } from "../../kernel/crypto/subtle/crypto-key.ts";

const ours = new SubtleCrypto();
const node = webcrypto.subtle;
const text = (s: string) => new TextEncoder().encode(s);
const random = (n: number) => new Uint8Array(randomBytes(n));
const bytes = (buffer: ArrayBuffer) => new Uint8Array(buffer);
const HASHES = ["SHA-1", "SHA-256", "SHA-384", "SHA-512"];
const CURVES = ["P-256", "P-384", "P-521"];

/** A key's public face, to compare ours with Node's. */
type NodeKey = webcrypto.CryptoKey;
type JsonWebKey = webcrypto.JsonWebKey;
/** Node's importKey/exportKey for a format known only at run time (its overloads want a literal). */
const loose = node as unknown as {
  importKey(format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: string[]): Promise<NodeKey>;
  exportKey(format: string, key: NodeKey): Promise<ArrayBuffer | JsonWebKey>;
};
const face = (key: OurKey | NodeKey) => ({ type: key.type, extractable: key.extractable, algorithm: { ...key.algorithm }, usages: [...key.usages].sort() });

async function rejectsNamed(promise: Promise<unknown>, name: string) {
  await assert.rejects(promise, (error: Error) => error.name === name || assert.fail(`${error.name}: ${error.message}, not ${name}`));
}

test("digest: SHA-1/256/384/512 as Node's, for empty, short, block-edge and 1 MB inputs, from any BufferSource", async () => {
  const inputs = [new Uint8Array(0), text("abc"), random(55), random(64), random(111), random(128), random(1 << 20)];
  for (const hash of HASHES) {
    for (const input of inputs) assert.deepEqual(bytes(await ours.digest(hash, input)), bytes(await node.digest(hash, input)), `${hash} of ${input.length} bytes`);
  }
  const backing = random(40);
  const view = new DataView(backing.buffer, 3, 30);
  assert.deepEqual(bytes(await ours.digest({ name: "sha-256" }, view)), bytes(await node.digest("SHA-256", view)));
  assert.deepEqual(bytes(await ours.digest("SHA-256", backing.buffer)), bytes(await node.digest("SHA-256", backing.buffer)));
  await rejectsNamed(ours.digest("MD5", text("x")), "NotSupportedError");
  await rejectsNamed(ours.digest("HMAC", text("x")), "NotSupportedError");
  await assert.rejects(ours.digest("SHA-256", "not bytes" as unknown as Uint8Array), TypeError);
});

test("HMAC: signatures equal Node's for every hash; generated keys have Node's length, algorithm and JWK", async () => {
  for (const hash of HASHES) {
    const raw = random(37);
    const a = await ours.importKey("raw", raw, { name: "HMAC", hash }, true, ["sign", "verify"]);
    const b = await node.importKey("raw", raw, { name: "HMAC", hash }, true, ["sign", "verify"]);
    assert.deepEqual(face(a), face(b));
    const data = random(300);
    const signature = await ours.sign("HMAC", a, data);
    assert.deepEqual(bytes(signature), bytes(await node.sign("HMAC", b, data)));
    assert.equal(await ours.verify("HMAC", a, signature, data), true);
    const bad = bytes(signature).slice();
    bad[0] ^= 1;
    assert.equal(await ours.verify("HMAC", a, bad, data), false);
    assert.deepEqual(await ours.exportKey("jwk", a), await node.exportKey("jwk", b));

    const generated = await ours.generateKey({ name: "HMAC", hash }, true, ["sign", "verify"]) as OurKey;
    const nodeGenerated = await node.generateKey({ name: "HMAC", hash }, true, ["sign", "verify"]);
    assert.deepEqual(face(generated), face(nodeGenerated));
    const jwk = await ours.exportKey("jwk", generated);
    const imported = await node.importKey("jwk", jwk as JsonWebKey, { name: "HMAC", hash }, true, ["verify"]);
    assert.equal(await node.verify("HMAC", imported, await ours.sign("HMAC", generated, data), data), true);
  }
  const short = await ours.generateKey({ name: "HMAC", hash: "SHA-256", length: 100 }, true, ["sign"]) as OurKey;
  assert.equal(short.algorithm.length, 100);
  assert.equal(bytes(await ours.exportKey("raw", short) as ArrayBuffer).length, 13);
});

test("HMAC: a JWK from Node imports, and a JWK that disagrees with the import is a DataError", async () => {
  const key = await node.generateKey({ name: "HMAC", hash: "SHA-384" }, true, ["sign"]);
  const jwk = await node.exportKey("jwk", key);
  const imported = await ours.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-384" }, false, ["sign"]);
  assert.deepEqual(bytes(await ours.sign("HMAC", imported, text("m"))), bytes(await node.sign("HMAC", key, text("m"))));
  await rejectsNamed(ours.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]), "DataError");
  await rejectsNamed(ours.importKey("jwk", { ...jwk, kty: "EC" }, { name: "HMAC", hash: "SHA-384" }, false, ["sign"]), "DataError");
  await rejectsNamed(ours.importKey("jwk", { ...jwk, key_ops: ["verify"] }, { name: "HMAC", hash: "SHA-384" }, false, ["sign"]), "DataError");
  await rejectsNamed(ours.importKey("jwk", { ...jwk, ext: false }, { name: "HMAC", hash: "SHA-384" }, true, ["sign"]), "DataError");
  await rejectsNamed(ours.importKey("jwk", { ...jwk, k: "!!" }, { name: "HMAC", hash: "SHA-384" }, false, ["sign"]), "DataError");
});

for (const namedCurve of CURVES) {
  const hash = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" }[namedCurve]!;
  test(`ECDSA ${namedCurve}: ours signs and Node verifies, Node signs and ours verifies, in every key format`, async () => {
    const pair = await ours.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]) as { publicKey: OurKey; privateKey: OurKey };
    const nodePair = await node.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
    assert.deepEqual(face(pair.publicKey), face(nodePair.publicKey));
    assert.deepEqual(face(pair.privateKey), face(nodePair.privateKey));
    const data = random(200);
    const algorithm = { name: "ECDSA", hash };
    const signature = await ours.sign(algorithm, pair.privateKey, data);
    for (const format of ["raw", "spki", "jwk"] as const) {
      const exported = await ours.exportKey(format, pair.publicKey);
      const nodePublic = await loose.importKey(format, exported, { name: "ECDSA", namedCurve }, true, ["verify"]);
      assert.equal(await node.verify(algorithm, nodePublic, signature, data), true, `Node verifies with our ${format} key`);
      assert.deepEqual(await loose.exportKey(format, nodePublic), exported, `Node exports the ${format} key as we did`);
    }
    // A different hash than the curve's is allowed, as the spec has it.
    const sha1Signature = await ours.sign({ name: "ECDSA", hash: "SHA-1" }, pair.privateKey, data);
    const nodeSpki = await node.importKey("spki", await ours.exportKey("spki", pair.publicKey) as ArrayBuffer, { name: "ECDSA", namedCurve }, true, ["verify"]);
    assert.equal(await node.verify({ name: "ECDSA", hash: "SHA-1" }, nodeSpki, sha1Signature, data), true);

    for (const format of ["pkcs8", "jwk"] as const) {
      const exported = await loose.exportKey(format, nodePair.privateKey);
      const mine = await ours.importKey(format, exported as ArrayBuffer & JsonWebKey, { name: "ECDSA", namedCurve }, true, ["sign"]);
      assert.deepEqual(await ours.exportKey(format, mine), exported, `our ${format} export is Node's`);
      const signed = await ours.sign(algorithm, mine, data);
      assert.equal(await node.verify(algorithm, nodePair.publicKey, signed, data), true);
    }
    const nodeSignature = await node.sign(algorithm, nodePair.privateKey, data);
    const nodeRaw = await node.exportKey("raw", nodePair.publicKey);
    const theirs = await ours.importKey("raw", nodeRaw, { name: "ECDSA", namedCurve }, true, ["verify"]);
    assert.equal(await ours.verify(algorithm, theirs, nodeSignature, data), true);
    const tampered = bytes(nodeSignature).slice();
    tampered[5] ^= 0x40;
    assert.equal(await ours.verify(algorithm, theirs, tampered, data), false);
    assert.equal(await ours.verify(algorithm, theirs, bytes(nodeSignature).subarray(1), data), false, "a short signature is false, not an error");
    assert.equal(await ours.verify(algorithm, theirs, nodeSignature, random(200)), false);
  });
}

test("Ed25519: signatures equal Node's (Ed25519 is deterministic), keys cross in every format, tampering is false", async () => {
  const data = random(300);
  const nodePair = await node.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as webcrypto.CryptoKeyPair;
  for (const format of ["pkcs8", "jwk"] as const) {
    const exported = await loose.exportKey(format, nodePair.privateKey);
    const mine = await ours.importKey(format, exported as ArrayBuffer & JsonWebKey, "Ed25519", true, ["sign"]);
    assert.deepEqual(face(mine), face(nodePair.privateKey));
    assert.deepEqual(await ours.exportKey(format, mine), exported, `our ${format} export is Node's`);
    assert.deepEqual(bytes(await ours.sign("Ed25519", mine, data)), bytes(await node.sign("Ed25519", nodePair.privateKey, data)));
  }
  const pair = await ours.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as { publicKey: OurKey; privateKey: OurKey };
  assert.deepEqual(face(pair.publicKey), { type: "public", extractable: true, algorithm: { name: "Ed25519" }, usages: ["verify"] });
  const signature = await ours.sign("Ed25519", pair.privateKey, data);
  for (const format of ["raw", "spki", "jwk"] as const) {
    const exported = await ours.exportKey(format, pair.publicKey);
    const nodePublic = await loose.importKey(format, exported, "Ed25519", true, ["verify"]);
    assert.equal(await node.verify("Ed25519", nodePublic, signature, data), true, `Node verifies with our ${format} key`);
    assert.deepEqual(await loose.exportKey(format, nodePublic), exported);
  }
  const theirs = await ours.importKey("raw", await node.exportKey("raw", nodePair.publicKey), "Ed25519", true, ["verify"]);
  const nodeSignature = bytes(await node.sign("Ed25519", nodePair.privateKey, data));
  assert.equal(await ours.verify("Ed25519", theirs, nodeSignature, data), true);
  nodeSignature[9] ^= 1;
  assert.equal(await ours.verify("Ed25519", theirs, nodeSignature, data), false);
  await rejectsNamed(ours.importKey("raw", random(31), "Ed25519", true, ["verify"]), "DataError");
  await rejectsNamed(ours.importKey("raw", random(32).fill(0xff), "Ed25519", true, ["verify"]), "DataError");
  await rejectsNamed(ours.generateKey("Ed25519", true, ["encrypt"]), "SyntaxError");
});

test("ECDSA: bad keys are DataErrors, wrong usages SyntaxErrors, the wrong key type InvalidAccessError", async () => {
  const pair = await node.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const raw = bytes(await node.exportKey("raw", pair.publicKey));
  const offCurve = raw.slice();
  offCurve[40] ^= 1;
  await rejectsNamed(ours.importKey("raw", offCurve, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  const spki = bytes(await node.exportKey("spki", pair.publicKey));
  await rejectsNamed(ours.importKey("spki", spki, { name: "ECDSA", namedCurve: "P-384" }, true, ["verify"]), "DataError");
  await rejectsNamed(ours.importKey("spki", spki.subarray(0, 40), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]), "DataError");
  await rejectsNamed(ours.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "SyntaxError");
  await rejectsNamed(ours.importKey("raw", raw, { name: "ECDSA", namedCurve: "K-256" }, true, ["verify"]), "NotSupportedError");
  const jwk = await node.exportKey("jwk", pair.privateKey);
  await rejectsNamed(ours.importKey("jwk", { ...jwk, d: jwk.x }, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "DataError");
  await rejectsNamed(ours.importKey("jwk", { ...jwk, alg: "ES384" }, { name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]), "DataError");
  const publicKey = await ours.importKey("raw", raw, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  await rejectsNamed(ours.sign({ name: "ECDSA", hash: "SHA-256" }, publicKey, text("x")), "InvalidAccessError");
  await rejectsNamed(ours.exportKey("pkcs8", publicKey), "InvalidAccessError");
  const secret = await ours.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  await rejectsNamed(ours.exportKey("jwk", secret), "InvalidAccessError");
  await rejectsNamed(ours.sign({ name: "HMAC" }, secret, text("x")), "InvalidAccessError");
});

test("ECDH: both sides derive Node's shared secret, by deriveBits and by deriveKey", async () => {
  for (const namedCurve of CURVES) {
    const mine = await ours.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits", "deriveKey"]) as { publicKey: OurKey; privateKey: OurKey };
    const theirs = await node.generateKey({ name: "ECDH", namedCurve }, true, ["deriveBits", "deriveKey"]);
    assert.deepEqual(face(mine.privateKey), face(theirs.privateKey));
    assert.deepEqual(mine.publicKey.usages, []);
    const theirPublic = await ours.importKey("spki", await node.exportKey("spki", theirs.publicKey), { name: "ECDH", namedCurve }, true, []);
    const myPublic = await node.importKey("jwk", await ours.exportKey("jwk", mine.publicKey) as JsonWebKey, { name: "ECDH", namedCurve }, true, []);
    const bits = bytes(await ours.deriveBits({ name: "ECDH", public: theirPublic }, mine.privateKey, null));
    assert.deepEqual(bits, bytes(await node.deriveBits({ name: "ECDH", public: myPublic }, theirs.privateKey, bits.length * 8)));
    assert.deepEqual(bytes(await ours.deriveBits({ name: "ECDH", public: theirPublic }, mine.privateKey, 128)), bits.subarray(0, 16));
    const aes = await ours.deriveKey({ name: "ECDH", public: theirPublic }, mine.privateKey, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    assert.deepEqual(bytes(await ours.exportKey("raw", aes) as ArrayBuffer), bits.subarray(0, 32));
  }
  const p256 = await ours.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]) as { publicKey: OurKey; privateKey: OurKey };
  const p384 = await ours.generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]) as { publicKey: OurKey; privateKey: OurKey };
  await rejectsNamed(ours.deriveBits({ name: "ECDH", public: p384.publicKey }, p256.privateKey, 256), "InvalidAccessError");
  await rejectsNamed(ours.deriveBits({ name: "ECDH", public: p256.privateKey }, p256.privateKey, 256), "InvalidAccessError");
  await rejectsNamed(ours.deriveBits({ name: "ECDH", public: p256.publicKey }, p256.privateKey, 264), "OperationError");
});

test("AES-GCM: ciphertexts equal Node's (with and without additional data, 96-bit and other IVs); a tampered one is an OperationError", async () => {
  for (const length of [128, 192, 256]) {
    const raw = random(length / 8);
    const a = await ours.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
    const b = await node.importKey("raw", raw, "AES-GCM", true, ["encrypt", "decrypt"]);
    assert.deepEqual(face(a), face(b));
    assert.deepEqual(await ours.exportKey("jwk", a), await node.exportKey("jwk", b));
    for (const parameters of [{ iv: random(12) }, { iv: random(12), additionalData: random(20) }, { iv: random(16), additionalData: new Uint8Array(0) }]) {
      const plaintext = random(1000);
      const sealed = await ours.encrypt({ name: "AES-GCM", ...parameters }, a, plaintext);
      assert.deepEqual(bytes(sealed), bytes(await node.encrypt({ name: "AES-GCM", ...parameters }, b, plaintext)));
      assert.deepEqual(bytes(await ours.decrypt({ name: "AES-GCM", ...parameters }, a, sealed)), plaintext);
      const tampered = bytes(sealed).slice();
      tampered[3] ^= 1;
      await rejectsNamed(ours.decrypt({ name: "AES-GCM", ...parameters }, a, tampered), "OperationError");
    }
  }
  const generated = await ours.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]) as OurKey;
  assert.deepEqual(face(generated), face(await node.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]) as NodeKey));
  await rejectsNamed(ours.generateKey({ name: "AES-GCM", length: 100 }, true, ["encrypt"]), "OperationError");
  await rejectsNamed(ours.importKey("raw", random(17), "AES-GCM", true, ["encrypt"]), "DataError");
  await rejectsNamed(ours.importKey("raw", random(16), "AES-GCM", true, ["sign"]), "SyntaxError");
  await rejectsNamed(ours.importKey("raw", random(16), "AES-GCM", true, []), "SyntaxError");
  await rejectsNamed(ours.encrypt({ name: "AES-GCM", iv: random(12), tagLength: 96 }, generated, text("x")), "NotSupportedError");
});

test("AES-CBC and AES-KW: ciphertexts and wrapped keys equal Node's, and unwrap back", async () => {
  const raw = random(32);
  const a = await ours.importKey("raw", raw, "AES-CBC", true, ["encrypt", "decrypt"]);
  const b = await node.importKey("raw", raw, "AES-CBC", true, ["encrypt", "decrypt"]);
  for (const size of [0, 15, 16, 33]) {
    const iv = random(16), plaintext = random(size);
    const sealed = await ours.encrypt({ name: "AES-CBC", iv }, a, plaintext);
    assert.deepEqual(bytes(sealed), bytes(await node.encrypt({ name: "AES-CBC", iv }, b, plaintext)));
    assert.deepEqual(bytes(await ours.decrypt({ name: "AES-CBC", iv }, a, sealed)), plaintext);
  }
  await rejectsNamed(ours.decrypt({ name: "AES-CBC", iv: random(16) }, a, random(16)).then(() => ours.decrypt({ name: "AES-CBC", iv: random(16) }, a, random(15))), "OperationError");

  const kekRaw = random(16);
  const kek = await ours.importKey("raw", kekRaw, "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const nodeKek = await node.importKey("raw", kekRaw, "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const wrapped = await ours.wrapKey("raw", a, kek, "AES-KW");
  assert.deepEqual(bytes(wrapped), bytes(await node.wrapKey("raw", b, nodeKek, "AES-KW")));
  const unwrapped = await ours.unwrapKey("raw", wrapped, kek, "AES-KW", "AES-CBC", true, ["decrypt"]);
  assert.deepEqual(bytes(await ours.exportKey("raw", unwrapped) as ArrayBuffer), raw);
  const corrupt = bytes(wrapped).slice();
  corrupt[0] ^= 1;
  await rejectsNamed(ours.unwrapKey("raw", corrupt, kek, "AES-KW", "AES-CBC", true, ["decrypt"]), "OperationError");

  // A JWK wrapped with AES-GCM, unwrapped by Node.
  const gcmRaw = random(16), iv = random(12);
  const gcmKey = await ours.importKey("raw", gcmRaw, "AES-GCM", false, ["wrapKey"]);
  const hmac = await ours.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["sign"]) as OurKey;
  const wrappedJwk = await ours.wrapKey("jwk", hmac, gcmKey, { name: "AES-GCM", iv });
  const nodeGcm = await node.importKey("raw", gcmRaw, "AES-GCM", false, ["unwrapKey"]);
  const nodeHmac = await node.unwrapKey("jwk", wrappedJwk, nodeGcm, { name: "AES-GCM", iv }, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
  assert.deepEqual(bytes(await node.sign("HMAC", nodeHmac, text("m"))), bytes(await ours.sign("HMAC", hmac, text("m"))));
});

test("PBKDF2 and HKDF: derived bits and keys equal Node's", async () => {
  const password = text("correct horse battery staple");
  for (const hash of HASHES) {
    const a = await ours.importKey("raw", password, "PBKDF2", false, ["deriveBits", "deriveKey"]);
    const b = await node.importKey("raw", password, "PBKDF2", false, ["deriveBits", "deriveKey"]);
    assert.deepEqual(face(a), face(b));
    const parameters = { name: "PBKDF2", salt: random(16), iterations: 1000, hash };
    assert.deepEqual(bytes(await ours.deriveBits(parameters, a, 520)), bytes(await node.deriveBits(parameters, b, 520)));
    const key = await ours.deriveKey(parameters, a, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
    const nodeKey = await node.deriveKey(parameters, b, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
    assert.deepEqual(face(key), face(nodeKey));
    assert.deepEqual(await ours.exportKey("jwk", key), await node.exportKey("jwk", nodeKey));

    const ikm = random(22);
    const c = await ours.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]);
    const d = await node.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]);
    for (const salt of [random(13), new Uint8Array(0)]) {
      const hkdf = { name: "HKDF", hash, salt, info: text("context") };
      assert.deepEqual(bytes(await ours.deriveBits(hkdf, c, 336)), bytes(await node.deriveBits(hkdf, d, 336)));
    }
    const aes = await ours.deriveKey({ name: "HKDF", hash, salt: random(4), info: new Uint8Array(0) }, c, { name: "AES-KW", length: 192 }, false, ["wrapKey"]);
    assert.deepEqual(aes.algorithm, { name: "AES-KW", length: 192 });
  }
  await rejectsNamed(ours.importKey("raw", password, "PBKDF2", true, ["deriveBits"]), "SyntaxError");
  const key = await ours.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  await rejectsNamed(ours.deriveBits({ name: "PBKDF2", salt: random(8), iterations: 0, hash: "SHA-256" }, key, 256), "OperationError");
  await rejectsNamed(ours.deriveBits({ name: "PBKDF2", salt: random(8), iterations: 10, hash: "SHA-256" }, key, 255), "OperationError");
  await rejectsNamed(ours.deriveKey({ name: "PBKDF2", salt: random(8), iterations: 10, hash: "SHA-256" }, key, { name: "AES-GCM", length: 128 }, false, ["encrypt"]), "InvalidAccessError");
});

test("RSA: Node's RSASSA-PKCS1-v1_5 and RSA-PSS signatures verify with SPKI and JWK public keys; tampering is false; private keys are NotSupportedError", async () => {
  for (const [name, parameters] of [["RSASSA-PKCS1-v1_5", {}], ["RSA-PSS", { saltLength: 32 }]] as const) {
    for (const hash of ["SHA-256", "SHA-512"]) {
      const algorithm = { name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash };
      const pair = await node.generateKey(algorithm, true, ["sign", "verify"]);
      const data = random(100);
      const signature = await node.sign({ name, ...parameters }, pair.privateKey, data);
      for (const format of ["spki", "jwk"] as const) {
        const exported = await loose.exportKey(format, pair.publicKey);
        const key = await ours.importKey(format, exported as ArrayBuffer & JsonWebKey, { name, hash }, true, ["verify"]);
        assert.deepEqual(face(key), face(pair.publicKey));
        assert.deepEqual(await ours.exportKey(format, key), exported);
        assert.equal(await ours.verify({ name, ...parameters }, key, signature, data), true, `${name} ${hash} ${format}`);
        const tampered = bytes(signature).slice();
        tampered[100] ^= 1;
        assert.equal(await ours.verify({ name, ...parameters }, key, tampered, data), false);
        assert.equal(await ours.verify({ name, ...parameters }, key, signature, random(100)), false);
      }
      await rejectsNamed(ours.importKey("pkcs8", await node.exportKey("pkcs8", pair.privateKey), { name, hash }, true, ["sign"]), "NotSupportedError");
      await rejectsNamed(ours.importKey("jwk", await node.exportKey("jwk", pair.privateKey), { name, hash }, true, ["sign"]), "NotSupportedError");
    }
  }
  await rejectsNamed(ours.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"]), "NotSupportedError");
});

test("arguments: errors reject the promise with the spec's names, and CryptoKey cannot be constructed", async () => {
  const key = await ours.importKey("raw", random(16), "AES-GCM", false, ["encrypt"]);
  const pending = ours.importKey("bogus" as "raw", random(16), "AES-GCM", false, ["encrypt"]);
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, TypeError);
  await assert.rejects(ours.importKey("raw", random(16), "AES-GCM", false, ["fly" as "encrypt"]), TypeError);
  await rejectsNamed(ours.generateKey({ name: "X448" }, true, ["deriveBits"]), "NotSupportedError");
  await rejectsNamed(ours.sign("AES-GCM", key, text("x")), "NotSupportedError");
  await rejectsNamed(ours.encrypt({ name: "AES-GCM", iv: random(12) }, key, text("x")).then(() => ours.decrypt({ name: "AES-GCM", iv: random(12) }, key, random(40))), "InvalidAccessError");
  await assert.rejects(ours.encrypt({ name: "AES-GCM" }, key, text("x")), TypeError);
  await assert.rejects(ours.exportKey("raw", {} as OurKey), TypeError);
  const KeyClass = key.constructor as new () => unknown;
  assert.throws(() => new KeyClass(), TypeError);
  assert.equal(Object.prototype.toString.call(key), "[object CryptoKey]");
  assert.equal(Object.prototype.toString.call(ours), "[object SubtleCrypto]");
});
