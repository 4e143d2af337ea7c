/**
 * CompressionStream and DecompressionStream (the Compression Standard) for
 * "gzip" (RFC 1952), "deflate" (the zlib format, RFC 1950) and "deflate-raw"
 * (RFC 1951), as TransformStreams over fflate's streaming classes: fflate is
 * small, has no dependencies, and its synchronous streams run on QuickJS as
 * they are (its worker-based classes are not used, so not linked).
 */
import { Deflate, Gunzip, Gzip, Inflate, Unzlib, Zlib, type FlateStreamHandler } from "fflate";
import { TransformStream, type ReadableStream, type WritableStream } from "web-streams-polyfill";
import { installGlobal } from "../http/install-global.ts";
import { toBytes } from "./text-streams.ts";

/** The formats the standard names. */
export type CompressionFormat = "gzip" | "deflate" | "deflate-raw";

/** What fflate's compressors and decompressors share: push input, get output through ondata. */
interface FlateStream {
  ondata: FlateStreamHandler;
  push(chunk: Uint8Array, final?: boolean): void;
}

const COMPRESSORS: Record<CompressionFormat, () => FlateStream> = {
  gzip: () => new Gzip(),
  deflate: () => new Zlib(),
  "deflate-raw": () => new Deflate(),
};

const DECOMPRESSORS: Record<CompressionFormat, () => FlateStream> = {
  gzip: () => new Gunzip(),
  deflate: () => new Unzlib(),
  "deflate-raw": () => new Inflate(),
};

function pick(table: Record<CompressionFormat, () => FlateStream>, format: unknown, what: string): FlateStream {
  const make = Object.hasOwn(table, String(format)) ? table[String(format) as CompressionFormat] : undefined;
  if (!make) throw new TypeError(`${what}: unsupported format ${JSON.stringify(String(format))} (gzip, deflate or deflate-raw)`);
  return make();
}

/**
 * A TransformStream that feeds each written chunk to `flate` and passes on
 * what it produces. `checkEnd` runs after the last input, so a decompressor
 * can refuse input that stopped before its stream's end.
 */
function flateTransform(flate: FlateStream, checkEnd: (ended: boolean) => void): TransformStream<ArrayBuffer | ArrayBufferView, Uint8Array> {
  let output: Uint8Array[] = [];
  let ended = false;
  flate.ondata = (data, final) => {
    if (data.length > 0) output.push(data);
    if (final) ended = true;
  };
  // fflate reports bad input by throwing from push; the standard makes that a TypeError, which errors the stream.
  const push = (bytes: Uint8Array, final: boolean) => {
    try {
      flate.push(bytes, final);
    } catch (error) {
      throw new TypeError(`the compressed data is not valid: ${(error as Error).message}`);
    }
  };
  const pass = (controller: TransformStreamDefaultControllerLike) => {
    for (const data of output) controller.enqueue(data);
    output = [];
  };
  return new TransformStream({
    transform(chunk, controller) {
      push(toBytes(chunk), false);
      pass(controller);
    },
    flush(controller) {
      push(new Uint8Array(0), true);
      pass(controller);
      checkEnd(ended);
    },
  });
}

interface TransformStreamDefaultControllerLike {
  enqueue(chunk: Uint8Array): void;
}

/** Compresses the bytes written to it. */
export class CompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;

  constructor(format: CompressionFormat) {
    const { readable, writable } = flateTransform(pick(COMPRESSORS, format, "CompressionStream"), () => {});
    this.readable = readable;
    this.writable = writable;
  }

  get [Symbol.toStringTag](): string {
    return "CompressionStream";
  }
}

/** Decompresses the bytes written to it; corrupt or cut-short input errors the stream with a TypeError. */
export class DecompressionStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;

  constructor(format: CompressionFormat) {
    const { readable, writable } = flateTransform(pick(DECOMPRESSORS, format, "DecompressionStream"), (ended) => {
      if (!ended) throw new TypeError("DecompressionStream: the compressed data ended early");
    });
    this.readable = readable;
    this.writable = writable;
  }

  get [Symbol.toStringTag](): string {
    return "DecompressionStream";
  }
}

installGlobal("CompressionStream", CompressionStream);
installGlobal("DecompressionStream", DecompressionStream);
