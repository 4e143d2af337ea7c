import { z } from "zod";
import { cases } from "./show.ts";

const User = z.object({
  name: z.string().min(2),
  email: z.email(),
  age: z.number().int().positive().optional(),
  tags: z.array(z.string()).default([]),
  role: z.enum(["admin", "user"]),
  joined: z.coerce.date(),
});

await cases({
  valid: () => User.parse({ name: "Ada", email: "ada@example.com", role: "admin", joined: "2024-02-29T12:00:00Z" }),
  invalid: () => User.safeParse({ name: "A", email: "nope", age: -1, role: "root", joined: "x" }).error?.issues.map((i) => [i.path.join("."), i.code]),
  union: () => z.union([z.string(), z.number()]).array().parse(["a", 1]),
  discriminated: () => z.discriminatedUnion("kind", [z.object({ kind: z.literal("a"), a: z.string() }), z.object({ kind: z.literal("b"), b: z.number() })]).parse({ kind: "b", b: 2 }),
  transform: () => z.string().transform((s) => s.length).pipe(z.number().max(5)).safeParse("toolong").success,
  regex: () => z.string().regex(/^[a-z\-]+$/u).parse("kebab-case"),
  prettify: () => z.prettifyError(User.safeParse({}).error!),
  jsonSchema: () => z.toJSONSchema(User.omit({ joined: true })),
});
