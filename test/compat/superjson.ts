import superjson from "superjson";
import { cases } from "./show.ts";

const value = {
  date: new Date(Date.UTC(2024, 1, 29)),
  map: new Map<string, unknown>([["a", 1], ["b", new Set([1, 2])]]),
  big: 2n ** 70n,
  re: /a[b-]c/giu,
  undef: undefined,
  nan: Number.NaN,
  inf: -Infinity,
  url: new URL("https://example.com/a?b=1"),
  err: new Error("boom"),
};

await cases({
  serialize: () => superjson.serialize(value),
  roundTrip: () => {
    const back = superjson.parse<typeof value>(superjson.stringify(value));
    return { date: back.date instanceof Date, big: back.big === value.big, re: String(back.re), set: back.map.get("b") instanceof Set, url: String(back.url), err: back.err.message, nan: Number.isNaN(back.nan) };
  },
  custom: () => {
    class Point { constructor(public x: number, public y: number) {} }
    superjson.registerCustom<Point, [number, number]>({ isApplicable: (v): v is Point => v instanceof Point, serialize: (p) => [p.x, p.y], deserialize: ([x, y]) => new Point(x, y) }, "Point");
    const text = superjson.stringify({ p: new Point(1, 2) });
    return [text, superjson.parse<{ p: Point }>(text).p instanceof Point];
  },
});
