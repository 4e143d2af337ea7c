/** Installs `self`, the global object under the name workers and browsers give it (the build links this when a service names it). */
import { installGlobal } from "../../http/install-global.ts";

installGlobal("self", globalThis);
