import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { logger } from "hono/logger";
import { cases } from "./show.ts";

const logged: string[] = [];
// The logger's lines carry timings; the script keeps their shape, not the numbers.
const app = new Hono<{ Variables: { who: string } }>();
app.use(logger((line) => logged.push(line.replace(/\d+m?s$/, "<time>"))));
app.use("/api/*", cors({ origin: ["https://app.example"], allowHeaders: ["X-Custom"], maxAge: 600 }));
app.get("/", (c) => c.text("Hello Hono!"));
app.get("/api/users/:id{[0-9]+}", (c) => c.json({ id: Number(c.req.param("id")), q: c.req.query("q") ?? null }));
app.post("/api/users", async (c) => c.json({ created: await c.req.json() }, 201));
app.get("/posts/:slug/comments/:n?", (c) => c.json(c.req.param()));
app.get("/var", async (c, next) => { c.set("who", "middleware"); await next(); }, (c) => c.text(String(c.get("who"))));
app.post("/form", async (c) => {
  const body = await c.req.parseBody();
  const file = body.file as File;
  return c.json({ name: body.name, file: [file.name, file.type, await file.text()] });
});
app.get("/boom", () => { throw new Error("boom"); });
app.get("/http", () => { throw new HTTPException(401, { message: "no token" }); });
app.notFound((c) => c.json({ missing: c.req.path }, 404));
app.onError((error, c) => (error instanceof HTTPException ? error.getResponse() : c.json({ error: error.message }, 500)));
const api = new Hono().basePath("/v2");
api.get("/ping", (c) => c.body(null, 204));
app.route("/", api);

async function call(path: string, init?: RequestInit) {
  const response = await app.request(path, init);
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control") || name === "content-type" || name === "vary"));
  return { status: response.status, headers, body: await response.text() };
}

await cases({
  text: () => call("/"),
  params: () => call("/api/users/42?q=x"),
  paramPattern: () => call("/api/users/abc"),
  optional: () => call("/posts/hi/comments"),
  json: () => call("/api/users", { method: "POST", body: JSON.stringify({ name: "Ada" }), headers: { "content-type": "application/json" } }),
  corsPreflight: () => call("/api/users/1", { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "GET" } }),
  corsSimple: () => call("/api/users/1", { headers: { origin: "https://app.example" } }),
  contextVariables: () => call("/var"),
  formBody: () => {
    const form = new FormData();
    form.append("name", "Ada");
    form.append("file", new File(["hello"], "hello.txt", { type: "text/plain" }));
    return call("/form", { method: "POST", body: form });
  },
  onError: () => call("/boom"),
  httpException: () => call("/http"),
  notFound: () => call("/nowhere"),
  mounted: () => call("/v2/ping"),
  logger: () => logged.slice(0, 4),
});
