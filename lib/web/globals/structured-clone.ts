/** Installs structuredClone where missing (the build links this when a service names it). */
import { installGlobal } from "../../http/install-global.ts";
import { structuredClone } from "../structured-clone.ts";

installGlobal("structuredClone", structuredClone);
