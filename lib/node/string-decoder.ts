/**
 * `node:string_decoder`: the npm `string_decoder` package, Node's own code
 * (kept by the readable-stream project): bytes to text across chunk
 * boundaries, a character split between two writes kept until it is whole.
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

export const StringDecoder = PackageDecoder as StringDecoderConstructor;

export default { StringDecoder };
