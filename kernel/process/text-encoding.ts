/**
 * TextEncoder and TextDecoder (the Encoding Standard, UTF-8 only), which
 * QuickJS lacks. Strings and bytes cross natively in the image: boot.ts
 * installs the platform's transcoders as the fast path, and the algorithms
 * here are the reference they are tested against and the fallback for
 * malformed input, which the decoder replaces with U+FFFD as the standard
 * says (or rejects, when fatal).
 */

export interface Utf8FastPath {
  /** UTF-8 bytes, lone surrogates as U+FFFD. */
  encode(text: string): Uint8Array;
  /** The string if the bytes are well-formed UTF-8, else undefined. */
  decode(bytes: Uint8Array): string | undefined;
}

let fastPath: Utf8FastPath | undefined;

/** The image hands the native transcoders over here. */
export function setUtf8FastPath(path: Utf8FastPath | undefined): void {
  fastPath = path;
}

/** The Encoding Standard's UTF-8 encode: lone surrogates become U+FFFD. */
export function utf8EncodeReference(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
    }
    out[n++] = 0x80 | (c & 0x3f);
  }
  return out.slice(0, n);
}

/** UTF-8 bytes of a string (lone surrogates as U+FFFD), natively when the image provides it. */
export function utf8Encode(text: string): Uint8Array {
  return fastPath ? fastPath.encode(text) : utf8EncodeReference(text);
}

/**
 * The Encoding Standard's UTF-8 decoder state: code point so far, bytes
 * seen and needed, and the bounds for the next byte.
 */
class Utf8DecoderState {
  codePoint = 0;
  seen = 0;
  needed = 0;
  lower = 0x80;
  upper = 0xbf;

  reset(): void {
    this.codePoint = this.seen = this.needed = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }
}

const REPLACEMENT = 0xfffd;

/**
 * Decode `bytes` through `state` (which carries a sequence cut at the end
 * when `stream` is set). Malformed sequences become U+FFFD, or throw when
 * `fatal`.
 */
function decodeReference(state: Utf8DecoderState, bytes: Uint8Array, stream: boolean, fatal: boolean): string {
  const units: number[] = [];
  let out = "";
  const emit = (c: number) => {
    if (c >= 0x10000) {
      c -= 0x10000;
      units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
    } else units.push(c);
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  };
  const malformed = () => {
    if (fatal) throw new TypeError("The encoded data was not valid UTF-8");
    emit(REPLACEMENT);
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (state.needed === 0) {
      if (b < 0x80) emit(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        state.needed = 1;
        state.codePoint = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) state.lower = 0xa0;
        if (b === 0xed) state.upper = 0x9f;
        state.needed = 2;
        state.codePoint = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) state.lower = 0x90;
        if (b === 0xf4) state.upper = 0x8f;
        state.needed = 3;
        state.codePoint = b & 0x7;
      } else malformed();
      continue;
    }
    if (b < state.lower || b > state.upper) {
      // The sequence ends here; the byte is looked at again as a new start.
      state.reset();
      malformed();
      i--;
      continue;
    }
    state.lower = 0x80;
    state.upper = 0xbf;
    state.codePoint = (state.codePoint << 6) | (b & 0x3f);
    if (++state.seen === state.needed) {
      emit(state.codePoint);
      state.reset();
    }
  }
  if (!stream && state.needed !== 0) {
    state.reset();
    malformed();
  }
  return out + String.fromCharCode(...units);
}

/** The Encoding Standard's UTF-8 decode of whole input, without the fast path: the reference tests compare with. */
export function utf8DecodeReference(bytes: Uint8Array, fatal = false): string {
  return decodeReference(new Utf8DecoderState(), bytes, false, fatal);
}

/** UTF-8 decoding for kernel code: malformed sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return fastPath?.decode(bytes) ?? utf8DecodeReference(bytes);
}

export class TextEncoder {
  get encoding(): string {
    return "utf-8";
  }

  encode(input = ""): Uint8Array {
    return utf8Encode(String(input));
  }

  /** Writes whole characters only, as far as `destination` has room. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number } {
    let read = 0, written = 0;
    const text = String(source);
    // Chunks keep the copies short when the destination is much smaller than the text.
    for (let at = 0; at < text.length && written < destination.length;) {
      let end = Math.min(text.length, at + Math.max(destination.length - written, 16));
      const last = text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++; // keep a surrogate pair together
      const piece = text.slice(at, end);
      const bytes = utf8Encode(piece);
      if (written + bytes.length <= destination.length) {
        destination.set(bytes, written);
        written += bytes.length;
        read += piece.length;
        at = end;
        continue;
      }
      // It does not all fit: take characters one at a time.
      for (let i = 0; i < piece.length;) {
        const c = piece.charCodeAt(i);
        const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < piece.length && (piece.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
        const units = pair ? 2 : 1;
        const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
        if (written + size > destination.length) return { read, written };
        destination.set(utf8Encode(piece.slice(i, i + units)), written);
        written += size;
        read += units;
        i += units;
      }
      return { read, written };
    }
    return { read, written };
  }
}

const UTF8_LABELS = new Set(["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]);

export class TextDecoder {
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  private readonly state = new Utf8DecoderState();
  /** A byte-order mark is still looked for (at the start of a stream). */
  private bomPending = true;
  /** The first bytes of a stream, held while they could still be a BOM cut short. */
  private held: Uint8Array | undefined;

  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) {
    if (label !== undefined && label !== "utf-8" && !UTF8_LABELS.has(String(label).trim().toLowerCase())) {
      throw new RangeError(`The "${label}" encoding is not supported (Toro decodes UTF-8 only)`);
    }
    this.fatal = Boolean(options?.fatal);
    this.ignoreBOM = Boolean(options?.ignoreBOM);
  }

  get encoding(): string {
    return "utf-8";
  }

  decode(input?: ArrayBuffer | ArrayBufferView, options?: { stream?: boolean }): string {
    const stream = Boolean(options?.stream);
    let bytes = input === undefined ? EMPTY
      : input instanceof Uint8Array ? input
      : input instanceof ArrayBuffer ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (this.bomPending && !this.ignoreBOM) {
      if (this.held) {
        const joined = new Uint8Array(this.held.length + bytes.length);
        joined.set(this.held);
        joined.set(bytes, this.held.length);
        bytes = joined;
        this.held = undefined;
      }
      if (stream && bytes.length < 3 && BOM.every((b, i) => i >= bytes.length || bytes[i] === b)) {
        this.held = bytes.slice();
        return "";
      }
      if (bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]) bytes = bytes.subarray(3);
      this.bomPending = false;
    }
    let text: string | undefined;
    if (this.state.needed === 0 && fastPath) {
      // A character cut at the end of a streamed chunk waits in the state for the next one.
      const cut = stream ? incompleteTail(bytes) : 0;
      const head = fastPath.decode(cut > 0 ? bytes.subarray(0, bytes.length - cut) : bytes);
      if (head !== undefined) text = cut > 0 ? head + decodeReference(this.state, bytes.subarray(bytes.length - cut), true, this.fatal) : head;
    }
    if (text === undefined) text = decodeReference(this.state, bytes, stream, this.fatal);
    if (!stream) {
      this.state.reset();
      this.bomPending = true;
    }
    return text;
  }
}

const BOM = [0xef, 0xbb, 0xbf];
const EMPTY = new Uint8Array(0);

/** How many bytes at the end begin a multi-byte sequence that is not complete yet. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}
