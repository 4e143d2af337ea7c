/**
 * What a server counts of its connections, so a service can see what its
 * clients did to it: every limit that refused something is counted here.
 */

/** Counters of one server (or of the connections that share it), read as `server.stats`. */
export interface HttpStats {
  /** Connections open now. */
  connections: number;
  /** Connections served since the start. */
  accepted: number;
  /** Connections closed at once, unread, because `maxConnections` were open. */
  refused: number;
  /** Requests handed to the fetch handler. */
  requests: number;
  /**
   * Requests the server answered with an error of its own and then closed
   * the connection, by status: 400 malformed, 408 headers or request
   * timeout, 413 body, 414 request line, 431 header fields, 417, 501, 505.
   */
  rejected: Record<number, number>;
  /** Keep-alive connections closed because no request started within `idleTimeoutMs`. */
  idleTimeouts: number;
  /** Connections the client closed or reset in the middle of a request. */
  aborted: number;
}

/** A fresh set of counters, all zero. */
export function createStats(): HttpStats {
  return { connections: 0, accepted: 0, refused: 0, requests: 0, rejected: {}, idleTimeouts: 0, aborted: 0 };
}

/** Count one error answer with `status`. */
export function countRejected(stats: HttpStats, status: number): void {
  stats.rejected[status] = (stats.rejected[status] ?? 0) + 1;
}
