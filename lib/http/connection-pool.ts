/**
 * fetch()'s idle connections, kept per origin (host:port) for the next
 * request there, as undici and Node's http.Agent do. Bounded in number per
 * origin and in idle time (4 s by default: less than the 5 s most servers
 * keep an idle connection, so we close first). An idle connection keeps
 * neither the service alive nor, by its timer, anything else: both are
 * unreferenced. One the server closes or resets while idle, or sends bytes
 * on unasked, is dropped at once.
 */
import type { TcpStream } from "toro/net";

export interface PoolOptions {
  /** Idle connections kept per origin; the oldest is closed to make room (default 6). */
  maxIdlePerOrigin?: number;
  /** An idle connection is closed after this many ms (default 4000). */
  idleTimeoutMs?: number;
}

interface Idle {
  origin: string;
  stream: TcpStream;
  /** When it was put in the pool, by performance.now(). */
  since: number;
}

const NOTHING = () => {};

export class ConnectionPool {
  readonly maxIdlePerOrigin: number;
  readonly idleTimeoutMs: number;
  /** Per origin, oldest first: the newest is taken first, as the likeliest to be alive still. */
  private readonly idle = new Map<string, Idle[]>();
  /** Each connection's entry while it is idle here. */
  private readonly entries = new Map<TcpStream, Idle>();
  /** Connections whose end we watch: once each, however often they come back. */
  private readonly watched = new WeakSet<TcpStream>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: PoolOptions = {}) {
    this.maxIdlePerOrigin = options.maxIdlePerOrigin ?? 6;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 4000;
  }

  /** An idle connection to `origin`, taken out of the pool and referenced again; undefined if none. */
  take(origin: string): TcpStream | undefined {
    const list = this.idle.get(origin);
    const entry = list?.pop();
    if (!entry) return undefined;
    if (list!.length === 0) this.idle.delete(origin);
    this.entries.delete(entry.stream);
    entry.stream.onReadable(NOTHING);
    entry.stream.ref();
    return entry.stream;
  }

  /**
   * Keep `stream`, whose last exchange ended cleanly, for the next request
   * to `origin`; or close it if something already arrived (EOF, a reset, stray
   * bytes), or if the pool keeps none.
   */
  put(origin: string, stream: TcpStream): void {
    if (this.maxIdlePerOrigin <= 0 || this.idleTimeoutMs <= 0 || stream.tryRead() !== undefined) {
      stream.close();
      return;
    }
    const entry: Idle = { origin, stream, since: performance.now() };
    let list = this.idle.get(origin);
    if (!list) this.idle.set(origin, (list = []));
    list.push(entry);
    this.entries.set(stream, entry);
    stream.unref();
    // Data or EOF while idle: the server closed it, or broke the protocol. Either way it cannot be used.
    stream.onReadable(() => this.drop(stream));
    if (!this.watched.has(stream)) {
      this.watched.add(stream);
      // A reset while idle (it settles `closed` without making it readable).
      stream.closed.then(() => this.drop(stream), () => this.drop(stream));
    }
    if (list.length > this.maxIdlePerOrigin) this.drop(list[0].stream);
    this.armTimer();
  }

  /** Idle connections to `origin`, or to all origins. */
  idleCount(origin?: string): number {
    return origin === undefined ? this.entries.size : (this.idle.get(origin)?.length ?? 0);
  }

  /** Close every idle connection. */
  close(): void {
    for (const stream of [...this.entries.keys()]) this.drop(stream);
  }

  /** Close `stream` if it is idle here, and forget it. */
  private drop(stream: TcpStream): void {
    const entry = this.entries.get(stream);
    if (!entry) return;
    this.entries.delete(stream);
    const list = this.idle.get(entry.origin)!;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.idle.delete(entry.origin);
    stream.onReadable(NOTHING);
    stream.close();
  }

  /**
   * One timer for the whole pool, due when the oldest idle connection times
   * out: connections go in as time passes, so no later one is due sooner.
   */
  private armTimer(): void {
    if (this.timer !== undefined || this.entries.size === 0) return;
    let oldest = Infinity;
    for (const entry of this.entries.values()) oldest = Math.min(oldest, entry.since);
    const wait = Math.max(0, oldest + this.idleTimeoutMs - performance.now());
    this.timer = setTimeout(() => this.expire(), wait);
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const entry of [...this.entries.values()]) {
      if (now - entry.since >= this.idleTimeoutMs) this.drop(entry.stream);
    }
    this.armTimer();
  }
}
