/**
 * Installs URLPattern where missing (the build links this when a service
 * names it), from urlpattern-polyfill: the WHATWG URL Pattern Standard's
 * reference-following implementation, which runs on QuickJS as it is.
 */
import { URLPattern } from "urlpattern-polyfill/urlpattern";
import { installGlobal } from "../../http/install-global.ts";
// It canonicalizes pattern parts through URL, which the build links only for services that name it.
import "../../http/polyfills.ts";

installGlobal("URLPattern", URLPattern);
