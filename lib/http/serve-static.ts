/**
 * `serveStatic` in toro/http: static files from toro/fs (a `--dir`
 * directory, a `--disk` volume, the image's assets) as a fetch handler.
 *
 *     import { serveStatic } from "toro/http";
 *     export default { fetch: serveStatic({ root: "/www" }) };
 *
 * What it answers is createStaticHandler's (static-files.ts). toro/fs
 * does nothing when imported, and mounts on its first call: a service that
 * imports toro/http for serve() alone touches no disk.
 */
import {
  createStaticHandler,
  type FallthroughStaticHandler,
  type StaticFileSystem,
  type StaticHandler,
  type StaticOptions,
} from "./static-files.ts";

export type { FallthroughStaticHandler, StaticHandler, StaticOptions };

/**
 * toro/fs, imported on the first request: every service that imports
 * serve() imports toro/http, and a static import of toro/fs (and the
 * node:buffer it returns data in) would put both in every such image,
 * 51 KiB, used or not; imported here when first needed, they cost a
 * service that never calls serveStatic 4.8 KiB (esbuild's lazy wrappers).
 */
let loaded: Promise<StaticFileSystem> | undefined;
const load = (): Promise<StaticFileSystem> => (loaded ??= import("toro/fs"));
const toroFs: StaticFileSystem = {
  stat: async (path) => (await load()).stat(path),
  open: async (path, flags) => (await load()).open(path, flags),
};

/** A fetch handler serving the files below `options.root`; with `fallthrough`, a miss resolves to null. */
export function serveStatic(options: StaticOptions & { fallthrough: true }): FallthroughStaticHandler;
export function serveStatic(options: StaticOptions & { fallthrough?: false }): StaticHandler;
export function serveStatic(options: StaticOptions): FallthroughStaticHandler;
export function serveStatic(options: StaticOptions): FallthroughStaticHandler {
  return createStaticHandler(toroFs, options);
}
