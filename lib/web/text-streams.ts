/**
 * TextEncoderStream and TextDecoderStream (the Encoding Standard's streams),
 * as TransformStreams over the engine's TextEncoder and TextDecoder. Small
 * enough to be ours: no package provides them apart from a whole polyfill
 * of the Encoding Standard, and the kernel's TextDecoder already decodes in
 * stream mode.
 */
import { TransformStream, type ReadableStream, type WritableStream } from "web-streams-polyfill";
import { installGlobal } from "../http/install-global.ts";

/** Strings in, UTF-8 bytes out; a surrogate pair split between two chunks is kept whole. */
export class TextEncoderStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<string>;

  constructor() {
    const encoder = new TextEncoder();
    // A high surrogate that ended the last chunk, waiting for its low half.
    let pending = "";
    const { readable, writable } = new TransformStream<string, Uint8Array>({
      transform(chunk, controller) {
        let text = pending + String(chunk);
        pending = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          pending = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text !== "") controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        // A lone high surrogate at the end encodes as U+FFFD, as the standard says.
        if (pending !== "") controller.enqueue(encoder.encode("\ufffd"));
      },
    });
    this.readable = readable;
    this.writable = writable;
  }

  get encoding(): string {
    return "utf-8";
  }

  get [Symbol.toStringTag](): string {
    return "TextEncoderStream";
  }
}

/** Bytes in (any ArrayBuffer | ArrayBufferView), text out; a character split between chunks is decoded whole. */
export class TextDecoderStream {
  readonly readable: ReadableStream<string>;
  readonly writable: WritableStream<ArrayBuffer | ArrayBufferView>;
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;

  constructor(label = "utf-8", options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    const decoder = new TextDecoder(label, options);
    this.encoding = decoder.encoding;
    this.fatal = decoder.fatal;
    this.ignoreBOM = decoder.ignoreBOM;
    const { readable, writable } = new TransformStream<ArrayBuffer | ArrayBufferView, string>({
      transform(chunk, controller) {
        const text = decoder.decode(toBytes(chunk), { stream: true });
        if (text !== "") controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text !== "") controller.enqueue(text);
      },
    });
    this.readable = readable;
    this.writable = writable;
  }

  get [Symbol.toStringTag](): string {
    return "TextDecoderStream";
  }
}

/** A chunk written to a byte-consuming stream as a Uint8Array over the same memory; anything else is a TypeError. */
export function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError("a chunk must be an ArrayBuffer or an ArrayBufferView");
}

installGlobal("TextEncoderStream", TextEncoderStream);
installGlobal("TextDecoderStream", TextDecoderStream);
