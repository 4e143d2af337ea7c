/**
 * Reads HTTP/1.1 messages off a connection, requests for the server and
 * responses for fetch(): pulls chunks from the stream into a ByteQueue only
 * when the parser needs more, within a time budget, and frames heads and
 * bodies within the limits. A body is read as its consumer pulls it, and
 * reading stops where it ends, so whatever follows (the next pipelined
 * request) stays queued for the next message.
 */
import { ByteQueue } from "./byte-queue.ts";
import { HttpError, IdleTimeoutError, PeerClosedError } from "./errors.ts";
import { parseFieldLine, type Framing } from "./fields.ts";
import type { TcpStream } from "toro/net";

/** The limits on a head a reader enforces. */
export interface HeadLimits {
  /** Start line plus fields plus the blank line, in bytes (also bounds chunked trailers). */
  maxHeaderBytes: number;
  /** Number of header fields. */
  maxHeaderCount: number;
  /**
   * The start line alone, in bytes with its CRLF: a longer request line is a
   * 414 (when this is the tighter of the two limits). Default: maxHeaderBytes.
   */
  maxStartLineBytes?: number;
}

/** A message's first line and its fields, parsed but not yet interpreted. */
export interface RawHead {
  startLine: string;
  /** Names lowercased, in the order received. */
  fields: [string, string][];
}

// A chunk-size line is hex digits and perhaps extensions; longer is abuse.
const MAX_CHUNK_LINE = 1024;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,16})[\t ]*(;.*)?$/;

/** Bytes as Latin-1 text: HTTP heads are bytes, and fetch's header values are byte strings. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  // Bounded slices keep the argument list of fromCharCode small.
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

interface Waiting {
  resolve(chunk: Uint8Array | null): void;
  reject(error: unknown): void;
}

/** Reads one message at a time from a stream. */
export class MessageReader {
  private readonly queue = new ByteQueue();
  private eof = false;
  /** How long the reader may still wait for the peer, in ms, and what to throw when that runs out. */
  private budgetMs = Infinity;
  private allowedMs = Infinity;
  private onTimeout: () => Error = () => new HttpError(408, "request timed out");
  /** The pending wait for the peer, when, by performance.now(), its budget runs out, and the timer that watches it. */
  private waiting: Waiting | undefined;
  private deadline = Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  /** The head being read: its lines so far, and what is left of the header limit. */
  private headSoFar: { startLine: string | undefined; fields: [string, string][]; budget: number } | undefined;

  constructor(private readonly stream: TcpStream, private readonly limits: HeadLimits) {}

  /**
   * Wait up to `idleMs` for the next message to start. False when the peer
   * closes cleanly first; IdleTimeoutError when nothing comes.
   */
  awaitMessage(idleMs: number): Promise<boolean> {
    if (this.messageQueued) return Promise.resolve(true);
    this.allowWaiting(idleMs, () => new IdleTimeoutError());
    return this.fill();
  }

  /** End a wait for the peer now, with `error` (a server that shuts down ends its idle connections so). */
  interrupt(error: Error): void {
    if (this.waiting) this.settle(this.waiting, error, null);
  }

  /** Bytes of a next message are here already: awaitMessage() would resolve true at once. */
  get messageQueued(): boolean {
    return this.queue.length > 0;
  }

  /**
   * From now on the reader may spend `ms` in all waiting for the peer, then
   * throws `onTimeout()`. Only waiting counts: a handler that is slow to
   * read a body does not use up its client's time.
   */
  allowWaiting(ms: number, onTimeout: () => Error): void {
    this.budgetMs = this.allowedMs = ms;
    this.onTimeout = onTimeout;
  }

  /** How long, in ms, the reader has waited for the peer since the last allowWaiting(). */
  get waitedMs(): number {
    return this.allowedMs - this.budgetMs;
  }

  /** Read a head: a start line (empty lines before it skipped) and fields, within the limits (else a 431). */
  async readHead(): Promise<RawHead> {
    for (;;) {
      const head = this.takeHead();
      if (head) return head;
      if (!(await this.fill())) throw new PeerClosedError();
    }
  }

