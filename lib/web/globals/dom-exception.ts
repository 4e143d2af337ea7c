/** Installs DOMException where missing (the build links this when a service names it). */
import { installGlobal } from "../../http/install-global.ts";
import { DOMException } from "../dom-exception.ts";

installGlobal("DOMException", DOMException);
