/** Node's AbortError: what its promise APIs reject with when their signal aborts. */
export class AbortError extends Error {
  readonly code = "ABORT_ERR";

  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AbortError";
  }
}
