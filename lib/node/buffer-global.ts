/** The global `Buffer`, as Node, Deno and Workers' nodejs_compat have it; linked only when code names it. */
import { installGlobal } from "../http/install-global.ts";
import { Buffer } from "./buffer.ts";

installGlobal("Buffer", Buffer);
