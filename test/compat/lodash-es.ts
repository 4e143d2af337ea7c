import { camelCase, chunk, cloneDeep, debounce, get, groupBy, isEqual, kebabCase, merge, omit, orderBy, pick, range, set, template, throttle, uniqBy, zipObject } from "lodash-es";
import { cases } from "./show.ts";

await cases({
  chunk: () => chunk(range(10), 3),
  group: () => groupBy(["one", "two", "three"], "length"),
  order: () => orderBy([{ n: "b", a: 2 }, { n: "a", a: 2 }, { n: "c", a: 1 }], ["a", "n"], ["desc", "asc"]),
  deep: () => {
    const source = { a: [{ b: { c: 1 } }], d: new Date(0) };
    const copy = cloneDeep(source);
    set(copy, "a[0].b.c", 2);
    return [get(source, "a[0].b.c"), get(copy, "a[0].b.c"), isEqual(source, cloneDeep(source)), copy.d instanceof Date];
  },
  merge: () => merge({ a: { b: 1, c: [1] } }, { a: { c: [2, 3], d: 4 } }),
  pickOmit: () => [pick({ a: 1, b: 2, c: 3 }, ["a", "c"]), omit({ a: 1, b: 2, c: 3 }, ["a"])],
  strings: () => [camelCase("Foo Bar-baz_qux"), kebabCase("fooBarBaz"), template("hi <%= name %>!")({ name: "Toro" })],
  uniq: () => uniqBy([2.1, 1.2, 2.3], Math.floor),
  zip: () => zipObject(["a", "b"], [1, 2]),
  timers: () => new Promise((resolve) => {
    const calls: string[] = [];
    const debounced = debounce((v: string) => calls.push("d" + v), 20);
    const throttled = throttle((v: string) => calls.push("t" + v), 1000);
    for (const v of ["1", "2", "3"]) { debounced(v); throttled(v); }
    setTimeout(() => { throttled.cancel(); resolve(calls); }, 100);
  }),
});
