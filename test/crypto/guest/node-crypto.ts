// node:crypto in the guest, as an npm package would use it (the default import, named imports, bare "crypto").
import crypto from "node:crypto";
import { createHmac, randomInt, timingSafeEqual } from "crypto";

console.log(crypto.createHash("sha256").update("abc").digest("hex"));
console.log(crypto.createHash("md5").update("abc").digest("base64"));
// Without node:buffer, digest() gives a Uint8Array whose toString speaks Node's encodings.
console.log(crypto.createHash("sha1").update("abc").digest().toString("hex"));
console.log(createHmac("sha256", "key").update("abc").digest("base64url"));
let lengths = "none";
try {
  timingSafeEqual(new Uint8Array(1), new Uint8Array(2));
} catch (error) {
  lengths = (error as Error).name;
}
console.log(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), timingSafeEqual(new Uint8Array([1]), new Uint8Array([2])), lengths);
const digest = await crypto.webcrypto.subtle.digest("SHA-256", new Uint8Array(3));
console.log(digest.byteLength, crypto.subtle === crypto.webcrypto.subtle);
console.log(crypto.randomBytes(16).toString("hex"));
console.log(crypto.randomUUID());
console.log(randomInt(10, 20));
