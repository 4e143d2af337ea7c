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
import { installGlobal } from "./install-global.ts";

export { installGlobal };

installGlobal("TextEncoder", TextEncoder);
installGlobal("TextDecoder", TextDecoder);
installGlobal("URL", URLPolyfill);
installGlobal("URLSearchParams", URLSearchParamsPolyfill);
