/** Installs reportError where missing (the build links this when a service names it). */
import { installGlobal } from "../../http/install-global.ts";
import { reportError } from "../report-error.ts";

installGlobal("reportError", reportError);
