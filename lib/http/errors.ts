/** Why serving a request stopped early: each maps to what the server does next. */

/** The request cannot be served: answer with `status` and close the connection. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

/** The peer closed its side before a request was complete: nothing to answer. */
export class PeerClosedError extends Error {
  constructor() {
    super("the peer closed the connection");
    this.name = "PeerClosedError";
  }
}

/** Nothing arrived between requests within the idle timeout: close quietly. */
export class IdleTimeoutError extends Error {
  constructor() {
    super("idle keep-alive connection timed out");
    this.name = "IdleTimeoutError";
  }
}
