/**
 * AbortController and AbortSignal, as much of them as fetch() and services
 * need: QuickJS has neither (nor EventTarget or DOMException). A signal
 * tells its "abort" listeners and `onabort` once, and keeps the reason.
 * The build links this module into services that name either global.
 */
import { installGlobal } from "./install-global.ts";

/** What an abort listener is called with. */
export interface AbortEvent {
  readonly type: "abort";
  readonly target: AbortSignal;
}

type Listener = (event: AbortEvent) => void;

// Errors named as the DOMExceptions a browser would throw.
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

// How a controller (or a static helper) aborts a signal: not part of the signal's public face.
const ABORT = Symbol("abort");

/** Says whether, and why, an operation was aborted. */
export class AbortSignal {
  private abortedFlag = false;
  private abortReason: unknown = undefined;
  private listeners: Listener[] = [];
  /** Called when the signal aborts, like an "abort" listener. */
  onabort: Listener | null = null;

  get aborted(): boolean {
    return this.abortedFlag;
  }

  /** Why it aborted: what abort() was given, else an Error named AbortError. */
  get reason(): unknown {
    return this.abortReason;
  }

  /** Call `listener` when the signal aborts (once, and never if it already has). */
  addEventListener(type: string, listener: Listener): void {
    if (type === "abort" && !this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type === "abort") this.listeners = this.listeners.filter((other) => other !== listener);
  }

  /** Throw the reason if the signal has aborted. */
  throwIfAborted(): void {
    if (this.abortedFlag) throw this.abortReason;
  }

  /** A signal aborted already. */
  static abort(reason?: unknown): AbortSignal {
    const signal = new AbortSignal();
    signal[ABORT](reason);
    return signal;
  }

  /** A signal that aborts after `ms` milliseconds with an Error named TimeoutError. */
  static timeout(ms: number): AbortSignal {
    const signal = new AbortSignal();
    const timer = setTimeout(() => signal[ABORT](namedError("TimeoutError", "The operation timed out.")), ms);
    // Like the web's: the timer alone does not keep the service alive.
    (timer as { unref?: () => void }).unref?.();
    return signal;
  }

  [ABORT](reason: unknown): void {
    if (this.abortedFlag) return;
    this.abortedFlag = true;
    this.abortReason = reason === undefined ? namedError("AbortError", "This operation was aborted") : reason;
    const event: AbortEvent = { type: "abort", target: this };
    const listeners = this.listeners;
    this.listeners = [];
    this.onabort?.(event);
    for (const listener of listeners) listener(event);
  }

  get [Symbol.toStringTag](): string {
    return "AbortSignal";
  }
}

/** Aborts its `signal`, and so whatever was given that signal. */
export class AbortController {
  readonly signal = new AbortSignal();

  /** Abort the signal with `reason` (default: an Error named AbortError); later calls do nothing. */
  abort(reason?: unknown): void {
    this.signal[ABORT](reason);
  }

  get [Symbol.toStringTag](): string {
    return "AbortController";
  }
}

installGlobal("AbortController", AbortController);
installGlobal("AbortSignal", AbortSignal);
