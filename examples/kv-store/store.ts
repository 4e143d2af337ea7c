// The key-value store: each key a file in one directory, written so that a crash leaves the old
// value or the new one. Only node:fs/promises, so it runs in Node as in the guest.
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";

/** FAT keeps a long name to 255 characters; a key is stored as its UTF-8 bytes in hex, two characters a byte. */
export const MAX_KEY_BYTES = 120;
/** The largest value: the server answers 413 past it (main.ts gives it as maxRequestBodySize). */
export const MAX_VALUE_BYTES = 8 * 1024 * 1024;
/** What a PUT writes before its rename; a name no key has (keys' names are hex). */
const TEMP_PREFIX = "tmp-";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * A key's file name: hex, because FAT names are case-insensitive ("A" and
 * "a" would be one file) and refuse `/ \ : * ? " < > |`; hex keeps every key
 * apart and any key storable.
 */
function fileName(key: string): string {
  let name = "";
  for (const byte of encoder.encode(key)) name += byte.toString(16).padStart(2, "0");
  return name;
}

/** The key a file holds, or null for a file that is not a key's (a temporary one). */
function keyOf(name: string): string | null {
  if (!/^([0-9a-f]{2})+$/i.test(name)) return null;
  const bytes = new Uint8Array(name.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(name.slice(2 * i, 2 * i + 2), 16);
  try {
    return decoder.decode(bytes);
  } catch {
    return null; // not UTF-8: not a name this store wrote
  }
}

const text = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
const hasCode = (error: unknown, code: string) => (error as { code?: string }).code === code;

export interface KvStore {
  /** How many keys the store held when it opened. */
  readonly keysAtStart: number;
  /** GET/PUT/DELETE /keys/:key, GET /keys. */
  fetch(request: Request): Promise<Response>;
}

/**
 * Open the store kept in `dir` (made if missing). A PUT that a crash cut
 * short left a temporary file nobody refers to: those are removed here.
 */
export async function openKvStore(dir: string): Promise<KvStore> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.startsWith(TEMP_PREFIX)) await unlink(`${dir}/${name}`);
  }
  const keysAtStart = (await readdir(dir)).filter((name) => keyOf(name) !== null).length;
  let temporaries = 0;

  /**
   * Write a temporary file, sync it, rename it over the key's file, sync
   * that: a reader sees the old value or the new, never part of one, and
   * once the answer is sent the value is on the disk.
   */
  async function put(key: string, body: ReadableStream<Uint8Array> | null): Promise<Response> {
    const target = `${dir}/${fileName(key)}`;
    const temporary = `${dir}/${TEMP_PREFIX}${Date.now()}-${temporaries++}`;
    const existed = await stat(target).then(() => true, () => false);
    const handle = await open(temporary, "wx");
    try {
      // Written as it arrives: a value is never held whole. A body over maxRequestBodySize
      // makes the read throw, and the server answers 413.
      if (body) for await (const chunk of body) await handle.write(chunk);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await handle.close();
    await rename(temporary, target);
    // The rename changed the directory: sync the file again, which makes its entry durable too.
    const renamed = await open(target, "r");
    await renamed.sync();
    await renamed.close();
    return new Response(null, { status: existed ? 204 : 201 });
  }

  async function get(key: string): Promise<Response> {
    try {
      const value = await readFile(`${dir}/${fileName(key)}`);
      return new Response(value, { headers: { "content-type": "application/octet-stream" } });
    } catch (error) {
      if (hasCode(error, "ENOENT")) return text(404, "no such key\n");
      throw error;
    }
  }

  async function remove(key: string): Promise<Response> {
    try {
      await unlink(`${dir}/${fileName(key)}`);
      return new Response(null, { status: 204 });
    } catch (error) {
      if (hasCode(error, "ENOENT")) return text(404, "no such key\n");
      throw error;
    }
  }

  async function list(): Promise<Response> {
    const keys = (await readdir(dir)).map(keyOf).filter((key): key is string => key !== null);
    return Response.json(keys.sort());
  }

  return {
    keysAtStart,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/keys" || pathname === "/keys/") {
        return request.method === "GET" ? list() : new Response("GET /keys lists the keys\n", { status: 405, headers: { allow: "GET" } });
      }
      if (!pathname.startsWith("/keys/")) return text(404, "GET, PUT or DELETE /keys/<key>; GET /keys\n");
      let key: string;
      try {
        key = decodeURIComponent(pathname.slice("/keys/".length));
      } catch {
        return text(400, "the key is not valid percent-encoding\n");
      }
      const keyBytes = encoder.encode(key).length;
      if (keyBytes === 0 || keyBytes > MAX_KEY_BYTES) return text(400, `a key has 1 to ${MAX_KEY_BYTES} bytes\n`);
      try {
        switch (request.method) {
          case "GET": return await get(key);
          case "PUT": return await put(key, request.body);
          case "DELETE": return await remove(key);
          default: return new Response("GET, PUT or DELETE\n", { status: 405, headers: { allow: "GET, PUT, DELETE" } });
        }
      } catch (error) {
        if (hasCode(error, "ENOSPC")) return text(507, "the disk is full\n");
        throw error;
      }
    },
  };
}
