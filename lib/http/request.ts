/** The fetch standard's `Request`, as a handler receives it (and as services may build one). */
import "./polyfills.ts";
import { Body, type BodyInit } from "./body.ts";
import { Headers, type HeadersInit } from "./headers.ts";

/** What `new Request(input, init)` accepts. */
export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
}

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

  constructor(input: string | URL | Request, init: RequestInit = {}) {
    const base = input instanceof Request ? input : null;
    const method = normalizeMethod(init.method ?? base?.method ?? "GET");
    const body = init.body !== undefined ? init.body : base ? (base as Request).cloneInit() : null;
    if (body != null && (method === "GET" || method === "HEAD")) {
      throw new TypeError(`A ${method} request cannot have a body`);
    }
    super(body);
    this.method = method;
    this.url = base ? base.url : new URL(String(input)).href;
    this.headers = new Headers(init.headers ?? base?.headers);
    if (this.impliedContentType && !this.headers.has("content-type")) {
      this.headers.set("content-type", this.impliedContentType);
    }
  }

  /** A copy with its own body (not for streamed bodies). */
  clone(): Request {
    return new Request(this.url, { method: this.method, headers: this.headers, body: this.cloneInit() });
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}
