/**
 * Percent-encoding and -decoding (URL Standard §1.3) and the UTF-8 codec
 * they rest on.
 *
 * The percent-encode sets are bits in one table over ASCII; every set also
 * holds all non-ASCII code points, so the table only answers for ASCII.
 * Encoding first looks for a code unit that needs work, with a regular
 * expression, and returns the input itself when there is none, which is the
 * common case: most URL parts are plain ASCII.
 */

// One bit per percent-encode set. Each set includes the ones above it in the
// standard, so the table is built from the smallest set upwards.
export const C0_CONTROL_SET = 1;
export const FRAGMENT_SET = 2;
export const QUERY_SET = 4;
export const SPECIAL_QUERY_SET = 8;
export const PATH_SET = 16;
export const USERINFO_SET = 32;
export const COMPONENT_SET = 64;
export const FORM_SET = 128;

/** ENCODE_SETS[c] has a set's bit when ASCII code c is in that set. */
export const ENCODE_SETS = buildSets();

function buildSets(): Uint8Array {
  const sets = new Uint8Array(128);
  const add = (bits: number, chars: string) => {
    for (let i = 0; i < chars.length; i++) sets[chars.charCodeAt(i)] |= bits;
  };
  for (let c = 0; c < 0x20; c++) sets[c] = 0xff;
  sets[0x7f] = 0xff;
  add(FRAGMENT_SET | QUERY_SET | SPECIAL_QUERY_SET | PATH_SET | USERINFO_SET | COMPONENT_SET | FORM_SET, ' "<>');
  add(FRAGMENT_SET | PATH_SET | USERINFO_SET | COMPONENT_SET | FORM_SET, "`");
  add(QUERY_SET | SPECIAL_QUERY_SET | PATH_SET | USERINFO_SET | COMPONENT_SET | FORM_SET, "#");
  add(SPECIAL_QUERY_SET | FORM_SET, "'");
  add(PATH_SET | USERINFO_SET | COMPONENT_SET | FORM_SET, "?^{}");
  add(USERINFO_SET | COMPONENT_SET | FORM_SET, "/:;=@[\\]|");
  add(COMPONENT_SET | FORM_SET, "$%&+,");
  add(FORM_SET, "!()~");
  return sets;
}

// Per set, an expression that finds a code unit the set encodes (anything
// outside the printable ASCII the set leaves alone). Testing with it is one
// call into the engine's compiled matcher, not a loop in the interpreter.
const NEEDS_ENCODING: RegExp[] = [];
for (let bit = 1; bit <= FORM_SET; bit <<= 1) {
  let kept = "";
  for (let c = 0x20; c < 0x7f; c++) {
    if ((ENCODE_SETS[c] & bit) === 0) kept += "\\u00" + c.toString(16).padStart(2, "0");
  }
  NEEDS_ENCODING[bit] = new RegExp("[^" + kept + "]");
}

// "%00" … "%FF": built once, so encoding a byte is one array read.
const PERCENT_BYTE: string[] = [];
for (let b = 0; b < 256; b++) PERCENT_BYTE.push("%" + (b < 16 ? "0" : "") + b.toString(16).toUpperCase());

/**
 * UTF-8 percent-encode `input` using the set `set` (one of the *_SET bits).
 * A lone surrogate is encoded as U+FFFD, as the IDL conversion to a scalar
 * value string would have made it.
 */
export function percentEncode(input: string, set: number): string {
  const length = input.length;
  const first = input.search(NEEDS_ENCODING[set]);
  if (first === -1) return input;
  let output = input.slice(0, first);
  let runStart = first;
  let i = first;
  for (; i < length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x80 && (ENCODE_SETS[c] & set) === 0) continue;
    if (runStart < i) output += input.slice(runStart, i);
    if (c < 0x80) {
      output += PERCENT_BYTE[c];
    } else if (c < 0x800) {
      output += PERCENT_BYTE[0xc0 | (c >> 6)] + PERCENT_BYTE[0x80 | (c & 0x3f)];
    } else {
      let cp = c;
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < length ? input.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else {
          cp = 0xfffd;
        }
      }
      if (cp < 0x10000) {
        output += PERCENT_BYTE[0xe0 | (cp >> 12)] + PERCENT_BYTE[0x80 | ((cp >> 6) & 0x3f)] + PERCENT_BYTE[0x80 | (cp & 0x3f)];
      } else {
        output += PERCENT_BYTE[0xf0 | (cp >> 18)] + PERCENT_BYTE[0x80 | ((cp >> 12) & 0x3f)] +
          PERCENT_BYTE[0x80 | ((cp >> 6) & 0x3f)] + PERCENT_BYTE[0x80 | (cp & 0x3f)];
      }
    }
    runStart = i + 1;
  }
  return runStart < length ? output + input.slice(runStart) : output;
}

