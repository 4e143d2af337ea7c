/**
 * The errors Web Crypto rejects with: DOMExceptions named for what went
 * wrong (NotSupportedError, InvalidAccessError, DataError, OperationError,
 * SyntaxError). The engine has no DOMException; where a runtime module has
 * installed one it is used, else an Error of the same name and message.
 */

export type CryptoErrorName = "NotSupportedError" | "InvalidAccessError" | "DataError" | "OperationError" | "SyntaxError" | "QuotaExceededError";

/** An Error named as the DOMException a browser would reject with. */
export class CryptoDomError extends Error {
  constructor(message: string, name: CryptoErrorName) {
    super(message);
    this.name = name;
  }
}

type DomExceptionConstructor = new (message: string, name: string) => Error;

/** The DOMException (or stand-in) `name` with `message`. */
export function cryptoError(name: CryptoErrorName, message: string): Error {
  const DomException = (globalThis as { DOMException?: DomExceptionConstructor }).DOMException;
  return typeof DomException === "function" ? new DomException(message, name) : new CryptoDomError(message, name);
}
