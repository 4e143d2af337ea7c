/**
 * `node:events`: the npm `events` package (Node's EventEmitter for every
 * engine, kept by the browserify project), plus what Node added since it
 * was cut: `errorMonitor`, `on()` as an async iterator, the static
 * `setMaxListeners` and `getEventListeners`.
 */
// @ts-expect-error: the package ships no types; EventEmitterConstructor below gives them.
import PackageEmitter from "events/events.js";
import { AbortError } from "./abort-error.ts";

type Listener = (...args: any[]) => void;
type EventName = string | symbol;

export interface EventEmitter {
  addListener(event: EventName, listener: Listener): this;
  on(event: EventName, listener: Listener): this;
  once(event: EventName, listener: Listener): this;
  prependListener(event: EventName, listener: Listener): this;
  prependOnceListener(event: EventName, listener: Listener): this;
  removeListener(event: EventName, listener: Listener): this;
  off(event: EventName, listener: Listener): this;
  removeAllListeners(event?: EventName): this;
  setMaxListeners(n: number): this;
  getMaxListeners(): number;
  listeners(event: EventName): Listener[];
  rawListeners(event: EventName): Listener[];
  emit(event: EventName, ...args: any[]): boolean;
  listenerCount(event: EventName): number;
  eventNames(): EventName[];
}

/** What `on()` and `once()` accept: an optional signal that ends the wait. */
export interface StaticEventOptions {
  signal?: AbortSignalLike;
}

/** The part of an AbortSignal these functions use (the global is linked only when a service names it). */
interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface EventEmitterConstructor {
  new (options?: { captureRejections?: boolean }): EventEmitter;
  readonly prototype: EventEmitter;
  EventEmitter: EventEmitterConstructor;
  defaultMaxListeners: number;
  readonly errorMonitor: unique symbol;
  once: typeof once;
  on: typeof on;
  setMaxListeners: typeof setMaxListeners;
  getEventListeners: typeof getEventListeners;
  listenerCount(emitter: EventEmitter, event: EventName): number;
}

export const EventEmitter = PackageEmitter as EventEmitterConstructor;
/** The package's own once(), before ours (which waits on it, and adds the signal) takes its place. */
const packageOnce: (emitter: EventEmitter, event: EventName) => Promise<unknown[]> = PackageEmitter.once;

/** Listeners of this symbol see every 'error' event before the 'error' listeners do, and do not count as handling it. */
export const errorMonitor: unique symbol = Symbol("events.errorMonitor");

const emit = EventEmitter.prototype.emit;
EventEmitter.prototype.emit = function (this: EventEmitter, event: EventName, ...args: unknown[]): boolean {
  if (event === "error" && this.listenerCount(errorMonitor) > 0) emit.call(this, errorMonitor, ...args);
  return emit.call(this, event, ...args);
};

function abortError(signal: AbortSignalLike): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/** The arguments of the next `event` (a promise); an 'error' event first rejects it. */
export function once(emitter: EventEmitter, event: EventName, options: StaticEventOptions = {}): Promise<unknown[]> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const waiting = packageOnce(emitter, event);
  if (!signal) return waiting;
  return new Promise((resolve, reject) => {
    const abort = () => reject(abortError(signal));
    signal.addEventListener("abort", abort, { once: true });
    waiting.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/**
 * Every `event` as an async iterator of its arguments, queued while nobody
 * waits; an 'error' event ends it by rejecting, as does the signal.
 */
export function on(emitter: EventEmitter, event: EventName, options: StaticEventOptions = {}): AsyncIterableIterator<unknown[]> {
  const { signal } = options;
  if (signal?.aborted) throw abortError(signal);
  const queued: unknown[][] = [];
  const waiting: { resolve: (result: IteratorResult<unknown[]>) => void; reject: (error: unknown) => void }[] = [];
  let failure: { error: unknown } | undefined;
  let finished = false;

  const onEvent = (...args: unknown[]) => {
    const next = waiting.shift();
    if (next) next.resolve({ value: args, done: false });
    else queued.push(args);
  };
  const fail = (error: unknown) => {
    const next = waiting.shift();
    if (next) next.reject(error);
    else failure = { error };
    void iterator.return();
  };
  const onError = (error: unknown) => fail(error);
  const onAbort = () => fail(abortError(signal!));

  emitter.on(event, onEvent);
  if (event !== "error") emitter.on("error", onError);
  signal?.addEventListener("abort", onAbort, { once: true });

  const iterator: AsyncIterableIterator<unknown[]> & Required<Pick<AsyncIterator<unknown[]>, "return" | "throw">> = {
    next(): Promise<IteratorResult<unknown[]>> {
      const args = queued.shift();
      if (args) return Promise.resolve({ value: args, done: false });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return(): Promise<IteratorResult<unknown[]>> {
      if (!finished) {
        finished = true;
        emitter.removeListener(event, onEvent);
        emitter.removeListener("error", onError);
        signal?.removeEventListener("abort", onAbort);
        for (const next of waiting.splice(0)) next.resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error: unknown): Promise<IteratorResult<unknown[]>> {
      fail(error);
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Set the listener limit of each emitter given, or with none the default for new ones. */
export function setMaxListeners(n = EventEmitter.defaultMaxListeners, ...emitters: EventEmitter[]): void {
  if (emitters.length === 0) EventEmitter.defaultMaxListeners = n;
  for (const emitter of emitters) emitter.setMaxListeners(n);
}

/** A copy of the emitter's listeners for `event`. */
export function getEventListeners(emitter: EventEmitter, event: EventName): Listener[] {
  return emitter.listeners(event);
}

export const listenerCount = (emitter: EventEmitter, event: EventName): number => emitter.listenerCount(event);
export const defaultMaxListeners = EventEmitter.defaultMaxListeners;

Object.assign(EventEmitter, { errorMonitor, once, on, setMaxListeners, getEventListeners });

export default EventEmitter;
