/**
 * The event loop of one core, which is also its scheduler. The platform host
 * drains microtasks, then calls turn(); turn() runs at most one due timer
 * (so microtasks run between timers, as in Node) and otherwise tells the
 * host how long it may sleep.
 */
import type { ExitHooks } from "./exit-hooks.ts";
import { TimerHeap, type HeapTimer } from "./timer-heap.ts";

/** What turn() returns to the host besides a deadline in ns since boot (platform/js/host.c agrees). */
export const TURN_RAN_WORK = 0;
export const TURN_WAIT_FOR_EVENTS = -1;
export const TURN_NOTHING_PENDING = -2;

const NS_PER_MS = 1e6;
/** As in Node: delays outside 1..2^31-1 ms become 1 ms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The handle setTimeout/setInterval return, shaped like Node's Timeout. */
export class Timeout implements HeapTimer {
  deadline = 0;
  sequence = 0;
  heapIndex = -1;
  referenced = true;

  constructor(
    private readonly loop: EventLoop,
    readonly id: number,
    readonly callback: (...args: unknown[]) => void,
    readonly args: unknown[],
    readonly delayMs: number,
    readonly repeat: boolean,
  ) {}

  /** Keep the service alive while this timer is pending (the default). */
  ref(): this {
    this.loop.setReferenced(this, true);
    return this;
  }
  /** Let the service end even though this timer is pending. */
  unref(): this {
    this.loop.setReferenced(this, false);
    return this;
  }
  hasRef(): boolean {
    return this.referenced;
  }
  /** Restart the timer's countdown from now. */
  refresh(): this {
    this.loop.reschedule(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

export class EventLoop {
  private readonly timers = new TimerHeap<Timeout>();
  private readonly byId = new Map<number, Timeout>();
  private nextId = 1;
  private nextSequence = 0;
  private referencedTimers = 0;
  /** Handles other than timers that keep the service alive (devices, sockets). */
  private otherReferences = 0;
  /** Device events ready to run, oldest first. */
  private readonly events: (() => void)[] = [];
  private readonly pollers: (() => void)[] = [];
  /** When both an event and a timer are ready, take turns, so neither starves the other. */
  private eventsFirst = true;

  /**
   * @param now monotonic clock in nanoseconds
   * @param exitHooks whose before-exit hooks run when nothing is left pending
   */
  constructor(private readonly now: () => number, private readonly exitHooks?: ExitHooks) {}

  setTimer(callback: (...args: unknown[]) => void, delay: unknown, args: unknown[], repeat: boolean): Timeout {
    if (typeof callback !== "function") {
      throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    }
    let ms = Number(delay);
    if (!(ms >= 1 && ms <= MAX_DELAY_MS)) ms = 1;
    const timer = new Timeout(this, this.nextId++, callback, args, ms, repeat);
    this.byId.set(timer.id, timer);
    this.referencedTimers++;
    this.schedule(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    const timer = handle instanceof Timeout ? handle : this.byId.get(Number(handle));
    if (!timer || !this.byId.has(timer.id)) return;
    this.byId.delete(timer.id);
    this.timers.remove(timer);
    if (timer.referenced) this.referencedTimers--;
  }

  setReferenced(timer: Timeout, referenced: boolean): void {
    if (timer.referenced === referenced) return;
    timer.referenced = referenced;
    if (this.byId.has(timer.id)) this.referencedTimers += referenced ? 1 : -1;
  }

  reschedule(timer: Timeout): void {
    if (!this.byId.has(timer.id)) return;
    this.timers.remove(timer);
    this.schedule(timer);
  }

  /** Something other than a timer (a device, a socket) keeps the service alive. */
  retain(): void {
    this.otherReferences++;
  }
  release(): void {
    this.otherReferences--;
  }

  /** Run `callback` on a coming turn (devices post their interrupts' handlers). */
  post(callback: () => void): void {
    this.events.push(callback);
  }

  /** Call `poll` at the start of every turn; it may post events (see devices/platform.ts). */
  addPoller(poll: () => void): void {
    this.pollers.push(poll);
  }

  /** Run one device event or one due timer, or say what to wait for; see the TURN_* constants. */
  turn(): number {
    for (const poll of this.pollers) poll();
    const next = this.timers.peek();
    const timerDue = next !== undefined && next.deadline <= this.now();
    if (this.events.length > 0 && (!timerDue || this.eventsFirst)) {
      this.eventsFirst = false;
      this.events.shift()!();
      return TURN_RAN_WORK;
    }
    if (next && timerDue) {
      this.eventsFirst = true;
      this.timers.pop();
      if (next.repeat) this.schedule(next);
      else this.clearTimer(next);
      next.callback(...next.args);
      return TURN_RAN_WORK;
    }
    if (this.referencedTimers > 0 && next) return next.deadline;
    if (this.otherReferences > 0) return next ? next.deadline : TURN_WAIT_FOR_EVENTS;
    if (this.startBeforeExitHooks()) return TURN_RAN_WORK;
    return TURN_NOTHING_PENDING;
  }

  /**
   * Out of work: start the before-exit hooks (if any), one after another,
   * keeping the service alive until the last has settled. One that rejects
   * is thrown from a turn, so it is an uncaught error as in Node.
   */
  private startBeforeExitHooks(): boolean {
    const hooks = this.exitHooks?.takeBeforeExitHooks() ?? [];
    if (hooks.length === 0) return false;
    this.retain();
    const run = async () => {
      for (const hook of hooks) await hook();
    };
    run().then(
      () => this.release(),
      (error) => {
        this.release();
        this.post(() => {
          throw error;
        });
      },
    );
    return true;
  }

  private schedule(timer: Timeout): void {
    timer.deadline = this.now() + timer.delayMs * NS_PER_MS;
    timer.sequence = this.nextSequence++;
    this.timers.push(timer);
  }
}
