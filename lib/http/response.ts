/** The fetch standard's `Response`, as a handler returns it. */
import { Body, type BodyInit } from "./body.ts";
import { Headers, type HeadersInit } from "./headers.ts";
import { reasonPhrase } from "./status.ts";

/** What `new Response(body, init)` accepts. */
export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

// A handler's status lies in 200..599 (fetch standard; 1xx are the server's own
// business), and these of them never carry a body.
const NULL_BODY_STATUS = new Set([204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** An HTTP response: status, headers and a body, known in full or streamed. */
export class Response extends Body {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The URL fetch() got this response from, its last after redirects ("" for a response made here). */
  readonly url: string = "";
  /** Whether fetch() followed a redirect to get this response. */
  readonly redirected: boolean = false;

  constructor(body: BodyInit | null = null, init: ResponseInit = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response status must be 200 to 599, not ${status}`);
    }
    if (body != null && NULL_BODY_STATUS.has(status)) {
      throw new TypeError(`A ${status} response cannot have a body`);
    }
    super(body);
    this.status = status;
    this.statusText = init.statusText ?? reasonPhrase(status);
    this.headers = new Headers(init.headers);
    if (this.impliedContentType && !this.headers.has("content-type")) {
      this.headers.set("content-type", this.impliedContentType);
    }
  }

  protected override mediaType(): string | null {
    return this.headers.get("content-type");
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** A response whose body is `data` as JSON. */
  static json(data: unknown, init: ResponseInit = {}): Response {
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(JSON.stringify(data), { ...init, headers });
  }

  /** A redirect to `url` (301, 302, 303, 307 or 308). */
  static redirect(url: string | URL, status = 302): Response {
    if (!REDIRECT_STATUS.has(status)) throw new RangeError(`Not a redirect status: ${status}`);
    return new Response(null, { status, headers: { location: String(url) } });
  }

  /** A copy with its own body: bytes are copied, a stream is teed (this response keeping one branch). */
  clone(): Response {
    return new Response(this.cloneInit(), { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  get [Symbol.toStringTag](): string {
    return "Response";
  }
}
