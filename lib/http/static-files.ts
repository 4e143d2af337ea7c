/**
 * Static files as a fetch handler, over any file system with the shape of
 * node:fs/promises' `stat` and `open` (toro/fs in the guest, Node's in the
 * tests): content types, `index.html` for a directory, ETag/Last-Modified
 * and their conditional requests, single byte ranges, HEAD, and file bodies
 * streamed a chunk at a time from the file handle, so a file of any size is
 * served in the memory of a chunk or two. `serveStatic` (serve-static.ts) is
 * this over toro/fs.
 *
 * Behaviour, after Express's `serve-static`/`send`, Hono's serveStatic and
 * Deno's file server, and RFC 9110:
 * - GET and HEAD only; another method is a 405 with `Allow: GET, HEAD`.
 * - A directory is served by its index file; asked for without its trailing
 *   slash, it is a 301 to the path with one (relative links then resolve
 *   inside it).
 * - A miss (no such file, a directory without an index, a dotfile, a path
 *   outside `prefix`) is a 404, or with `fallthrough` resolves to null for
 *   the next handler; with `fallthrough` a path no file can have and another
 *   method fall through too (an API behind may use `%2F` in its paths, or
 *   POST).
 * - A path that tries to leave the root (static-path.ts) is a 400.
 */
import { contentRange, parseByteRange } from "./byte-range.ts";
import { evaluatePreconditions, lastModified, rangeApplies, weakEtag } from "./conditional.ts";
import { contentTypeFor } from "./content-type.ts";
import { Response } from "./response.ts";
import { normalizePrefix, resolveStaticPath } from "./static-path.ts";

/** The part of a file's stats we use (node:fs's Stats has it, and toro/fs's). */
export interface StaticFileStats {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
  mtimeMs: number;
}

/** The part of an open file we use: node:fs/promises' FileHandle.read and close. */
export interface StaticFileHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** The part of node:fs/promises the handler needs. */
export interface StaticFileSystem {
  stat(path: string): Promise<StaticFileStats>;
  open(path: string, flags: "r"): Promise<StaticFileHandle>;
}

/** What the handler reads of a request: a Request of any implementation has it. */
export interface StaticRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

export interface StaticOptions {
  /** The directory whose files are served, e.g. "/www". */
  root: string;
  /** The URL path the files are served under (stripped before looking up), e.g. "/static". Default: the whole site. */
  prefix?: string;
  /** The file that serves a directory, or false for none. Default "index.html". */
  index?: string | false;
  /** Serve names starting with "." (.env, .git/…). Default false: they are misses. */
  dotfiles?: boolean;
  /** On a miss resolve to null (for the next handler) instead of answering 404. Default false. */
  fallthrough?: boolean;
}

/** A fetch handler for static files. */
export type StaticHandler = (request: StaticRequest) => Promise<Response>;
/** The same with `fallthrough`: null where another handler should answer. */
export type FallthroughStaticHandler = (request: StaticRequest) => Promise<Response | null>;

/** How much of a file one read takes: what a body holds at once. */
const CHUNK_BYTES = 64 * 1024;

/** stat() codes that mean the path names no file we could serve. */
const MISSING = new Set(["ENOENT", "ENOTDIR", "ENAMETOOLONG", "EINVAL", "ELOOP"]);

const ALLOW = "GET, HEAD";

const text = (status: number, body: string, headers: Record<string, string> = {}): Response =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });

/**
 * A fetch handler serving the files below `options.root` of `fs`.
 * It rejects only when the file system fails in a way that is not a
 * missing file (EIO…): the server then answers 500.
 */