  /**
   * The head, if the rest of it is queued already: taken without an await
   * (a head nearly always arrives whole, and each await costs as much as
   * parsing a field). Otherwise undefined, and what was queued of it is
   * kept for readHead() to go on from.
   */
  takeHead(): RawHead | undefined {
    const head = this.headSoFar ??= { startLine: undefined, fields: [], budget: this.limits.maxHeaderBytes };
    const lineLimit = this.limits.maxStartLineBytes ?? Infinity;
    for (;;) {
      // The start line has a limit of its own (414, as nginx and Apache answer), if it is the tighter one.
      const text = head.startLine === undefined && lineLimit <= head.budget ? this.takeLine(lineLimit, 414) : this.takeLine(head.budget, 431);
      if (text === undefined) return undefined;
      head.budget -= text.length + 2;
      // RFC 9112 2.2: ignore empty lines before the start line (they count against the limit).
      if (head.startLine === undefined) {
        if (text !== "") head.startLine = text;
        continue;
      }
      if (text === "") {
        this.headSoFar = undefined;
        return { startLine: head.startLine, fields: head.fields };
      }
      if (head.fields.length === this.limits.maxHeaderCount) throw new HttpError(431, "too many header fields");
      head.fields.push(parseFieldLine(text));
    }
  }

  /** The body `framing` announces, read as its consumer pulls it; more than `maxBytes` of it is a 413. */
  body(framing: Framing, maxBytes = Infinity): IncomingBody {
    return new IncomingBody(this, framing, maxBytes);
  }

  /** For IncomingBody: up to `max` bytes, waiting if none are here; null at EOF. */
  async readSome(max: number): Promise<Uint8Array | null> {
    while (this.queue.length === 0) {
      if (!(await this.fill())) return null;
    }
    return this.queue.takeUpTo(max);
  }

  /** For IncomingBody: chunked trailers, checked and dropped; they count against the header limit. */
  async skipTrailers(): Promise<void> {
    let budget = this.limits.maxHeaderBytes;
    for (;;) {
      const trailer = await this.readLine(budget, 431);
      if (trailer === "") return;
      budget -= trailer.length + 2;
      parseFieldLine(trailer);
    }
  }

  /**
   * The next line without its CRLF (a bare LF is accepted too, RFC 9112 2.2).
   * A line longer than `limit` bytes is an HttpError with `status`.
   */
  async readLine(limit: number, status: number): Promise<string> {
    for (;;) {
      const line = this.takeLine(limit, status);
      if (line !== undefined) return line;
      if (!(await this.fill())) throw new PeerClosedError();
    }
  }

  /** A whole line already queued, without waiting (undefined if none is); the same errors as readLine. */
  private takeLine(limit: number, status: number): string | undefined {
    const at = this.queue.indexOfLineFeed();
    if (at < 0) {
      if (this.queue.length >= limit) throw new HttpError(status, "line over the limit");
      return undefined;
    }
    if (at + 1 > limit) throw new HttpError(status, "line over the limit");
    const bytes = this.queue.take(at + 1);
    const end = at > 0 && bytes[at - 1] === 13 ? at - 1 : at;
    const text = latin1(bytes.subarray(0, end));
    if (text.includes("\r")) throw new HttpError(400, "bare CR in a line");
    return text;
  }

  // The next chunk, waiting if none is here; false at EOF. Throws the budget's error if it runs out first.
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    // What already arrived needs no waiting (a pipelined request, a head in several segments).
    let chunk = this.stream.tryRead();
    if (chunk === undefined) {
      if (this.budgetMs <= 0) throw this.onTimeout();
      const started = performance.now();
      try {
        chunk = await this.wait(started);
      } finally {
        this.budgetMs -= performance.now() - started;
      }
    }
    if (chunk === null) {
      this.eof = true;
      return false;
    }
    this.queue.push(chunk);
    return true;
  }

  private wait(now: number): Promise<Uint8Array | null> {
    return new Promise((resolve, reject) => {
      const waiting = { resolve, reject };
      this.waiting = waiting;
      this.deadline = now + this.budgetMs;
      this.armTimer(now);
      // After a timeout the connection is closed, which settles this read: it is then ignored.
      this.stream.read().then((chunk) => this.settle(waiting, undefined, chunk), (error) => this.settle(waiting, error, null));
    });
  }

  private settle(waiting: Waiting, error: unknown, chunk: Uint8Array | null): void {
    if (this.waiting !== waiting) return;
    this.waiting = undefined;
    this.timer?.unref();
    if (error !== undefined) waiting.reject(error);
    else waiting.resolve(chunk);
  }

  /**
   * One timer per reader, not one per wait: a wait only moves the deadline
   * unless it comes sooner than the timer, and a timer that fires early
   * sleeps on. It keeps the service alive only while a wait is pending.
   */
  private armTimer(now: number): void {
    if (this.deadline === Infinity) return;
    if (this.timer === undefined || this.timerAt > this.deadline) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timerAt = this.deadline;
      this.timer = setTimeout(() => this.timerFired(), this.deadline - now);
    }
    this.timer.ref();
  }

  private timerFired(): void {
    this.timer = undefined;
    const waiting = this.waiting;
    if (!waiting) return;
    const now = performance.now();
    if (now < this.deadline) return this.armTimer(now);
    this.settle(waiting, this.onTimeout(), null);
  }
}

