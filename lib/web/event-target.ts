/**
 * EventTarget (DOM Standard §2.7) for objects that are not nodes: listeners
 * per type, each once at most for a (callback, capture) pair, with the
 * `once`, `passive` and `signal` options, listener objects with
 * `handleEvent`, and dispatch at the target in the standard's two passes
 * (capture listeners, then the others). A listener's exception does not
 * reach dispatchEvent()'s caller: it is reported as uncaught (reportError),
 * as browsers, Node and Deno do, and the other listeners still run.
 */
import { DOMException } from "./dom-exception.ts";
import { dispatchState, Event } from "./event.ts";
import { reportError } from "./report-error.ts";

/** A function listener, or an object whose `handleEvent` is called. */
export type EventListenerOrEventListenerObject = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

/** What addEventListener() takes: an object, or `true`/`false` for `capture`. */
export interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  /** Remove the listener when this signal aborts (none is added if it has already). */
  signal?: { aborted: boolean; addEventListener(type: "abort", listener: () => void): void };
}

interface Listener {
  callback: EventListenerOrEventListenerObject;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed: boolean;
}

function captureOf(options: unknown): boolean {
  return typeof options === "object" && options !== null ? Boolean((options as { capture?: unknown }).capture) : Boolean(options);
}

/** Something with listeners that events are dispatched to. */
export class EventTarget {
  #listeners = new Map<string, Listener[]>();

  /** Call `callback` for each event of `type` dispatched here, until it is removed. */
  addEventListener(type: string, callback: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    if (arguments.length < 2) throw new TypeError('The "type" and "listener" arguments must be specified');
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && typeof callback !== "object") throw new TypeError("The listener must be a function or an object with handleEvent");
    const name = String(type);
    const capture = captureOf(options);
    const settings = typeof options === "object" && options !== null ? options : {};
    const signal = settings.signal;
    if (signal !== undefined && (typeof signal !== "object" || signal === null || !("aborted" in signal))) throw new TypeError("The signal option must be an AbortSignal");
    if (signal?.aborted) return;
    let list = this.#listeners.get(name);
    if (!list) this.#listeners.set(name, (list = []));
    if (list.some((listener) => listener.callback === callback && listener.capture === capture)) return;
    const listener: Listener = { callback, capture, once: Boolean(settings.once), passive: Boolean(settings.passive), removed: false };
    list.push(listener);
    signal?.addEventListener("abort", () => this.removeEventListener(name, callback, { capture }));
  }

  /** Stop calling `callback` for `type` (`capture` must match the one it was added with). */
  removeEventListener(type: string, callback: EventListenerOrEventListenerObject | null, options?: boolean | { capture?: boolean }): void {
    if (arguments.length < 2) throw new TypeError('The "type" and "listener" arguments must be specified');
    const name = String(type);
    const list = this.#listeners.get(name);
    if (!list) return;
    const capture = captureOf(options);
    const index = list.findIndex((listener) => listener.callback === callback && listener.capture === capture);
    if (index === -1) return;
    list[index].removed = true;
    list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(name);
  }

  /** Call the listeners for `event.type` with `event`; false if one of them canceled it. */
  dispatchEvent(event: Event): boolean {
    if (!(event instanceof Event)) throw new TypeError('The "event" argument must be an instance of Event');
    const state = dispatchState(event);
    if (state.dispatching) throw new DOMException("The event is already being dispatched", "InvalidStateError");
    state.dispatching = true;
    state.target = this;
    state.currentTarget = this;
    state.phase = Event.AT_TARGET;
    try {
      // The list as it is now: listeners added during the dispatch wait for the next one.
      const listeners = [...(this.#listeners.get(event.type) ?? [])];
      this.#invoke(event, listeners, true);
      this.#invoke(event, listeners, false);
    } finally {
      state.dispatching = false;
      state.currentTarget = null;
      state.phase = Event.NONE;
      state.stopPropagation = false;
      state.stopImmediatePropagation = false;
    }
    return !state.canceled;
  }

  // One pass at the target: the capture listeners, or the others.
  #invoke(event: Event, listeners: Listener[], capturePass: boolean): void {
    const state = dispatchState(event);
    if (state.stopPropagation) return;
    for (const listener of listeners) {
      if (listener.removed || listener.capture !== capturePass) continue;
      if (listener.once) this.removeEventListener(event.type, listener.callback, { capture: listener.capture });
      state.inPassiveListener = listener.passive;
      try {
        const callback = listener.callback;
        if (typeof callback === "function") {
          callback.call(this, event);
        } else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== "function") throw new TypeError("The listener's handleEvent is not a function");
          handleEvent.call(callback, event);
        }
      } catch (error) {
        reportError(error);
      }
      state.inPassiveListener = false;
      if (state.stopImmediatePropagation) return;
    }
  }

  get [Symbol.toStringTag](): string {
    return "EventTarget";
  }
}
