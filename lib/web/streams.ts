/**
 * Installs the WHATWG Streams globals (ReadableStream, WritableStream,
 * TransformStream, the queuing strategies, readers, writers and controllers)
 * where missing, from web-streams-polyfill: the reference implementation's
 * behaviour, BYOB readers and `ReadableStream.from` included, and it runs on
 * QuickJS 2021-03-27 as it is. The build links this module only when a
 * service names one of them (cli/web-globals.ts); Request and Response use
 * the same classes for their bodies whether or not it is linked.
 */
import * as polyfill from "web-streams-polyfill";
import { installGlobal } from "../http/install-global.ts";

const NAMES = [
  "ByteLengthQueuingStrategy",
  "CountQueuingStrategy",
  "ReadableByteStreamController",
  "ReadableStream",
  "ReadableStreamBYOBReader",
  "ReadableStreamBYOBRequest",
  "ReadableStreamDefaultController",
  "ReadableStreamDefaultReader",
  "TransformStream",
  "TransformStreamDefaultController",
  "WritableStream",
  "WritableStreamDefaultController",
  "WritableStreamDefaultWriter",
] as const;

/** Every class this module installs, by its global name. */
export const STREAM_GLOBALS = Object.fromEntries(NAMES.map((name) => [name, polyfill[name]])) as { [Name in (typeof NAMES)[number]]: (typeof polyfill)[Name] };

for (const [name, value] of Object.entries(STREAM_GLOBALS)) installGlobal(name, value);
