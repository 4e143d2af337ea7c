/** Installs FormData where missing, with Blob and File, whose instances its entries hold. */
import "./blob.ts";
import { installGlobal } from "../../http/install-global.ts";
import { FormData } from "../form-data.ts";

installGlobal("FormData", FormData);
