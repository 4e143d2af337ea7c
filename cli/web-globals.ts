/**
 * Web globals a service has when its code names them, with the module that
 * installs each. Bundling first turns free uses of these names (and of
 * `globalThis.<name>`) into marks, and links in only the modules of those it
 * found: an image whose code never names them does not carry them. (esbuild's
 * `inject` would bind them too, but it adds every injected module to every
 * CommonJS module in the bundle, and the HTTP code depends on two.)
 */
import { join } from "node:path";
import { TORO_ROOT } from "./paths.ts";

const node = (file: string) => join(TORO_ROOT, "lib", "node", file);
const http = (file: string) => join(TORO_ROOT, "lib", "http", file);
const web = (file: string) => join(TORO_ROOT, "lib", "web", "globals", file);
const streams = (file: string) => join(TORO_ROOT, "lib", "web", file);
const subtle = join(TORO_ROOT, "kernel", "crypto", "install-subtle.ts");

/** A global's name (a dotted path for a member of a global, as `crypto.subtle`) → the module that installs it. */
export const WEB_GLOBALS: Record<string, string> = {
  // Node's globals that Deno and Workers' nodejs_compat have too, for the npm code that names them.
  Buffer: node("buffer-global.ts"),
  process: node("process-global.ts"),
  fetch: http("fetch.ts"),
  Headers: http("globals.ts"),
  Request: http("globals.ts"),
  Response: http("globals.ts"),
  AbortController: http("abort.ts"),
  AbortSignal: http("abort.ts"),
  URL: http("polyfills.ts"),
  URLSearchParams: http("polyfills.ts"),
  Event: web("events.ts"),
  CustomEvent: web("events.ts"),
  EventTarget: web("events.ts"),
  DOMException: web("dom-exception.ts"),
  structuredClone: web("structured-clone.ts"),
  atob: web("base64.ts"),
  btoa: web("base64.ts"),
  Blob: web("blob.ts"),
  File: web("blob.ts"),
  FormData: web("form-data.ts"),
  reportError: web("report-error.ts"),
  navigator: web("navigator.ts"),
  self: web("self.ts"),
  URLPattern: web("url-pattern.ts"),
  ByteLengthQueuingStrategy: streams("streams.ts"),
  CountQueuingStrategy: streams("streams.ts"),
  ReadableByteStreamController: streams("streams.ts"),
  ReadableStream: streams("streams.ts"),
  ReadableStreamBYOBReader: streams("streams.ts"),
  ReadableStreamBYOBRequest: streams("streams.ts"),
  ReadableStreamDefaultController: streams("streams.ts"),
  ReadableStreamDefaultReader: streams("streams.ts"),
  TransformStream: streams("streams.ts"),
  TransformStreamDefaultController: streams("streams.ts"),
  WritableStream: streams("streams.ts"),
  WritableStreamDefaultController: streams("streams.ts"),
  WritableStreamDefaultWriter: streams("streams.ts"),
  TextEncoderStream: streams("text-streams.ts"),
  TextDecoderStream: streams("text-streams.ts"),
  CompressionStream: streams("compression-streams.ts"),
  DecompressionStream: streams("compression-streams.ts"),
  "crypto.subtle": subtle,
  CryptoKey: subtle,
  SubtleCrypto: subtle,
};

const MARK = "__toro_uses_global_";
const markOf = (name: string) => MARK + name.replace(/\./g, "$");

/** esbuild `define`s that turn each free use of a web global into its mark. */
export function globalMarks(globals: Record<string, string> = WEB_GLOBALS): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const name of Object.keys(globals)) {
    marks[name] = markOf(name);
    marks[`globalThis.${name}`] = markOf(name);
  }
  return marks;
}

/** The modules installing the web globals a bundle built with globalMarks() uses. */
export function usedGlobalModules(markedBundle: string, globals: Record<string, string> = WEB_GLOBALS): string[] {
  const used = new Set([...markedBundle.matchAll(new RegExp(`${MARK}([\\w$]+)`, "g"))].map((match) => match[1]));
  return [...new Set(Object.keys(globals).filter((name) => used.has(markOf(name).slice(MARK.length))).map((name) => globals[name]))];
}

