/**
 * lib/url on QuickJS: this prints digests of what URL and URLSearchParams
 * make of the generated inputs, and guest.test.ts checks that a Toro guest
 * prints exactly what Node prints running the same file. The engines'
 * own parts that lib/url leans on (regular expressions, toLowerCase,
 * normalize, decodeURIComponent, sort) are thereby checked too.
 */
import { URL, URLSearchParams } from "../../../../lib/url/url.ts";
import {
  SETTER_BASES, SETTER_VALUES, absoluteCases, hostCases, pick, random, relativeCases, snapshot, type UrlSnapshot,
} from "../inputs.ts";

// FNV-1a over UTF-16 code units: a short digest of a long text.
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function parse(input: string, base?: string): UrlSnapshot | string {
  try {
    return snapshot(new URL(input, base));
  } catch (e) {
    return (e as Error).name;
  }
}

// Digest the results of `run` over `items`, one line per block.
function report<T>(label: string, items: T[], run: (item: T) => unknown, block = 500): void {
  for (let i = 0; i < items.length; i += block) {
    const results = items.slice(i, i + block).map(run);
    console.log(`${label} ${i}-${Math.min(i + block, items.length) - 1} ${digest(JSON.stringify(results))}`);
  }
}

export default function main(): void {
  report("hosts", hostCases(), (c) => parse(c.input, c.base));
  report("absolute", absoluteCases(2500, 41), (c) => parse(c.input, c.base));
  report("relative", relativeCases(1500, 42), (c) => parse(c.input, c.base));
  const setters: [string, string, string][] = [];
  for (const base of SETTER_BASES) for (const [name, values] of Object.entries(SETTER_VALUES)) for (const value of values) setters.push([base, name, value]);
  report("setters", setters, ([base, name, value]) => {
    const url = new URL(base) as unknown as Record<string, string>;
    try {
      url[name] = value;
    } catch (e) {
      return (e as Error).name;
    }
    return snapshot(url as unknown as UrlSnapshot);
  });
  const rand = random(43);
  const pieces = ["a", "=", "&", "+", "%20", "%zz", "%C3%A9", "%FF", "é", "😀", "\ud800", "a b", "~", "!'()*", "%EF%BB%BF", "日本"];
  const texts: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let text = "";
    for (let j = 0; j < 6; j++) text += pick(rand, pieces);
    texts.push(text);
  }
  report("form", texts, (text) => {
    const params = new URLSearchParams(text);
    const entries = [...params];
    params.sort();
    return [entries, params.toString(), params.get("a"), params.has("é")];
  });
}
