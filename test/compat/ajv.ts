import Ajv from "ajv";
import addFormats from "ajv-formats";
import { cases } from "./show.ts";

const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile({
  type: "object",
  properties: {
    email: { type: "string", format: "email" },
    site: { type: "string", format: "uri" },
    when: { type: "string", format: "date-time" },
    id: { type: "string", format: "uuid" },
    ip: { type: "string", format: "ipv4" },
    count: { type: "integer", minimum: 0 },
  },
  required: ["email", "count"],
  additionalProperties: false,
});

await cases({
  valid: () => [validate({ email: "a@b.co", site: "https://example.com/a?b=c", when: "2024-01-02T03:04:05Z", id: "123e4567-e89b-12d3-a456-426614174000", ip: "10.0.2.15", count: 3 }), validate.errors],
  invalid: () => [validate({ email: "x", site: "not a uri", when: "yesterday", ip: "300.1.1.1", count: -1, extra: 1 }), validate.errors?.map((e) => [e.instancePath, e.keyword, e.message])],
  errorsText: () => (validate({}), ajv.errorsText(validate.errors)),
  coerce: () => {
    const coercing = new Ajv({ coerceTypes: true, useDefaults: true });
    const data: Record<string, unknown> = { n: "42" };
    coercing.validate({ type: "object", properties: { n: { type: "number" }, d: { type: "string", default: "x" } } }, data);
    return data;
  },
});
