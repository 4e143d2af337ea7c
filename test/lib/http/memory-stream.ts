/**
 * An in-memory TcpStream for the HTTP tests: the test plays the client,
 * feeding bytes in (any chunking) and reading what the server wrote.
 */
import type { TcpStream } from "../../../kernel/net/tcp/stream.ts";

const encoder = new TextEncoder();

/** The server's side of a fake connection, with client-side controls. */
export class MemoryStream implements TcpStream {
  readonly remoteAddress = "10.0.2.2";
  readonly remotePort = 40000;
  readonly localPort = 80;
  readonly closed: Promise<void>;
  /** Everything the server wrote, as Latin-1 text. */
  output = "";
  /** The server sent FIN (end) or closed. */
  ended = false;
  isClosed = false;
  /** Whether the connection would keep the service alive (unref() and ref() set it). */
  referenced = true;

  private readonly inbox: (Uint8Array | null)[] = [];
  private readers: ((chunk: Uint8Array | null) => void)[] = [];
  private outputWaiters: (() => void)[] = [];
  private readable: (() => void) | undefined;
  private resolveClosed!: () => void;

  constructor() {
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  /** Client side: deliver bytes to the server. */
  send(data: string | Uint8Array): void {
    this.deliver(typeof data === "string" ? Uint8Array.from(data, (c) => c.charCodeAt(0)) : data);
  }

  /** Client side: half-close (the server reads EOF). */
  finish(): void {
    this.deliver(null);
  }

  /** Resolves once the output satisfies `done` (or the server closes). */
  async waitFor(done: (output: string) => boolean): Promise<string> {
    while (!done(this.output) && !this.isClosed) await new Promise<void>((resolve) => this.outputWaiters.push(resolve));
    return this.output;
  }

  read(): Promise<Uint8Array | null> {
    const next = this.tryRead();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  tryRead(): Uint8Array | null | undefined {
    if (this.isClosed) return null;
    if (this.inbox.length === 0) return undefined;
    const chunk = this.inbox[0];
    if (chunk !== null) this.inbox.shift(); // EOF stays: every later read sees it too.
    return chunk;
  }

  onReadable(callback: () => void): void {
    this.readable = callback;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  async write(data: Uint8Array | string): Promise<void> {
    if (this.isClosed || this.ended) throw new Error("write after close");
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    for (let i = 0; i < bytes.length; i += 4096) {
      this.output += String.fromCharCode(...bytes.subarray(i, i + 4096));
    }
    this.notify();
  }

  tryWrite(data: Uint8Array): number {
    if (this.isClosed || this.ended) throw new Error("write after close");
    void this.write(data);
    return data.length;
  }

  onWritable(): void {
    // Writes always fit: never called.
  }

  async end(): Promise<void> {
    this.ended = true;
    this.notify();
  }

  close(): void {
    this.isClosed = true;
    for (const reader of this.readers.splice(0)) reader(null);
    this.resolveClosed();
    this.notify();
  }

  setNoDelay(): void {}
  setIdleTimeout(): void {}
  setKeepAlive(): void {}
  unref(): void {
    this.referenced = false;
  }
  ref(): void {
    this.referenced = true;
  }

  private deliver(chunk: Uint8Array | null): void {
    if (chunk === null) {
      this.inbox.push(null);
      for (const reader of this.readers.splice(0)) reader(null);
    } else {
      const reader = this.readers.shift();
      if (reader) reader(chunk);
      else this.inbox.push(chunk);
    }
    this.readable?.();
  }

  private notify(): void {
    for (const waiter of this.outputWaiters.splice(0)) waiter();
  }
}
