/**
 * Booted: npm's jose signs and verifies JWTs in the guest over Toro's
 * crypto.subtle, and Node's jose agrees: the guest's HS256 token is the one
 * Node makes, its ES256 tokens verify in Node, and it verifies Node's HS256,
 * ES256 and RS256 tokens (and rejects them tampered).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import * as jose from "jose";
import { toro } from "../boot/helpers.ts";

const claims = { sub: "toro", iat: 1700000000, scope: "read write" };
const secret = "a shared secret of thirty-two b.";

test("booted: jose in the guest signs HS256/ES256 JWTs Node's jose accepts, and verifies Node's HS256, ES256 and RS256", async (t) => {
  const es = await jose.generateKeyPair("ES256", { extractable: true });
  const rs = await jose.generateKeyPair("RS256", { extractable: true });
  const hsKey = new TextEncoder().encode(secret);
  const env: Record<string, string> = {
    CLAIMS: JSON.stringify(claims),
    HS_SECRET: secret,
    HS_TOKEN: await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(hsKey),
    ES_PRIVATE: JSON.stringify(await jose.exportJWK(es.privateKey)),
    ES_PUBLIC: JSON.stringify(await jose.exportJWK(es.publicKey)),
    ES_TOKEN: await new jose.SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(es.privateKey),
    RS_PUBLIC: JSON.stringify(await jose.exportJWK(rs.publicKey)),
    RS_TOKEN: await new jose.SignJWT(claims).setProtectedHeader({ alg: "RS256" }).sign(rs.privateKey),
  };
  const args = Object.entries(env).flatMap(([name, value]) => ["--env", `${name}=${value}`]);
  const run = await toro(["run", join(import.meta.dirname, "guest", "jose.ts"), "--timeout", "120s", ...args], 180_000);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const lines = new Map(run.stdout.trim().split("\n").map((line) => [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)]));
  const result = (name: string) => lines.get(name) ?? assert.fail(`the guest printed no ${name}:\n${run.stdout}`);

  assert.equal(result("HS256"), await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(hsKey));
  for (const name of ["HS256", "ES256", "RS256"]) {
    assert.deepEqual(JSON.parse(result(`${name}-verified`)), claims, `the guest verified Node's ${name} token`);
    assert.deepEqual(JSON.parse(result(`${name}-tampered`)), { error: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  }
  for (const name of ["ES256", "ES256-first"]) {
    const { payload, protectedHeader } = await jose.jwtVerify(result(name), es.publicKey);
    assert.deepEqual(payload, claims);
    assert.deepEqual(protectedHeader, { alg: "ES256" });
  }
  assert.notEqual(result("ES256"), result("ES256-first"), "ECDSA signatures are randomized (hedged)");
  const generatedPublic = await jose.importJWK(JSON.parse(result("ES256-generated-public")), "ES256");
  assert.deepEqual((await jose.jwtVerify(result("ES256-generated"), generatedPublic)).payload, claims);
  t.diagnostic(`guest ES256: first sign ${result("ES256-first-sign-ms")} ms, then ${result("ES256-sign-ms")} ms; verify ${result("ES256-verify-ms")} ms`);
});
