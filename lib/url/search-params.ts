/**
 * URLSearchParams (URL Standard §6.2): a list of name-value pairs read from
 * and written to application/x-www-form-urlencoded text. One that belongs
 * to a URL mirrors the URL's query both ways: its changes rewrite the
 * query (`update`), and the URL's href and search setters reset its list.
 */
import { hasSurrogate, toUSVString } from "./percent-encoding.ts";
import { parseUrlencoded, serializeUrlencoded } from "./urlencoded.ts";

/** The part of a URL record a URLSearchParams writes: the query, and the cached href it invalidates. */
export interface QueryOwner {
  query: string | null;
  href: string | null;
}

/** What `new URLSearchParams(init)` accepts. */
export type URLSearchParamsInit = string | URLSearchParams | Iterable<readonly [string, string]> | Record<string, string>;

function requireArguments(given: number, needed: number, method: string): void {
  if (given < needed) {
    throw new TypeError(`URLSearchParams.${method} needs ${needed} argument${needed > 1 ? "s" : ""}, got ${given}`);
  }
}

/** The query string of a URL, as a list of name-value pairs. */
export class URLSearchParams {
  // The pairs, flat: [name0, value0, name1, value1, …].
  private list: string[];
  // The URL record whose query this object mirrors, if it belongs to a URL.
  private url: QueryOwner | null = null;

  /**
   * From a query string (a leading "?" is dropped), another URLSearchParams,
   * an iterable of [name, value] pairs, or an object's own enumerable
   * string-keyed properties.
   */
  constructor(init?: URLSearchParamsInit) {
    if (init === undefined) {
      this.list = [];
    } else if (init instanceof URLSearchParams) {
      this.list = init.list.slice();
    } else if ((typeof init === "object" && init !== null) || typeof init === "function") {
      this.list = [];
      const iterator = (init as Iterable<unknown>)[Symbol.iterator];
      if (iterator !== undefined && iterator !== null) {
        if (typeof iterator !== "function") throw new TypeError("URLSearchParams: init[Symbol.iterator] is not a function");
        for (const pair of init as Iterable<unknown>) this.appendPair(pair);
      } else {
        for (const key of Reflect.ownKeys(init)) {
          const descriptor = Object.getOwnPropertyDescriptor(init, key);
          if (descriptor === undefined || !descriptor.enumerable) continue;
          this.list.push(toUSVString(key), toUSVString((init as Record<string | symbol, unknown>)[key]));
        }
      }
    } else {
      const text = toUSVString(init);
      this.list = parseUrlencoded(text.charCodeAt(0) === 0x3f ? text.slice(1) : text);
    }
  }

  // One item of a sequence init: itself a sequence of exactly two strings.
  private appendPair(pair: unknown): void {
    const iterable = pair as Iterable<unknown> | null;
    if (iterable === null || (typeof iterable !== "object" && typeof iterable !== "function") ||
      typeof iterable[Symbol.iterator] !== "function") {
      throw new TypeError("URLSearchParams: each pair must be an iterable [name, value]");
    }
    const items = Array.from(iterable);
    if (items.length !== 2) throw new TypeError("URLSearchParams: each pair must have exactly a name and a value");
    this.list.push(toUSVString(items[0]), toUSVString(items[1]));
  }

  // Write the list back to the URL's query, if this object belongs to one.
  private update(): void {
    const url = this.url;
    if (url === null) return;
    const query = serializeUrlencoded(this.list);
    url.query = query === "" ? null : query;
    url.href = null;
  }

  /** The number of pairs. */
  get size(): number {
    return this.list.length >> 1;
  }

  /** Add a pair at the end. */
  append(name: string, value: string): void {
    requireArguments(arguments.length, 2, "append");
    this.list.push(toUSVString(name), toUSVString(value));
    this.update();
  }

