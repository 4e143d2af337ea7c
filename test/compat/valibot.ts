import * as v from "valibot";
import { cases } from "./show.ts";

const User = v.object({
  name: v.pipe(v.string(), v.minLength(2)),
  email: v.pipe(v.string(), v.email()),
  age: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  url: v.optional(v.pipe(v.string(), v.url())),
  id: v.optional(v.pipe(v.string(), v.uuid())),
});

await cases({
  valid: () => v.parse(User, { name: "Ada", email: "ada@example.com", age: 36, url: "https://example.com/x", id: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" }),
  invalid: () => v.safeParse(User, { name: "A", email: "nope", age: 1.5, url: "::" }).issues?.map((i) => [v.getDotPath(i), i.type, i.message]),
  flatten: () => v.flatten(v.safeParse(User, { name: 1 }).issues!),
  transform: () => v.parse(v.pipe(v.string(), v.trim(), v.toUpperCase()), "  hi  "),
  variant: () => v.parse(v.variant("t", [v.object({ t: v.literal("n"), n: v.number() }), v.object({ t: v.literal("s"), s: v.string() })]), { t: "s", s: "x" }),
});
