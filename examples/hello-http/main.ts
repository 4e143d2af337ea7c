// An HTTP service with the web-standard fetch handler, as for Deno, Bun or
// Cloudflare Workers: `./toro run examples/hello-http -p 8080:80`, then
// `curl http://127.0.0.1:8080/`.
export default {
  /** Bodies up to 16 MiB (the server's default limit is 1 MiB). */
  maxRequestBodySize: 16 * 1024 * 1024,

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/echo" && request.method === "POST") {
      // Streamed back as it arrives: the body is never held whole, so its size is not bound by memory.
      return new Response(request.body, { headers: { "content-type": request.headers.get("content-type") ?? "application/octet-stream" } });
    }
    const name = url.searchParams.get("name") ?? "world";
    return new Response(`Hello, ${name}! This is TypeScript on bare (virtual) metal.\n`, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  },
};
