// Handlers that a client can push over the edge: deep JSON, runaway
// recursion, a request that takes all the memory. Each fails its own
// request; the service goes on serving.
let held: string[] = [];

function runaway(n: number): number {
  return runaway(n + 1) + 1;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const { pathname, searchParams } = new URL(request.url);
    switch (pathname) {
      case "/echo":
        // The case: a body of deeply nested arrays, echoed.
        return Response.json(await request.json());
      case "/stringify": {
        let value: unknown = [];
        for (let i = Number(searchParams.get("depth")); i > 0; i--) value = [value];
        return new Response(JSON.stringify(value).length + "\n");
      }
      case "/recurse":
        return new Response(String(runaway(0)));
      case "/exhaust": {
        // Grows until the engine refuses an allocation; nothing survives the request.
        const hoard: string[] = [];
        for (let i = 0; ; i++) hoard.push(`${i}`.padEnd(1024, "x"));
      }
      case "/hold":
        // Keeps 1 MiB per request, to show that what failed requests held was freed.
        held.push("".padEnd(1 << 20, String(held.length)));
        return new Response(`holding ${held.length} MiB\n`);
      case "/release":
        held = [];
        return new Response("released\n");
      default:
        return new Response("ok\n");
    }
  },
};