  /** Remove every pair named `name` (with that `value` too, if given). */
  delete(name: string, value?: string): void {
    requireArguments(arguments.length, 1, "delete");
    const key = toUSVString(name);
    const only = value === undefined ? null : toUSVString(value);
    const list = this.list;
    let kept = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key && (only === null || list[i + 1] === only)) continue;
      list[kept++] = list[i];
      list[kept++] = list[i + 1];
    }
    list.length = kept;
    this.update();
  }

  // The lookups compare `name` as given first: a stored name is a scalar
  // value string, so a match means `name` is one too and its conversion
  // would not change it. Only when nothing matches is it converted (a lone
  // surrogate becomes U+FFFD, a number a string) and looked up again.

  /** The value of the first pair named `name`, or null. */
  get(name: string): string | null {
    requireArguments(arguments.length, 1, "get");
    const i = this.indexOf(name);
    return i === -1 ? null : this.list[i + 1];
  }

  /** The values of all pairs named `name`, in order. */
  getAll(name: string): string[] {
    requireArguments(arguments.length, 1, "getAll");
    let i = this.indexOf(name);
    if (i === -1) return [];
    const key = this.list[i];
    const values: string[] = [];
    for (const list = this.list; i < list.length; i += 2) if (list[i] === key) values.push(list[i + 1]);
    return values;
  }

  /** Whether a pair is named `name` (and has that `value`, if given). */
  has(name: string, value?: string): boolean {
    requireArguments(arguments.length, 1, "has");
    let i = this.indexOf(name);
    if (i === -1 || value === undefined) return i !== -1;
    const key = this.list[i];
    const only = toUSVString(value);
    for (const list = this.list; i < list.length; i += 2) if (list[i] === key && list[i + 1] === only) return true;
    return false;
  }

  // The index of the first pair named `name`, or -1.
  private indexOf(name: string): number {
    const list = this.list;
    for (let i = 0; i < list.length; i += 2) if (list[i] === name) return i;
    if (typeof name === "string" && !hasSurrogate(name)) return -1;
    const key = toUSVString(name);
    for (let i = 0; i < list.length; i += 2) if (list[i] === key) return i;
    return -1;
  }

  /** Give the first pair named `name` this value and remove the others; append one if there is none. */
  set(name: string, value: string): void {
    requireArguments(arguments.length, 2, "set");
    const key = toUSVString(name);
    const text = toUSVString(value);
    const list = this.list;
    let kept = 0;
    let found = false;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === key) {
        if (found) continue;
        found = true;
        list[kept++] = key;
        list[kept++] = text;
      } else {
        list[kept++] = list[i];
        list[kept++] = list[i + 1];
      }
    }
    list.length = kept;
    if (!found) list.push(key, text);
    this.update();
  }

  /** Sort the pairs by name, comparing UTF-16 code units; pairs with equal names keep their order. */
  sort(): void {
    const list = this.list;
    const order: number[] = [];
    for (let i = 0; i < list.length; i += 2) order.push(i);
    order.sort((a, b) => (list[a] < list[b] ? -1 : list[a] > list[b] ? 1 : a - b));
    const sorted: string[] = [];
    for (const i of order) sorted.push(list[i], list[i + 1]);
    this.list = sorted;
    this.update();
  }

  /** Call `callback(value, name, this)` for each pair, in order. */
  forEach(callback: (value: string, name: string, parent: URLSearchParams) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") throw new TypeError("URLSearchParams.forEach: the callback is not a function");
    // The list is read afresh each time round: the callback may change it.
    for (let i = 0; i < this.list.length; i += 2) callback.call(thisArg, this.list[i + 1], this.list[i], this);
  }

  /** The names, in order. */
  keys(): IterableIterator<string> {
    return new URLSearchParamsIterator(this, KEYS) as IterableIterator<string>;
  }

  /** The values, in order. */
  values(): IterableIterator<string> {
    return new URLSearchParamsIterator(this, VALUES) as IterableIterator<string>;
  }

  /** The [name, value] pairs, in order. */
  entries(): IterableIterator<[string, string]> {
    return new URLSearchParamsIterator(this, ENTRIES) as IterableIterator<[string, string]>;
  }

  /** The same as entries(). */
  declare [Symbol.iterator]: () => IterableIterator<[string, string]>;

  /** The pairs as application/x-www-form-urlencoded text, without a leading "?". */
  toString(): string {
    return serializeUrlencoded(this.list);
  }
}

Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, {
  value: URLSearchParams.prototype.entries, writable: true, enumerable: false, configurable: true,
});
Object.defineProperty(URLSearchParams.prototype, Symbol.toStringTag, { value: "URLSearchParams", configurable: true });

const KEYS = 0;
const VALUES = 1;
const ENTRIES = 2;

// Iterates the live list: pairs added or removed meanwhile are seen, as Web IDL's iterators do.
class URLSearchParamsIterator {
  private index = 0;

  constructor(private readonly params: URLSearchParams, private readonly kind: number) {}

  next(): IteratorResult<string | [string, string]> {
    const list = this.params["list"];
    const i = this.index;
    if (i >= list.length) return { value: undefined, done: true };
    this.index = i + 2;
    const value = this.kind === KEYS ? list[i] : this.kind === VALUES ? list[i + 1] : [list[i], list[i + 1]] as [string, string];
    return { value, done: false };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

Object.defineProperty(URLSearchParamsIterator.prototype, Symbol.toStringTag, {
  value: "URLSearchParams Iterator", configurable: true,
});

/** A URLSearchParams that mirrors `url`'s query. For the URL class. */
export function searchParamsOf(url: QueryOwner): URLSearchParams {
  const params = new URLSearchParams();
  resetSearchParams(params, url.query);
  params["url"] = url;
  return params;
}

/** Reset the list of a URL's URLSearchParams after the URL's query was replaced. For the URL class. */
export function resetSearchParams(params: URLSearchParams, query: string | null): void {
  params["list"] = query === null ? [] : parseUrlencoded(query);
}
