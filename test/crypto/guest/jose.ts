// jose in the guest: HS256 and ES256 JWTs signed and verified, and RS256 verified, with what the host
// passes in the environment (keys as JWKs, tokens it signed); each result is one line the host checks.
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from "jose";
import { env } from "toro";

const claims = JSON.parse(env.CLAIMS);
const secret = new TextEncoder().encode(env.HS_SECRET);
const report = (name: string, value: unknown) => console.log(`${name} ${typeof value === "string" ? value : JSON.stringify(value)}`);

/** The verified payload, or the error's code: a tampered token must fail, not end the service. */
async function verified(token: string, key: Parameters<typeof jwtVerify>[1]) {
  try {
    return (await jwtVerify(token, key)).payload;
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}
const tampered = (token: string) => token.slice(0, -6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");

report("HS256", await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(secret));
report("HS256-verified", await verified(env.HS_TOKEN, secret));
report("HS256-tampered", await verified(tampered(env.HS_TOKEN), secret));

const esPrivate = await importJWK(JSON.parse(env.ES_PRIVATE) as JWK, "ES256");
let started = performance.now();
const es256 = await new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(esPrivate);
report("ES256-first-sign-ms", (performance.now() - started).toFixed(1));
started = performance.now();
report("ES256", await new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(esPrivate));
report("ES256-sign-ms", (performance.now() - started).toFixed(1));
report("ES256-first", es256);
const esPublic = await importJWK(JSON.parse(env.ES_PUBLIC) as JWK, "ES256");
started = performance.now();
report("ES256-verified", await verified(env.ES_TOKEN, esPublic));
report("ES256-verify-ms", (performance.now() - started).toFixed(1));
report("ES256-tampered", await verified(tampered(env.ES_TOKEN), esPublic));

const generated = await generateKeyPair("ES256", { extractable: true });
report("ES256-generated-public", await exportJWK(generated.publicKey));
report("ES256-generated", await new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).sign(generated.privateKey));

const rsPublic = await importJWK(JSON.parse(env.RS_PUBLIC) as JWK, "RS256");
report("RS256-verified", await verified(env.RS_TOKEN, rsPublic));
report("RS256-tampered", await verified(tampered(env.RS_TOKEN), rsPublic));
