/** Installs atob and btoa where missing (the build links this when a service names either). */
import { installGlobal } from "../../http/install-global.ts";
import { atob, btoa } from "../base64.ts";

installGlobal("atob", atob);
installGlobal("btoa", btoa);
