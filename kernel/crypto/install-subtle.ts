/**
 * Adds `subtle` to the global `crypto`, and the CryptoKey and SubtleCrypto
 * globals. The build links this module only into services whose code names
 * `crypto.subtle` (or CryptoKey, SubtleCrypto): the algorithms and curves
 * cost an image some 130 KiB that most services never need.
 */
import { installGlobal } from "../../lib/http/install-global.ts";
import { CryptoKey } from "./subtle/crypto-key.ts";
import { SubtleCrypto } from "./subtle/subtle-crypto.ts";

/** The one SubtleCrypto of the process (node:crypto's `subtle` and `webcrypto.subtle` too). */
export const subtle = new SubtleCrypto();

function withSubtle<T>(crypto: T): T {
  if (crypto !== null && typeof crypto === "object" && !("subtle" in crypto)) {
    Object.defineProperty(crypto, "subtle", { value: subtle, enumerable: true, configurable: true, writable: false });
  }
  return crypto;
}

// The boot defines `crypto` as a getter that builds it on first use: keep that, and add subtle to what it builds.
const descriptor = Object.getOwnPropertyDescriptor(globalThis, "crypto");
if (descriptor?.get) {
  const get = descriptor.get;
  Object.defineProperty(globalThis, "crypto", { ...descriptor, get: () => withSubtle(get.call(globalThis)) });
} else if (descriptor) {
  withSubtle(descriptor.value);
}
installGlobal("CryptoKey", CryptoKey);
installGlobal("SubtleCrypto", SubtleCrypto);
