// The fetch handler bench/http.ts measures, written once for every target:
// Toro serves it as a service (`export default { fetch }`), Node through
// bench/services/http-node.ts, in the Linux guest and on the host.
//   GET /     examples/hello-http's own handler ("Hello, world! …", 58 bytes)
//   GET /10k  10 KiB of text, encoded once at start-up
import hello from "../../examples/hello-http/main.ts";

/** The 10 KiB body: 160 lines of 64 bytes. */
const TEN_KIB = new TextEncoder().encode(
  Array.from({ length: 160 }, (_, i) => `line ${String(i).padStart(3, "0")} of the 10 KiB response body: ${"-".repeat(25)}\n`).join(""),
);

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.url.endsWith("/10k")) return new Response(TEN_KIB, { headers: { "content-type": "text/plain; charset=utf-8" } });
    return hello.fetch(request);
  },
};
