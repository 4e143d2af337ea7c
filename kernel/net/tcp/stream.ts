/**
 * A TCP connection as services (and lib/http) see it: a byte stream with
 * promises and backpressure, async iteration, half-close, and a
 * non-blocking style for code that must not wait.
 */
export interface TcpStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;

  /** The next bytes received, or null once the peer has closed its side (EOF). */
  read(): Promise<Uint8Array | null>;
  /** Bytes already received, without waiting: undefined if none (null at EOF). */
  tryRead(): Uint8Array | null | undefined;
  /** Called when tryRead() has something (data or EOF). */
  onReadable(callback: () => void): void;
  /** Each received chunk until EOF. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;

  /**
   * Queue bytes (a string as UTF-8). Resolves when they are in the send
   * buffer: awaiting each write is the backpressure. Rejects if the
   * connection is closed or reset.
   */
  write(data: Uint8Array | string): Promise<void>;
  /**
   * Put as much of `data` in the send buffer as it has room for, without
   * waiting: the number of bytes taken, 0 when it is full or when write()s
   * are still queued (they go first). Throws if the sending side is closed
   * or the connection failed.
   */
  tryWrite(data: Uint8Array): number;
  /** Called when the send buffer has room again after a tryWrite() took less than it was given. */
  onWritable(callback: () => void): void;
  /** Send FIN after what is queued: our side is done; reading goes on. */
  end(): Promise<void>;
  /** Close both directions (a reset if unread data is left, as RFC 9293 3.6 allows). */
  close(): void;

  /** Disable Nagle's algorithm: small writes go out at once. */
  setNoDelay(noDelay: boolean): void;
  /** Close the connection if nothing is sent or received for `ms` (0: never). */
  setIdleTimeout(ms: number): void;
  /**
   * Probe a silent peer (RFC 1122 keep-alive): after `idleMs` (default 2 h)
   * without traffic, then every 75 s; after 9 unanswered probes the
   * connection fails. Off by default.
   */
  setKeepAlive(enable: boolean, idleMs?: number): void;
  /**
   * Let the service end while this connection is open (as Node's
   * socket.unref()): for a connection kept idle in case it is wanted again,
   * such as fetch()'s pooled ones. ref() undoes it; a new connection keeps
   * the service alive.
   */
  unref(): void;
  /** Keep the service alive while this connection is open again (the default). */
  ref(): void;
  /** Settles when the connection is fully closed: resolves on an orderly close, rejects on a reset or a timeout. */
  readonly closed: Promise<void>;
}

export interface TcpListener {
  readonly port: number;
  close(): void;
}
