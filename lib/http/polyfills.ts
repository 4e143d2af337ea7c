/**
 * The web globals the HTTP code itself needs (URL and URLSearchParams, from
 * lib/url), installed where missing. Modules that use them at load time
 * import this first, so they work whether or not a service imported
 * globals.ts, and in whatever order. TextEncoder and TextDecoder need no
 * installing: the kernel's boot provides them in the image, Node has its own.
 */
import { URL, URLSearchParams } from "../url/url.ts";
import { installGlobal } from "./install-global.ts";

export { installGlobal };

installGlobal("URL", URL);
installGlobal("URLSearchParams", URLSearchParams);
