/**
 * The globals a Toro service has beyond ECMAScript 2020. A service's
 * tsconfig includes this file (see examples/tsconfig.json, or `toro check`).
 */
/// <reference path="web.d.ts" />

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
  /** Web Crypto's operations (kernel/crypto/subtle; the build links them into services that name crypto.subtle). */
  readonly subtle: SubtleCrypto;
}
declare var crypto: Crypto;
declare var SubtleCrypto: typeof import("../kernel/crypto/subtle/subtle-crypto.ts").SubtleCrypto;
type SubtleCrypto = import("../kernel/crypto/subtle/subtle-crypto.ts").SubtleCrypto;
declare var CryptoKey: typeof import("../kernel/crypto/subtle/crypto-key.ts").CryptoKey;
type CryptoKey = import("../kernel/crypto/subtle/crypto-key.ts").CryptoKey;
type CryptoKeyPair = import("../kernel/crypto/subtle/crypto-key.ts").CryptoKeyPair;
type JsonWebKey = import("../kernel/crypto/subtle/provider.ts").JsonWebKey;

// The web-standard HTTP globals (lib/http; the build links them into services that name them).
declare var Headers: typeof import("../lib/http/headers.ts").Headers;
type Headers = import("../lib/http/headers.ts").Headers;
type HeadersInit = import("../lib/http/headers.ts").HeadersInit;
declare var Request: typeof import("../lib/http/request.ts").Request;
type Request = import("../lib/http/request.ts").Request;
type RequestInit = import("../lib/http/request.ts").RequestInit;
declare var Response: typeof import("../lib/http/response.ts").Response;
type Response = import("../lib/http/response.ts").Response;
type ResponseInit = import("../lib/http/response.ts").ResponseInit;
type BodyInit = import("../lib/http/body.ts").BodyInit;
/**
 * Fetch a resource over plain HTTP/1.1 (http: URLs only: https: is a
 * TypeError, as Toro has no TLS yet). The response's body streams in as it
 * is read; a network error is TypeError("fetch failed") with a `cause`.
 */
declare function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
/** Aborts a fetch (`fetch(url, { signal: controller.signal })`), or anything else that takes its signal. */
declare var AbortController: typeof import("../lib/http/abort.ts").AbortController;
type AbortController = import("../lib/http/abort.ts").AbortController;
/** `AbortSignal.timeout(ms)` gives a fetch a deadline. */
declare var AbortSignal: typeof import("../lib/http/abort.ts").AbortSignal;
type AbortSignal = import("../lib/http/abort.ts").AbortSignal;

// WHATWG Streams (web-streams-polyfill, lib/web/streams.ts), the Encoding and Compression streams (lib/web).
declare var ByteLengthQueuingStrategy: typeof import("web-streams-polyfill").ByteLengthQueuingStrategy;
type ByteLengthQueuingStrategy = import("web-streams-polyfill").ByteLengthQueuingStrategy;
declare var CountQueuingStrategy: typeof import("web-streams-polyfill").CountQueuingStrategy;
type CountQueuingStrategy = import("web-streams-polyfill").CountQueuingStrategy;
declare var ReadableByteStreamController: typeof import("web-streams-polyfill").ReadableByteStreamController;
type ReadableByteStreamController = import("web-streams-polyfill").ReadableByteStreamController;
declare var ReadableStream: typeof import("web-streams-polyfill").ReadableStream;
type ReadableStream<R = any> = import("web-streams-polyfill").ReadableStream<R>;
declare var ReadableStreamBYOBReader: typeof import("web-streams-polyfill").ReadableStreamBYOBReader;
type ReadableStreamBYOBReader = import("web-streams-polyfill").ReadableStreamBYOBReader;
declare var ReadableStreamBYOBRequest: typeof import("web-streams-polyfill").ReadableStreamBYOBRequest;
type ReadableStreamBYOBRequest = import("web-streams-polyfill").ReadableStreamBYOBRequest;
declare var ReadableStreamDefaultController: typeof import("web-streams-polyfill").ReadableStreamDefaultController;
type ReadableStreamDefaultController<R = any> = import("web-streams-polyfill").ReadableStreamDefaultController<R>;
declare var ReadableStreamDefaultReader: typeof import("web-streams-polyfill").ReadableStreamDefaultReader;
type ReadableStreamDefaultReader<R = any> = import("web-streams-polyfill").ReadableStreamDefaultReader<R>;
declare var TransformStream: typeof import("web-streams-polyfill").TransformStream;
type TransformStream<I = any, O = any> = import("web-streams-polyfill").TransformStream<I, O>;
declare var TransformStreamDefaultController: typeof import("web-streams-polyfill").TransformStreamDefaultController;
type TransformStreamDefaultController<O = any> = import("web-streams-polyfill").TransformStreamDefaultController<O>;
declare var WritableStream: typeof import("web-streams-polyfill").WritableStream;
type WritableStream<W = any> = import("web-streams-polyfill").WritableStream<W>;
declare var WritableStreamDefaultController: typeof import("web-streams-polyfill").WritableStreamDefaultController;
type WritableStreamDefaultController = import("web-streams-polyfill").WritableStreamDefaultController;
declare var WritableStreamDefaultWriter: typeof import("web-streams-polyfill").WritableStreamDefaultWriter;
type WritableStreamDefaultWriter<W = any> = import("web-streams-polyfill").WritableStreamDefaultWriter<W>;
declare var TextEncoderStream: typeof import("../lib/web/text-streams.ts").TextEncoderStream;
type TextEncoderStream = import("../lib/web/text-streams.ts").TextEncoderStream;
declare var TextDecoderStream: typeof import("../lib/web/text-streams.ts").TextDecoderStream;
type TextDecoderStream = import("../lib/web/text-streams.ts").TextDecoderStream;
declare var CompressionStream: typeof import("../lib/web/compression-streams.ts").CompressionStream;
type CompressionStream = import("../lib/web/compression-streams.ts").CompressionStream;
declare var DecompressionStream: typeof import("../lib/web/compression-streams.ts").DecompressionStream;
type DecompressionStream = import("../lib/web/compression-streams.ts").DecompressionStream;

interface URLSearchParams {
  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string): boolean;
  set(name: string, value: string): void;
  sort(): void;
  toString(): string;
  forEach(callback: (value: string, key: string, parent: URLSearchParams) => void): void;
  entries(): IterableIterator<[string, string]>;
  keys(): IterableIterator<string>;
  values(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
declare var URLSearchParams: {
  prototype: URLSearchParams;
  new (init?: string | Record<string, string> | Iterable<[string, string]> | URLSearchParams): URLSearchParams;
};

interface URL {
  hash: string;
  host: string;
  hostname: string;
  href: string;
  readonly origin: string;
  password: string;
  pathname: string;
  port: string;
  protocol: string;
  search: string;
  readonly searchParams: URLSearchParams;
  username: string;
  toString(): string;
  toJSON(): string;
}
declare var URL: {
  prototype: URL;
  new (url: string | URL, base?: string | URL): URL;
};

interface TextEncoder {
  readonly encoding: "utf-8";
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};
