import * as jose from "jose";
import { cases } from "./show.ts";

const secret = new TextEncoder().encode("a-string-secret-at-least-256-bits-long");
const claims = { sub: "user-1", admin: true };

await cases({
  hs256: async () => {
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt(1_700_000_000).setIssuer("toro").sign(secret);
    const { payload, protectedHeader } = await jose.jwtVerify(token, secret, { issuer: "toro", currentDate: new Date(1_700_000_100_000) });
    return { token, payload, protectedHeader };
  },
  hs256Tampered: async () => {
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(secret);
    return jose.jwtVerify(token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA"), secret).then(() => "accepted", (e) => e.code);
  },
  es256: async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair("ES256");
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: "ES256" }).setExpirationTime("2h").sign(privateKey);
    const { payload } = await jose.jwtVerify(token, publicKey);
    const jwk = await jose.exportJWK(publicKey);
    return { header: jose.decodeProtectedHeader(token), sub: payload.sub, hasExp: typeof payload.exp === "number", jwk: [jwk.kty, jwk.crv] };
  },
  es256FromNode: async () => {
    // A fixed key and a token Node signed with it: the guest checks a known answer, and signs with the same key.
    const jwk = { kty: "EC", crv: "P-256", x: "YtZMj-i3POEi_MmfMqMWdxQvHVKk9xewyddt8MgAXXw", y: "k2jpX22EqSeqKKRBOJlwvarV1nMtxtN5XzZPA2LHZaw" };
    const fromNode = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzaWduZWQtYnktbm9kZSIsImlhdCI6MTcwMDAwMDAwMH0.UasfHwU-4UghZH0xsO7tDYmza25cL1A6c5kps-VKifx62eFVXKUMO6k7Chgrv_vpNXg33IB33DqMUYVQCEjRkA";
    const publicKey = await jose.importJWK(jwk, "ES256");
    const privateKey = await jose.importJWK({ ...jwk, d: "c9Cs06umCRK0PlPkdMjWoCgryxKTFn5fcHjGJJ2PF7c" }, "ES256");
    const ours = await new jose.SignJWT({ sub: "signed-here" }).setProtectedHeader({ alg: "ES256" }).sign(privateKey);
    return [(await jose.jwtVerify(fromNode, publicKey)).payload, (await jose.jwtVerify(ours, publicKey)).payload.sub];
  },
  ed25519: async () => {
    // EdDSA is deterministic: the same key and claims give Node's token exactly.
    const jwk = { kty: "OKP", crv: "Ed25519", x: "gyA0fts_v5jE03f38Hw6JLLsaYeqCqYO5D1Gxws4cRo" };
    const privateKey = await jose.importJWK({ ...jwk, d: "fMlgOJ4X_gEnsz7O-IfzfS02il3z50mKy0_JIpKkC8Q" }, "EdDSA");
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg: "EdDSA" }).setIssuedAt(1_700_000_000).sign(privateKey);
    const { payload } = await jose.jwtVerify(token, await jose.importJWK(jwk, "EdDSA"));
    return { token, payload };
  },
  expired: async () => {
    const token = await new jose.SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime(1_000).sign(secret);
    return jose.jwtVerify(token, secret).then(() => "accepted", (e) => e.code);
  },
});
