/** The fetch standard's `Request`, as a handler receives it (and as services may build one). */
import "./polyfills.ts";
import { Body, type BodyInit } from "./body.ts";
import { Headers, type HeadersInit } from "./headers.ts";

/** What fetch() does on a redirect: follow it (up to 20), fail, or hand back the 3xx response. */
export type RequestRedirect = "follow" | "error" | "manual";

/**
 * What fetch() needs of an AbortSignal. QuickJS has no AbortController, so
 * Toro has none either; any object of this shape can abort a fetch.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What `new Request(input, init)` (and fetch) accepts. */
export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
  /** Follow redirects (the default), fail on one ("error"), or return it ("manual"). */
  redirect?: RequestRedirect;
  /** Aborts the fetch, and the reading of its response's body. */
  signal?: AbortSignalLike | null;
}

const REDIRECT_MODES = ["follow", "error", "manual"];

// Fetch uppercases only these; other methods are case-sensitive, as HTTP says.
const NORMALIZED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED.has(upper) ? upper : method;
}

/** An HTTP request: method, absolute URL, headers and a body readable once. */
export class Request extends Body {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly redirect: RequestRedirect;
  readonly signal: AbortSignalLike | null;

  constructor(input: string | URL | Request, init: RequestInit = {}) {
    const base = input instanceof Request ? input : null;
    const method = normalizeMethod(init.method ?? base?.method ?? "GET");
    const body = init.body !== undefined ? init.body : base ? (base as Request).transferInit() : null;
    if (body != null && (method === "GET" || method === "HEAD")) {
      throw new TypeError(`A ${method} request cannot have a body`);
    }
    super(body);
    this.method = method;
    // A URL object's href is already parsed and serialized: parsing it again would change nothing.
    this.url = base ? base.url : input instanceof URL ? input.href : new URL(String(input)).href;
    this.headers = new Headers(init.headers ?? base?.headers);
    this.redirect = init.redirect ?? base?.redirect ?? "follow";
    if (!REDIRECT_MODES.includes(this.redirect)) throw new TypeError(`redirect must be "follow", "error" or "manual", not ${JSON.stringify(this.redirect)}`);
    this.signal = init.signal !== undefined ? init.signal : base?.signal ?? null;
    if (this.impliedContentType && !this.headers.has("content-type")) {
      this.headers.set("content-type", this.impliedContentType);
    }
  }

  protected override mediaType(): string | null {
    return this.headers.get("content-type");
  }

  /** A copy with its own body: bytes are copied, a stream is teed (this request keeping one branch). */
  clone(): Request {
    return new Request(this.url, { method: this.method, headers: this.headers, body: this.cloneInit(), redirect: this.redirect, signal: this.signal });
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}
