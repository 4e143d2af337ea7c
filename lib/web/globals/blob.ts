/** Installs Blob and File where missing (the build links this when a service names either, or FormData). */
import { installGlobal } from "../../http/install-global.ts";
import { Blob } from "../blob.ts";
import { File } from "../file.ts";

installGlobal("Blob", Blob);
installGlobal("File", File);