/**
 * One message's body, an async iterable of byte chunks pulled from the
 * connection as it is read (RFC 9112 sections 6 and 7.1). A body that breaks
 * its framing, goes over its limit or is cut short throws, and keeps
 * throwing the same error; `error` says what it was.
 */
export class IncomingBody implements AsyncIterableIterator<Uint8Array> {
  /** Decoded bytes read so far. */
  received = 0;
  /** The whole body has been read. */
  done: boolean;
  /** Why reading failed, if it did. */
  error: unknown = undefined;
  private chunkLeft = 0; // chunked: data bytes of the current chunk still to read
  private afterData = false; // chunked: a chunk's data ended, its CRLF comes next
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly reader: MessageReader, private readonly framing: Framing, private readonly maxBytes: number) {
    this.done = framing.kind === "none";
  }

  /** The next chunk. Reads run one at a time in call order, even when a caller does not wait for each. */
  next(): Promise<IteratorResult<Uint8Array>> {
    const result = this.pending.then(() => this.pull());
    this.pending = result.catch(() => {});
    return result;
  }

  /** Stop iterating. What is left stays unread: the body's owner drains it or closes the connection. */
  async return(): Promise<IteratorResult<Uint8Array>> {
    return { done: true, value: undefined };
  }

  /** The length the framing announces (a Content-Length), so a reader of the whole body can allocate it once. */
  get expectedBytes(): number | undefined {
    return this.framing.kind === "length" ? this.framing.length : undefined;
  }

  [Symbol.asyncIterator](): IncomingBody {
    return this;
  }

  /** Read and drop the rest of the body if it is at most `limit` bytes: false if it is longer, or broken. */
  async drain(limit: number): Promise<boolean> {
    if (this.framing.kind === "length" && this.framing.length - this.received > limit) return false;
    const start = this.received;
    try {
      while (!(await this.next()).done) {
        if (this.received - start > limit) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  private async pull(): Promise<IteratorResult<Uint8Array>> {
    if (this.error !== undefined) throw this.error;
    if (this.done) return { done: true, value: undefined };
    try {
      const chunk = await this.readChunk();
      if (chunk === null) {
        this.done = true;
        return { done: true, value: undefined };
      }
      this.received += chunk.length;
      return { done: false, value: chunk };
    } catch (error) {
      this.error = error;
      throw error;
    }
  }

  // The next piece of decoded body, or null at its end.
  private async readChunk(): Promise<Uint8Array | null> {
    const framing = this.framing;
    if (framing.kind === "length") {
      if (framing.length > this.maxBytes) throw new HttpError(413, "body over the limit");
      return this.readData(framing.length - this.received);
    }
    if (framing.kind === "close") return this.reader.readSome(Infinity);
    if (framing.kind !== "chunked") return null;
    // RFC 9112 7.1: size line, data, CRLF, until a zero size; then trailers, which are dropped.
    if (this.chunkLeft === 0) {
      if (this.afterData && (await this.reader.readLine(2, 400)) !== "") throw new HttpError(400, "chunk data not followed by CRLF");
      const match = CHUNK_SIZE.exec(await this.reader.readLine(MAX_CHUNK_LINE, 400));
      if (!match) throw new HttpError(400, "malformed chunk size");
      const size = parseInt(match[1], 16);
      if (size === 0) {
        await this.reader.skipTrailers();
        return null;
      }
      if (size > this.maxBytes - this.received) throw new HttpError(413, "body over the limit");
      this.chunkLeft = size;
      this.afterData = true;
    }
    const data = await this.readData(this.chunkLeft);
    this.chunkLeft -= data!.length;
    return data;
  }

  // Up to `left` bytes of data the framing says are still to come (null when none are).
  private async readData(left: number): Promise<Uint8Array | null> {
    if (left === 0) return null;
    const bytes = await this.reader.readSome(left);
    if (bytes === null) throw new PeerClosedError();
    return bytes;
  }
}
