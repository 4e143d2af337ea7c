// Bodies of real size and streams, served to the host (test/boot/web-bodies.test.ts):
// a POST read whole with arrayBuffer() answers its size, a checksum and the heap it took
// (/text, /json and /form read with text(), json() and formData());
// /stream answers from a ReadableStream; /gzip compresses the request body as it streams,
// /gunzip decompresses it.
import { env, memoryUsage } from "toro";

/** 32-bit FNV-1a over little-endian words, then the tail bytes: a byte loop would take seconds under TCG. */
function checksum(bytes: Uint8Array): number {
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
  for (let i = words.length * 4; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

export default {
  // The default limit unless a test gives one (to read 10 MB in less memory than the default).
  maxRequestBodySize: env.MAX_BODY ? Number(env.MAX_BODY) : undefined,
  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/whole") {
      const before = memoryUsage().heapBytes;
      const bytes = new Uint8Array(await request.arrayBuffer());
      const held = memoryUsage().heapBytes - before;
      return Response.json({ length: bytes.length, checksum: checksum(bytes), heldBytes: held, totalBytes: memoryUsage().totalBytes });
    }
    // The other ways to read a body whole, each answering what it read.
    if (path === "/text") {
      const text = await request.text();
      return Response.json({ length: text.length, tail: text.slice(-12) });
    }
    if (path === "/json") {
      const items = await request.json() as string[];
      return Response.json({ items: items.length, last: items[items.length - 1] });
    }
    if (path === "/form") {
      const form = await request.formData();
      const file = form.get("file") as File;
      return Response.json({ name: form.get("name"), file: file.name, length: file.size, checksum: checksum(new Uint8Array(await file.arrayBuffer())) });
    }
    if (path === "/stream") {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 5) return controller.close();
          controller.enqueue(new TextEncoder().encode(`part ${++sent}\n`));
        },
      });
      return new Response(stream, { headers: { "content-type": "text/plain" } });
    }
    if (path === "/gzip") return new Response(request.body!.pipeThrough(new CompressionStream("gzip")));
    if (path === "/gunzip") return new Response(request.body!.pipeThrough(new DecompressionStream("gzip")));
    return new Response("not found\n", { status: 404 });
  },
};
