/** Installs navigator where missing (the build links this when a service names it). */
import { installGlobal } from "../../http/install-global.ts";
import { navigator } from "../navigator.ts";

installGlobal("navigator", navigator);
