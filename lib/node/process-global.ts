/** The global `process`, as Node, Deno and Workers' nodejs_compat have it; linked only when code names it. */
import { installGlobal } from "../http/install-global.ts";
import process from "./process.ts";

installGlobal("process", process);
