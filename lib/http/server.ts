/**
 * `serve()`, as `Deno.serve` and `Bun.serve` have it: an HTTP server on a
 * port of the guest's network that hands every request to a fetch handler.
 *
 *     import { serve } from "toro/http";
 *     const server = serve({ port: 8080, fetch: (request) => new Response("hi") });
 *     await server.finished;
 */
import "./globals.ts";
import { env, memoryUsage } from "toro";
import { listen, network, type TcpListener, type TcpStream } from "toro/net";
import { AbortController } from "./abort.ts";
import { defaultMaxRequestBodySize } from "./body-limit.ts";
import type { AbortSignalLike, Request } from "./request.ts";
import { Connections, DEFAULT_MAX_CONNECTIONS } from "./connections.ts";
import type { ConnectionInfo, ConnectionOptions, FetchHandler } from "./serve.ts";
import type { ResponseLike } from "./response-writer.ts";
import type { HttpStats } from "./stats.ts";

/** What serve() takes: the handler, where to listen, and limits. */
export interface ServeOptions extends Omit<ConnectionOptions, "stop" | "maxBodyBytes" | "onError" | "stats"> {
  /** The fetch handler: a Request in, a Response (or a promise of one) out. */
  fetch: FetchHandler;
  /** The TCP port (default: $PORT, else 80). */
  port?: number;
  /** The largest request body, in bytes, read whole or streamed: past it is a 413. Default: a quarter of guest memory, at most 128 MiB. */
  maxRequestBodySize?: number;
  /**
   * Connections open at once: one past it is closed unread (counted in
   * `stats.refused`). Default 256 (Node and Bun have no default limit).
   */
  maxConnections?: number;
  /** Shuts the server down when it aborts, as shutdown() does. */
  signal?: AbortSignalLike;
  /** Called once the server listens (default: a line on the console saying where). */
  onListen?: (address: { hostname: string; port: number }) => void;
  /**
   * Makes the answer to a request whose handler threw or rejected; without
   * it, or when it throws too, the answer is a 500 and the error is logged.
   */
  onError?: (error: unknown, request: Request) => ResponseLike | Promise<ResponseLike>;
}

/** A running server. */
export interface Server {
  /** The port it listens on. */
  readonly port: number;
  /** Counters of connections, requests and refusals, updated as they happen. */
  readonly stats: Readonly<HttpStats>;
  /** Settles once the server has shut down and its last connection has closed; rejects if it could not listen. */
  readonly finished: Promise<void>;
  /**
   * Stop accepting connections, end the idle ones and the others once their
   * request in hand is answered; resolves as `finished` does.
   */
  shutdown(): Promise<void>;
}

/** The port a service asked for, else $PORT, else 80. */
export function servicePort(port: unknown): number {
  const value = Number(port ?? env.PORT ?? 80);
  if (!(Number.isInteger(value) && value >= 1 && value <= 65535)) throw new RangeError(`port ${String(port ?? env.PORT)} is not a port number`);
  return value;
}

/** Serve HTTP/1.1 on a port with `options.fetch`: see ServeOptions. */
export function serve(options: ServeOptions): Server {
  if (typeof options?.fetch !== "function") throw new TypeError("serve() needs a fetch handler: serve({ fetch(request) { … } })");
  const port = servicePort(options.port);
  const maxBodyBytes = options.maxRequestBodySize ?? defaultMaxRequestBodySize(memoryUsage().totalBytes);
  if (maxBodyBytes !== undefined && !(typeof maxBodyBytes === "number" && maxBodyBytes >= 0)) throw new RangeError("maxRequestBodySize must be a number of bytes");
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!(maxConnections >= 1)) throw new RangeError("maxConnections must be at least 1");
  const { fetch, onListen, onError, signal, maxConnections: _, ...limits } = options;
  const handler = onError ? withErrorAnswers(fetch, onError) : fetch;
  const stopping = new AbortController();
  const connections = new Connections(handler, { ...limits, maxBodyBytes, stop: stopping.signal }, maxConnections);
  let listener: TcpListener | undefined;

  const listening = network().then(async ({ address }) => {
    if (stopping.signal.aborted) return;
    listener = await listen(port, (connection: TcpStream) => connections.accept(connection));
    if (onListen) onListen({ hostname: address, port });
    else console.log(`toro: serving HTTP on ${address}:${port}`);
  });
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  // A server that cannot listen has failed: `finished` rejects (an uncaught error unless awaited).
  listening.catch(fail);
  const shutdown = (): Promise<void> => {
    if (!stopping.signal.aborted) {
      stopping.abort();
      void listening.then(async () => {
        listener?.close();
        await connections.closed();
        finish();
      }, () => {});
    }
    return finished;
  };
  if (signal?.aborted) void shutdown();
  else signal?.addEventListener("abort", () => void shutdown());
  return { port, stats: connections.stats, finished, shutdown };
}

// The handler, with onError making the answer when it fails.
function withErrorAnswers(fetch: FetchHandler, onError: NonNullable<ServeOptions["onError"]>): FetchHandler {
  return async (request: Request, info: ConnectionInfo) => {
    try {
      return await fetch(request, info);
    } catch (error) {
      return onError(error, request);
    }
  };
}