export function createStaticHandler(fs: StaticFileSystem, options: StaticOptions & { fallthrough: true }): FallthroughStaticHandler;
export function createStaticHandler(fs: StaticFileSystem, options: StaticOptions & { fallthrough?: false }): StaticHandler;
export function createStaticHandler(fs: StaticFileSystem, options: StaticOptions): FallthroughStaticHandler;
export function createStaticHandler(fs: StaticFileSystem, options: StaticOptions): FallthroughStaticHandler {
  if (typeof options?.root !== "string" || options.root === "") throw new TypeError("serveStatic: `root` must be a directory's path");
  const root = options.root.replace(/\/+$/, "");
  const prefix = normalizePrefix(options.prefix ?? "");
  const index = options.index ?? "index.html";
  const dotfiles = options.dotfiles ?? false;
  const fallthrough = options.fallthrough ?? false;
  const miss = (): Response | null => (fallthrough ? null : text(404, "Not Found\n"));

  const statOrNull = async (path: string): Promise<StaticFileStats | null> => {
    try {
      return await fs.stat(path);
    } catch (error) {
      if (MISSING.has((error as { code?: string }).code ?? "")) return null;
      throw error;
    }
  };

  return async (request) => {
    const url = new URL(request.url);
    const path = resolveStaticPath(url.pathname, prefix);
    if (path.kind === "outside") return miss();
    if (request.method !== "GET" && request.method !== "HEAD") {
      return fallthrough ? null : text(405, "Method Not Allowed\n", { allow: ALLOW });
    }
    if (path.kind === "bad") return fallthrough ? null : text(400, "Bad Request\n");
    if (!dotfiles && path.names.some((name) => name.startsWith("."))) return miss();

    let file = [root, ...path.names].join("/") || "/";
    let stats = await statOrNull(file);
    if (stats === null) return miss();
    let name = path.names.at(-1) ?? "";
    if (stats.isDirectory()) {
      if (!path.trailingSlash) {
        // Built from the names as sent, never from empty segments: the location cannot become "//host".
        const location = `${prefix}/${path.raw.map((segment) => `${segment}/`).join("")}${url.search}`;
        return new Response(null, { status: 301, headers: { location } });
      }
      if (index === false) return miss();
      file = `${file === "/" ? "" : file}/${index}`;
      stats = await statOrNull(file);
      if (stats === null) return miss();
      name = index;
    } else if (path.trailingSlash) {
      return miss(); // "/style.css/" names a directory, and this is a file
    }
    if (!stats.isFile()) return miss();
    return answer(fs, request, file, name, stats);
  };
}

/** The answer for a file that exists: 200, 206, 304, 412 or 416. */
function answer(fs: StaticFileSystem, request: StaticRequest, file: string, name: string, stats: StaticFileStats): Response {
  const validators = { etag: weakEtag(stats), "last-modified": lastModified(stats) };
  const precondition = evaluatePreconditions(request.headers, stats);
  if (precondition === "not-modified") return new Response(null, { status: 304, headers: validators });
  if (precondition === "failed") return text(412, "Precondition Failed\n", validators);

  const size = stats.size;
  const headers: Record<string, string> = { "content-type": contentTypeFor(name), "accept-ranges": "bytes", ...validators };
  // RFC 9110 14.2: GET is the only method with range handling; a HEAD describes the whole file.
  const range = request.method === "GET" && rangeApplies(request.headers, stats)
    ? parseByteRange(request.headers.get("range"), size)
    : { kind: "whole" as const };
  if (range.kind === "unsatisfiable") return text(416, "Range Not Satisfiable\n", { "content-range": contentRange(range, size) });

  const [status, start, end] = range.kind === "part" ? [206, range.start, range.end + 1] : [200, 0, size];
  if (range.kind === "part") headers["content-range"] = contentRange(range, size);
  headers["content-length"] = String(end - start);
  // HEAD: the headers a GET would get (the server keeps this Content-Length), and the file is not opened.
  const body = request.method === "HEAD" || start === end ? null : fileChunks(fs, file, start, end);
  return new Response(body, { status, headers });
}

/**
 * Bytes `start` to `end` (exclusive) of `file`, a chunk per read. The file
 * is opened on the first pull, not before: an answer nobody sends (a
 * client gone before its head was written) holds no handle. Closed when the
 * last chunk is taken, or when the reader stops early (`return()`).
 */
async function* fileChunks(fs: StaticFileSystem, file: string, start: number, end: number): AsyncGenerator<Uint8Array> {
  const handle = await fs.open(file, "r");
  try {
    for (let position = start; position < end;) {
      // A new array each time: the one given out may still be queued on the connection.
      const chunk = new Uint8Array(Math.min(CHUNK_BYTES, end - position));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) throw new Error(`${file} ended at byte ${position}, short of the ${end} its stat gave`);
      position += bytesRead;
      yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
