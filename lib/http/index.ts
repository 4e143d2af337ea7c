/**
 * `toro/http`, the HTTP module services import: serve() for a server on a
 * port, serveHttp() for one connection a service accepted itself, the fetch
 * classes, and the options and types a service may name.
 */
export { serve, type Server, type ServeOptions } from "./server.ts";
export { serveHttp, type ConnectionInfo, type ConnectionOptions, type FetchHandler } from "./serve.ts";
export type { HttpStats } from "./stats.ts";
export { Headers, type HeadersInit } from "./headers.ts";
export { Request, type RequestInit } from "./request.ts";
export { Response, type ResponseInit } from "./response.ts";
export type { BodyInit } from "./body.ts";
export { serveStatic, type StaticOptions, type StaticHandler, type FallthroughStaticHandler } from "./serve-static.ts";
export { createStaticHandler, type StaticFileSystem } from "./static-files.ts";
