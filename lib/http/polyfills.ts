/**
 * The web globals the HTTP code itself needs (TextEncoder, TextDecoder, URL,
 * URLSearchParams), installed where missing. Modules that use them at load
 * time import this first, so they work whether or not a service imported
 * globals.ts, and in whatever order.
 */
/// <reference path="./vendor.d.ts" />
import { TextDecoder, TextEncoder } from "text-encoding-utf-8";
import URLPolyfill from "core-js-pure/web/url";
import URLSearchParamsPolyfill from "core-js-pure/web/url-search-params";

/** Define `name` on globalThis unless the engine already has it. */
export function installGlobal(name: string, value: unknown): void {
  if (name in globalThis) return;
  // Non-enumerable and writable, like the built-in globals they stand in for.
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

installGlobal("TextEncoder", TextEncoder);
installGlobal("TextDecoder", TextDecoder);
installGlobal("URL", URLPolyfill);
installGlobal("URLSearchParams", URLSearchParamsPolyfill);
