/**
 * Installs the web-standard globals a fetch service expects: TextEncoder,
 * TextDecoder, URL, URLSearchParams, Headers, Request and Response. Each is
 * set only where missing, so Node keeps its own and Toro gets these.
 * Import it for its effect: `import "../lib/http/globals.ts"`.
 */
import { installGlobal } from "./install-global.ts";
import { Headers } from "./headers.ts";
import { Request } from "./request.ts";
import { Response } from "./response.ts";

installGlobal("Headers", Headers);
installGlobal("Request", Request);
installGlobal("Response", Response);
