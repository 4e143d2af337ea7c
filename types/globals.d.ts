/**
 * The globals a Toro service has beyond ECMAScript 2020. A service's
 * tsconfig includes this file (see examples/tsconfig.json, or `toro check`).
 */

interface Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  dir(value: unknown, options?: { depth?: number }): void;
  trace(...data: unknown[]): void;
  assert(condition?: unknown, ...data: unknown[]): void;
  count(label?: string): void;
  countReset(label?: string): void;
  time(label?: string): void;
  timeLog(label?: string, ...data: unknown[]): void;
  timeEnd(label?: string): void;
  group(...label: unknown[]): void;
  groupEnd(): void;
}
declare var console: Console;

/** A pending timer, as setTimeout and setInterval return it. */
interface Timeout {
  /** Keep the service alive while this timer is pending (the default). */
  ref(): Timeout;
  /** Let the service end even though this timer is pending. */
  unref(): Timeout;
  hasRef(): boolean;
  /** Restart the countdown from now. */
  refresh(): Timeout;
  [Symbol.toPrimitive](): number;
}

declare function setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): Timeout;
/** So that `new Promise((resolve) => setTimeout(resolve, ms))` type-checks, as with Node's types. */
declare function setTimeout(callback: (args: void) => void, ms?: number): Timeout;
declare function setInterval<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): Timeout;
declare function setInterval(callback: (args: void) => void, ms?: number): Timeout;
declare function clearTimeout(timeout: Timeout | number | undefined | null): void;
declare function clearInterval(timeout: Timeout | number | undefined | null): void;
declare function queueMicrotask(callback: () => void): void;

interface Performance {
  /** Milliseconds since the VM started. */
  now(): number;
  /** The wall-clock time (ms since 1970) at which the VM started. */
  readonly timeOrigin: number;
}
declare var performance: Performance;

interface Crypto {
  /** Fill an integer typed array (at most 65536 bytes) with cryptographically strong random values. */
  getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array>(array: T): T;
  /** A random (version 4) UUID. */
  randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
}
declare var crypto: Crypto;
