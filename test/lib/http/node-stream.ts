/**
 * A TcpStream over a Node socket, so fetch()'s client code can be tested
 * against real servers on the host (Node's http module, raw TCP).
 */
import { createConnection, type Socket } from "node:net";
import type { TcpStream } from "../../../kernel/net/tcp/stream.ts";

/** Connect like toro/net's connect(), over Node's TCP. */
export function nodeConnect(host: string, port: number): Promise<TcpStream> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(new NodeStream(socket));
    });
    socket.once("error", reject);
  });
}

class NodeStream implements TcpStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly closed: Promise<void>;
  private readonly inbox: Uint8Array[] = [];
  private eof = false;
  private failure: Error | undefined;
  private waiting: { resolve(chunk: Uint8Array | null): void; reject(error: Error): void }[] = [];
  private readable: (() => void) | undefined;

  constructor(private readonly socket: Socket) {
    this.remoteAddress = socket.remoteAddress ?? "";
    this.remotePort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    this.closed = new Promise((resolve, reject) => {
      socket.on("close", () => (this.failure ? reject(this.failure) : resolve()));
    });
    this.closed.catch(() => {});
    socket.on("data", (data) => {
      this.inbox.push(new Uint8Array(data.buffer, data.byteOffset, data.length));
      this.wake();
    });
    socket.on("end", () => {
      this.eof = true;
      this.wake();
    });
    socket.on("error", (error) => {
      this.failure = error;
      for (const reader of this.waiting.splice(0)) reader.reject(error);
    });
  }

  read(): Promise<Uint8Array | null> {
    const now = this.tryRead();
    if (now !== undefined) return Promise.resolve(now);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  tryRead(): Uint8Array | null | undefined {
    if (this.inbox.length > 0) return this.inbox.shift();
    if (this.eof || this.socket.destroyed) return null;
    return undefined;
  }

  onReadable(callback: () => void): void {
    this.readable = callback;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) yield chunk;
  }

  write(data: Uint8Array | string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  tryWrite(data: Uint8Array): number {
    if (this.failure) throw this.failure;
    this.socket.write(data); // Node's socket buffers it all, and says "drain" when its buffer empties
    return data.length;
  }

  onWritable(callback: () => void): void {
    this.socket.on("drain", callback);
  }

  end(): Promise<void> {
    return new Promise((resolve) => this.socket.end(resolve));
  }

  close(): void {
    this.socket.destroy();
    this.wake();
  }

  setNoDelay(noDelay: boolean): void {
    this.socket.setNoDelay(noDelay);
  }

  setIdleTimeout(): void {}
  setKeepAlive(): void {}

  unref(): void {
    this.socket.unref();
  }

  ref(): void {
    this.socket.ref();
  }

  private wake(): void {
    while (this.waiting.length > 0) {
      const chunk = this.tryRead();
      if (chunk === undefined) break;
      this.waiting.shift()!.resolve(chunk);
    }
    this.readable?.();
  }
}
