// An HTTP service for the user network's two directions: GET /relay fetches
// http://10.0.2.2:HOST_PORT/ (the host, from the guest) and answers with what
// it got; any other path answers "hello". The host reaches it through a
// forwarded port.
import { env } from "toro";

export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== "/relay") return new Response("hello\n");
    const answer = await fetch(`http://10.0.2.2:${env.HOST_PORT}/`, { signal: AbortSignal.timeout(20_000) });
    return new Response(`relayed ${answer.status}: ${await answer.text()}`);
  },
};
