/**
 * Event and CustomEvent (DOM Standard §2.2, §2.4), as EventTarget
 * dispatches them. The dispatch state (target, phase, the stop and
 * passive flags) is kept apart, in a WeakMap that event-target.ts reaches
 * through dispatchState(): it is no part of an event's public face.
 */

/** What `new Event(type, init)` takes. */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/** What `new CustomEvent(type, init)` takes: an Event's init and the `detail` it carries. */
export interface CustomEventInit<T = unknown> extends EventInit {
  detail?: T;
}

/** The state EventTarget's dispatch reads and writes. */
export interface DispatchState {
  target: object | null;
  currentTarget: object | null;
  phase: number;
  dispatching: boolean;
  stopPropagation: boolean;
  stopImmediatePropagation: boolean;
  inPassiveListener: boolean;
  canceled: boolean;
}

const states = new WeakMap<Event, DispatchState>();

/** The dispatch state of `event` (a TypeError for what is not an Event). */
export function dispatchState(event: Event): DispatchState {
  const state = states.get(event);
  if (!state) throw new TypeError("Illegal invocation: not an Event");
  return state;
}

const now = (): number => (typeof performance === "object" ? performance.now() : Date.now());

/** Something that happened, told to an EventTarget's listeners with dispatchEvent(). */
export class Event {
  static readonly NONE = 0;
  static readonly CAPTURING_PHASE = 1;
  static readonly AT_TARGET = 2;
  static readonly BUBBLING_PHASE = 3;

  readonly #type: string;
  readonly #bubbles: boolean;
  readonly #cancelable: boolean;
  readonly #composed: boolean;
  readonly #timeStamp = now();
  constructor(type: string, init: EventInit = {}) {
    if (arguments.length === 0) throw new TypeError('The "type" argument must be specified');
    this.#type = String(type);
    const options = init ?? {};
    if (typeof options !== "object" && typeof options !== "function") throw new TypeError("The event's init must be an object");
    this.#bubbles = Boolean(options.bubbles);
    this.#cancelable = Boolean(options.cancelable);
    this.#composed = Boolean(options.composed);
    states.set(this, {
      target: null,
      currentTarget: null,
      phase: 0,
      dispatching: false,
      stopPropagation: false,
      stopImmediatePropagation: false,
      inPassiveListener: false,
      canceled: false,
    });
  }

  get type(): string {
    return this.#type;
  }
  get bubbles(): boolean {
    return this.#bubbles;
  }
  get cancelable(): boolean {
    return this.#cancelable;
  }
  get composed(): boolean {
    return this.#composed;
  }
  /** Always false: no event here comes from a user agent's own input. */
  get isTrusted(): boolean {
    return false;
  }
  /** performance.now() when the event was made. */
  get timeStamp(): number {
    return this.#timeStamp;
  }
  get target(): object | null {
    return dispatchState(this).target;
  }
  /** The legacy name of `target`. */
  get srcElement(): object | null {
    return dispatchState(this).target;
  }
  get currentTarget(): object | null {
    return dispatchState(this).currentTarget;
  }
  get eventPhase(): number {
    return dispatchState(this).phase;
  }
  get defaultPrevented(): boolean {
    return dispatchState(this).canceled;
  }
  /** The legacy inverse of `defaultPrevented`; setting it false cancels the event. */
  get returnValue(): boolean {
    return !dispatchState(this).canceled;
  }
  set returnValue(value: boolean) {
    if (!value) this.preventDefault();
  }
  /** The legacy form of stopPropagation(). */
  get cancelBubble(): boolean {
    return dispatchState(this).stopPropagation;
  }
  set cancelBubble(value: boolean) {
    if (value) dispatchState(this).stopPropagation = true;
  }

  /** The targets the event goes through: its current target alone, as there is no tree here. */
  composedPath(): object[] {
    const { dispatching, currentTarget } = dispatchState(this);
    return dispatching && currentTarget ? [currentTarget] : [];
  }

  stopPropagation(): void {
    dispatchState(this).stopPropagation = true;
  }

  /** Stop propagation, and call no more listeners on the current target. */
  stopImmediatePropagation(): void {
    dispatchState(this).stopPropagation = true;
    dispatchState(this).stopImmediatePropagation = true;
  }

  /** Cancel the event, if it is cancelable and the listener is not passive. */
  preventDefault(): void {
    const state = dispatchState(this);
    if (this.#cancelable && !state.inPassiveListener) state.canceled = true;
  }

  get [Symbol.toStringTag](): string {
    return "Event";
  }
}

for (const [name, value] of [["NONE", 0], ["CAPTURING_PHASE", 1], ["AT_TARGET", 2], ["BUBBLING_PHASE", 3]] as const) {
  Object.defineProperty(Event.prototype, name, { value, writable: false, enumerable: true, configurable: false });
}

/** An event that carries a `detail` of the dispatcher's choosing. */
export class CustomEvent<T = unknown> extends Event {
  readonly #detail: T | null;

  constructor(type: string, init: CustomEventInit<T> = {}) {
    if (arguments.length === 0) throw new TypeError('The "type" argument must be specified');
    super(type, init);
    this.#detail = init?.detail ?? null;
  }

  get detail(): T | null {
    return this.#detail;
  }

  get [Symbol.toStringTag](): string {
    return "CustomEvent";
  }
}
