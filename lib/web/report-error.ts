/**
 * reportError() (HTML §8.1.4.6): report an exception as an uncaught one
 * without stopping the code that reports it. Here that is what the host
 * does with an uncaught error (as in Node and Deno): the error and its
 * stack are printed and the service exits with code 1. It is reported from
 * a microtask, so the caller runs on to its end first; in the image an
 * error thrown by a queued microtask is reported that way, in Node it is an
 * uncaughtException.
 */

/** Report `error` as uncaught, from a microtask. */
export function reportError(error: unknown): void {
  if (arguments.length === 0) throw new TypeError('The "e" argument must be specified');
  queueMicrotask(() => {
    throw error;
  });
}
