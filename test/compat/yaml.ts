import YAML from "yaml";
import { cases } from "./show.ts";

const source = `
service: toro
replicas: 3
ports: [8080, 8443]
env:
  NODE_ENV: production
  EMPTY: ~
anchors:
  base: &base { cpu: 1, mem: 32Mi }
  derived: { <<: *base, mem: 64Mi }
multi: |
  line one
  line two
date: 2024-02-29
`;

await cases({
  parse: () => YAML.parse(source, { merge: true }),
  stringify: () => YAML.stringify({ a: [1, "two", { three: 3 }], b: "multi\nline", c: null, d: true }),
  document: () => {
    const doc = YAML.parseDocument("# comment\nkey: value # trailing\n");
    doc.set("added", [1, 2]);
    return doc.toString();
  },
  error: () => YAML.parse("a: [1, 2"),
  errors: () => YAML.parseDocument("a: 1\na: 2").errors.map((e) => e.code),
});
