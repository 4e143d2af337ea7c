/**
 * The fetch standard's `Headers`: a case-insensitive multimap of HTTP
 * fields. Ours because the npm polyfills that fit QuickJS come bundled with a
 * Request/Response that does not (see README.md).
 */

/** What `new Headers(init)` accepts. */
export type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string>;

// RFC 9110 5.6.2 token characters: a name outside them could split a message.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// Names already checked, lowercased: the same few names come in every message, and
// QuickJS's regular expressions cost more than the rest of adding a field.
const checkedNames = new Map<string, string>();
const MAX_CHECKED_NAMES = 256;

/** A field name lowercased, or undefined if it is not a token (remembered for the names seen most). */
export function lowercaseToken(name: string): string | undefined {
  const known = checkedNames.get(name);
  if (known !== undefined) return known;
  if (!TOKEN.test(name)) return undefined;
  const lower = name.toLowerCase();
  if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.set(name, lower);
  return lower;
}

function normalizeName(name: string): string {
  const text = String(name);
  const lower = lowercaseToken(text);
  if (lower === undefined) throw new TypeError(`Invalid header name: ${JSON.stringify(text)}`);
  return lower;
}

/** Without leading and trailing spaces and tabs ("HTTP whitespace", RFC 9110 5.6.3). */
export function trimHttpWhitespace(text: string): string {
  let start = 0, end = text.length;
  while (start < end && isHttpWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function normalizeValue(value: string): string {
  // The standard strips leading and trailing HTTP whitespace.
  const text = trimHttpWhitespace(String(value));
  // A value may not carry CR, LF or NUL (RFC 9110 5.5), which would inject fields.
  if (text.indexOf("\r") >= 0 || text.indexOf("\n") >= 0 || text.indexOf("\0") >= 0) {
    throw new TypeError(`Invalid header value: ${JSON.stringify(text)}`);
  }
  return text;
}

export class Headers {
  // Lowercased name → its values in the order they were added.
  private readonly fields = new Map<string, string[]>();

  constructor(init?: HeadersInit) {
    if (init == null) return;
    if (init instanceof Headers) {
      for (const [name, values] of init.fields) this.fields.set(name, values.slice());
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (pair.length !== 2) throw new TypeError("Each header pair must have a name and a value");
        this.append(pair[0], pair[1]);
      }
    } else {
      for (const name of Object.keys(init)) this.append(name, (init as Record<string, string>)[name]);
    }
  }

  /** Add a value to a field, keeping the ones it has. */
  append(name: string, value: string): void {
    const key = normalizeName(name);
    const text = normalizeValue(value);
    const values = this.fields.get(key);
    if (values) values.push(text);
    else this.fields.set(key, [text]);
  }

  /** Replace a field's values with one. */
  set(name: string, value: string): void {
    this.fields.set(normalizeName(name), [normalizeValue(value)]);
  }

  /** Remove a field with all its values. */
  delete(name: string): void {
    this.fields.delete(normalizeName(name));
  }

  /** The field's values joined by ", ", or null if absent. */
  get(name: string): string | null {
    const values = this.fields.get(normalizeName(name));
    return values ? values.join(", ") : null;
  }

  /** Each Set-Cookie value apart: they cannot be joined with commas. */
  getSetCookie(): string[] {
    return (this.fields.get("set-cookie") ?? []).slice();
  }

  /** Whether the field is present. */
  has(name: string): boolean {
    return this.fields.has(normalizeName(name));
  }

  /** Call `callback` with each (value, name) pair, in iteration order. */
  forEach(callback: (value: string, name: string, headers: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this) callback.call(thisArg, value, name, this);
  }

  /** Pairs sorted by name, values combined, Set-Cookie kept apart (as the standard lists them). */
  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.fields.keys()].sort()) {
      const values = this.fields.get(name)!;
      if (name === "set-cookie") for (const value of values) yield [name, value];
      else yield [name, values.join(", ")];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}
