// A Hono app in the form Hono's docs give: the app itself is the default
// export, and the runtime serves it (its fetch is a method using `this`).
import { Hono } from "hono";
import { cors } from "hono/cors";

const app = new Hono();
app.use("*", cors());
app.get("/", (c) => c.text("Hello Hono!"));
app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), agent: c.req.header("user-agent") ?? null }));
app.post("/echo", async (c) => c.json(await c.req.json()));
app.onError((error, c) => c.json({ error: error.message }, 500));

export default app;
