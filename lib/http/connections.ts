/**
 * The connections one server serves: at most `maxConnections` at once, the
 * ones past it closed unread, and all of them counted in one HttpStats.
 */
import { serveHttp, type ConnectionOptions, type FetchHandler } from "./serve.ts";
import { createStats, type HttpStats } from "./stats.ts";
import type { TcpStream } from "toro/net";

/**
 * Open connections at most, by default. Node and Bun set none; a guest has
 * a few MiB, and 256 connections that each hold a whole 16 KiB head still
 * take only 4 MiB, an eighth of the default 32 MiB.
 */
export const DEFAULT_MAX_CONNECTIONS = 256;

/** A server's connections, served with one handler and one set of options. */
export class Connections {
  /** The counters every connection adds to. */
  readonly stats: HttpStats = createStats();
  private readonly open = new Set<Promise<void>>();

  constructor(
    private readonly handler: FetchHandler,
    private readonly options: Omit<ConnectionOptions, "stats">,
    private readonly maxConnections = DEFAULT_MAX_CONNECTIONS,
  ) {}

  /**
   * Serve a new connection, or, when `maxConnections` are open, close it at
   * once without reading it (as Node does past its server.maxConnections):
   * a flood of connections cannot take the memory the open ones need.
   */
  accept(stream: TcpStream): void {
    // The count drops as a connection closes, before its promise settles.
    if (this.stats.connections >= this.maxConnections) {
      this.stats.refused++;
      stream.close();
      return;
    }
    const served = serveHttp(stream, this.handler, { ...this.options, stats: this.stats });
    this.open.add(served);
    void served.then(() => this.open.delete(served));
  }

  /** Resolves once no connection is open (ones accepted meanwhile included). */
  async closed(): Promise<void> {
    while (this.open.size > 0) await Promise.all(this.open);
  }
}
