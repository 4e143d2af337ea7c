/**
 * The HTTP/1.1 server library: serveHttp for one connection, the fetch
 * classes, and the options and types a service may name.
 */
export { serveHttp, type ConnectionInfo, type FetchHandler, type ServeOptions } from "./serve.ts";
export { Headers, type HeadersInit } from "./headers.ts";
export { Request, type RequestInit } from "./request.ts";
export { Response, type ResponseInit } from "./response.ts";
export type { BodyInit } from "./body.ts";
