import { AutoRouter, IRequest, Router, error, json, withParams } from "itty-router";
import { cases } from "./show.ts";

const router = AutoRouter();
router
  .get("/hello/:name", ({ name }) => ({ hello: name }))
  .get("/files/*", (request) => request.params)
  .post("/echo", async (request) => ({ got: await request.json() }))
  .get("/fail", () => { throw new Error("handler failed"); })
  .get("/teapot", () => error(418, "short and stout"));

const classic = Router();
classic.all("*", withParams).get("/q", (request: IRequest) => json({ query: request.query }));

async function call(target: { fetch: (request: Request) => Promise<Response | undefined> }, path: string, init?: RequestInit) {
  const response = await target.fetch(new Request("http://service" + path, init));
  if (!response) return "no response";
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

await cases({
  param: () => call(router, "/hello/toro"),
  wildcard: () => call(router, "/files/a/b.txt"),
  post: () => call(router, "/echo", { method: "POST", body: JSON.stringify({ a: [1] }), headers: { "content-type": "application/json" } }),
  missing: () => call(router, "/nope"),
  thrown: () => call(router, "/fail"),
  teapot: () => call(router, "/teapot"),
  query: () => call(classic, "/q?a=1&a=2&b=x"),
});
