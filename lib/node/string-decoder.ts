/**
 * `node:string_decoder`: the npm `string_decoder` package, Node's own code
 * (kept by the readable-stream project): bytes to text across chunk
 * boundaries, a character split between two writes kept until it is whole;
 * end() leaves it ready for new input, as Node's does.
 */
// @ts-expect-error: the package ships no types; StringDecoderConstructor below gives them.
import { StringDecoder as PackageDecoder } from "string_decoder/lib/string_decoder.js";

export interface StringDecoder {
  readonly encoding: string;
  /** The text of the whole characters so far; an incomplete one waits for the next write. */
  write(bytes: Uint8Array): string;
  /** What is left, an incomplete character as U+FFFD; then the decoder starts afresh. */
  end(bytes?: Uint8Array): string;
}

export interface StringDecoderConstructor {
  new (encoding?: string): StringDecoder;
  readonly prototype: StringDecoder;
}

/** The package's decoder, but reusable after end() as Node's is (the package keeps the missing byte count). */
export const StringDecoder = class StringDecoder extends (PackageDecoder as StringDecoderConstructor) {
  constructor(encoding?: string) {
    try {
      super(encoding);
    } catch (error) {
      // Node's is a TypeError (ERR_UNKNOWN_ENCODING); the package's a plain Error.
      throw new TypeError((error as Error).message);
    }
    const state = this as unknown as { lastNeed: number; lastTotal: number };
    const end = this.end;
    this.end = (bytes?: Uint8Array) => {
      const text = end.call(this, bytes);
      state.lastNeed = 0;
      state.lastTotal = 0;
      return text;
    };
  }
} as StringDecoderConstructor;

export default { StringDecoder };
