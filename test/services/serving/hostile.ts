// The service the booted fuzz test (test/boot/http-hostile.test.ts) attacks: serve() with
// the fuzz cases' limits, a short head deadline and few connections; it echoes request
// bodies, and /__stats answers with server.stats.
import { serve } from "toro/http";
import { FUZZ_LIMITS } from "../../lib/http/fuzz-cases.ts";

const { maxBodyBytes, ...limits } = FUZZ_LIMITS;
const server = serve({
  ...limits,
  maxRequestBodySize: maxBodyBytes,
  maxConnections: 8,
  headersTimeoutMs: 1500,
  idleTimeoutMs: 4000,
  async fetch(request) {
    if (new URL(request.url).pathname === "/__stats") return new Response(JSON.stringify(server.stats));
    return new Response(await request.bytes());
  },
});