/** The value of an ASCII hex digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

const FORM_EXTRA = /[!'()~]/;
const FORM_EXTRA_ALL = /[!'()~]/g;
const PLUS = /\+/g;

/**
 * Percent-encode `input` with the application/x-www-form-urlencoded set,
 * a space as "+". The engine's encodeURIComponent does most of it: it
 * encodes the same set (the component set), but for "!", "'", "(", ")",
 * "~" and the space; those few are fixed after. (`input` must be a scalar
 * value string: encodeURIComponent throws on a lone surrogate.)
 */
export function percentEncodeForm(input: string): string {
  if (!NEEDS_ENCODING[FORM_SET].test(input)) return input;
  let output = encodeURIComponent(input);
  if (FORM_EXTRA.test(output)) output = output.replace(FORM_EXTRA_ALL, (c) => PERCENT_BYTE[c.charCodeAt(0)]);
  if (output.indexOf("%20") !== -1) output = output.split("%20").join("+");
  return output;
}

/**
 * Percent-decode `input` and decode the bytes as UTF-8, as the standard's
 * "UTF-8 decode without BOM" (malformed bytes become U+FFFD), or, when
 * `fail` is set, "UTF-8 decode without BOM or fail" (null on malformed bytes).
 * With `plusAsSpace` a "+" becomes a space first (form decoding).
 *
 * The engine's decodeURIComponent gives the same result whenever it
 * succeeds; it throws on what it cannot decode (a "%" without two hex
 * digits, malformed UTF-8), and then `decodeRuns` does it the long way.
 */
export function percentDecode(input: string, plusAsSpace: boolean, fail = false): string | null {
  if (plusAsSpace && input.indexOf("+") !== -1) input = input.replace(PLUS, " ");
  if (input.indexOf("%") === -1) return input;
  try {
    return decodeURIComponent(input);
  } catch {
    return decodeRuns(input, fail);
  }
}

// Only runs of percent-encoded bytes go through the UTF-8 decoder: the text
// between them is a string of whole code points already, and its UTF-8
// bytes can neither complete nor be completed by a neighbouring run (a code
// point's encoding never starts with a continuation byte).
function decodeRuns(input: string, fail: boolean): string | null {
  const length = input.length;
  let i = input.indexOf("%");
  let output = input.slice(0, i);
  const bytes: number[] = [];
  while (i < length) {
    // A run of percent-encoded bytes (a "%" without two hex digits is text).
    bytes.length = 0;
    let end = i;
    while (end + 2 < length && input.charCodeAt(end) === 0x25) {
      const high = hexValue(input.charCodeAt(end + 1));
      const low = high < 0 ? -1 : hexValue(input.charCodeAt(end + 2));
      if (low < 0) break;
      bytes.push((high << 4) | low);
      end += 3;
    }
    if (bytes.length > 0) {
      const text = utf8Decode(bytes, fail);
      if (text === null) return null;
      output += text;
    } else {
      output += "%";
      end = i + 1;
    }
    i = input.indexOf("%", end);
    if (i === -1) i = length;
    output += input.slice(end, i);
  }
  return output;
}

/**
 * Decode UTF-8 `bytes` (WHATWG Encoding's decoder: each maximal malformed
 * subsequence becomes one U+FFFD), or return null on the first malformed
 * sequence when `fail` is set. A leading BOM is kept, as "without BOM" asks.
 */
export function utf8Decode(bytes: ArrayLike<number>, fail = false): string | null {
  let output = "";
  let codePoint = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (needed === 0) {
      if (byte < 0x80) {
        output += String.fromCharCode(byte);
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        codePoint = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        codePoint = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = byte & 0x7;
      } else {
        if (fail) return null;
        output += "\ufffd";
      }
      continue;
    }
    if (byte < lower || byte > upper) {
      // The malformed sequence ends before this byte, which starts afresh.
      if (fail) return null;
      output += "\ufffd";
      codePoint = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    codePoint = (codePoint << 6) | (byte & 0x3f);
    if (++seen !== needed) continue;
    output += String.fromCodePoint(codePoint);
    codePoint = needed = seen = 0;
  }
  if (needed !== 0) {
    if (fail) return null;
    output += "\ufffd";
  }
  return output;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Whether `text` has a surrogate code unit, paired or not (ruling that out is the cheap test). */
export function hasSurrogate(text: string): boolean {
  return SURROGATE.test(text);
}

/**
 * A value converted as Web IDL converts it to a USVString: to a string
 * (a Symbol throws a TypeError), with every lone surrogate replaced by U+FFFD.
 */
export function toUSVString(value: unknown): string {
  const text = typeof value === "string" ? value : `${value as string}`;
  if (!hasSurrogate(text)) return text;
  let output = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) {
      output += text.charAt(i);
    } else if (c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      output += text.slice(i, i + 2);
      i++;
    } else {
      output += "\ufffd";
    }
  }
  return output;
}
