/**
 * A file's Content-Type from its name's extension: `mrmime`'s table (the
 * types of mime-db that have an extension, as an object literal: nothing is
 * built when a module loads, and esbuild drops it from images that never
 * look a type up), with `charset=utf-8` on text, as Express's `send` and
 * Deno's file server give it.
 */
import { lookup } from "mrmime";

/** Types whose bytes are text without being `text/*`. */
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml)$|[a-z]+\/[^;]*\+(json|xml)$)/;

/** What an unknown extension is served as (Express and Deno do the same). */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** "style.css" → "text/css; charset=utf-8"; "logo.png" → "image/png"; "README" → application/octet-stream. */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  // Only an extension counts: lookup("json") would type a file named "json".
  const type = dot < 0 ? undefined : lookup(name.slice(dot + 1));
  if (type === undefined) return DEFAULT_CONTENT_TYPE;
  return TEXT_TYPES.test(type) ? `${type}; charset=utf-8` : type;
}
