/**
 * A Toro service's global fetch(): HTTP/1.1 over toro/net's TCP, host names
 * resolved by its DNS resolver (dotted addresses used as they are). The
 * build links this module, which installs fetch, Headers, Request and
 * Response where missing, only into services whose code names `fetch`.
 */
import "./globals.ts";
import { connect } from "toro/net";
import { createFetch, type Fetch } from "./client.ts";
import { installGlobal } from "./install-global.ts";

/**
 * Fetch a resource over plain HTTP (http: URLs; https: is a TypeError, as Toro
 * has no TLS yet). One pool of idle connections serves the whole service; they
 * do not keep it alive.
 */
export const fetch: Fetch = createFetch(connect);

installGlobal("fetch", fetch);
