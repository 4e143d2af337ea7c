/**
 * The host parser and serializer (URL Standard §3.5, §3.6): domains, IPv4
 * addresses in the number forms the standard accepts ("0x7f.1", "2130706433",
 * "017.0.0.1"), bracketed IPv6 addresses, and the opaque hosts of non-special
 * URLs. A host is kept as its serialization, the only form the URL API shows.
 */
import { domainToASCII } from "./idna.ts";
import { C0_CONTROL_SET, hexValue, percentDecode, percentEncode } from "./percent-encoding.ts";

/**
 * Parse `input` as a host and return its serialization, or null for
 * failure. `isOpaque` is true for URLs that are not special.
 */
export function parseHost(input: string, isOpaque: boolean): string | null {
  if (input.charCodeAt(0) === 0x5b /* [ */) {
    if (input.charCodeAt(input.length - 1) !== 0x5d /* ] */) return null;
    const address = parseIPv6(input.slice(1, -1));
    return address === null ? null : "[" + serializeIPv6(address) + "]";
  }
  if (isOpaque) return parseOpaqueHost(input);
  let domain: string | null = input;
  if (input.indexOf("%") !== -1) {
    domain = percentDecode(input, false, true);
    if (domain === null) return null;
  }
  const asciiDomain = domainToASCII(domain);
  if (asciiDomain === null) return null;
  if (!endsInANumber(asciiDomain)) return asciiDomain;
  const address = parseIPv4(asciiDomain);
  return address === null ? null : serializeIPv4(address);
}

/** Whether `c` is a forbidden host code point. */
export function isForbiddenHostCodePoint(c: number): boolean {
  return c === 0 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20 || c === 0x23 || c === 0x2f ||
    c === 0x3a || c === 0x3c || c === 0x3e || c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c ||
    c === 0x5d || c === 0x5e || c === 0x7c;
}

function parseOpaqueHost(input: string): string | null {
  for (let i = 0; i < input.length; i++) {
    if (isForbiddenHostCodePoint(input.charCodeAt(i))) return null;
  }
  return percentEncode(input, C0_CONTROL_SET);
}

/** The ends-in-a-number checker: does the last label (a trailing "." aside) look like an IPv4 number? */
export function endsInANumber(input: string): boolean {
  let end = input.length;
  if (input.charCodeAt(end - 1) === 0x2e /* . */) end--;
  if (end === 0) return false;
  const start = input.lastIndexOf(".", end - 1) + 1;
  if (start === end) return false;
  let digits = true;
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x30 || c > 0x39) {
      digits = false;
      break;
    }
  }
  if (digits) return true;
  return parseIPv4Number(input, start, end) >= 0;
}

/**
 * The IPv4 number parser on input[start, end): its value, or -1 for
 * failure. Decimal, octal after "0", hexadecimal after "0x"; "0x" alone is 0.
 */
function parseIPv4Number(input: string, start: number, end: number): number {
  if (start === end) return -1;
  let radix = 10;
  if (end - start >= 2 && input.charCodeAt(start) === 0x30) {
    const x = input.charCodeAt(start + 1) | 0x20;
    if (x === 0x78) {
      radix = 16;
      start += 2;
    } else {
      radix = 8;
      start += 1;
    }
  }
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    const digit = radix === 16 ? hexValue(c) : c >= 0x30 && c <= 0x39 ? c - 0x30 : -1;
    if (digit < 0 || digit >= radix) return -1;
    // Past 2^32 the value is out of range whatever follows; keep it finite.
    value = Math.min(value * radix + digit, 2 ** 40);
  }
  return value;
}

/** The IPv4 parser: a 32-bit address, or null for failure. */
export function parseIPv4(input: string): number | null {
  let end = input.length;
  if (input.charCodeAt(end - 1) === 0x2e) end--;
  const numbers: number[] = [];
  for (let start = 0; ; ) {
    let dot = input.indexOf(".", start);
    if (dot === -1 || dot > end) dot = end;
    if (numbers.length === 4) return null;
    const n = parseIPv4Number(input, start, dot);
    if (n < 0) return null;
    numbers.push(n);
    if (dot >= end) break;
    start = dot + 1;
  }
  const last = numbers.length - 1;
  for (let i = 0; i < last; i++) if (numbers[i] > 255) return null;
  if (numbers[last] >= 256 ** (4 - last)) return null;
  let address = numbers[last];
  for (let i = 0; i < last; i++) address += numbers[i] * 256 ** (3 - i);
  return address;
}

/** Dotted decimal. */
export function serializeIPv4(address: number): string {
  return (address >>> 24) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
}

/** The IPv6 parser (without the brackets): eight 16-bit pieces, or null for failure. */
export function parseIPv6(input: string): number[] | null {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  const length = input.length;
  let pieceIndex = 0;
  let compress = -1;
  let p = 0;
  if (input.charCodeAt(0) === 0x3a) {
    if (input.charCodeAt(1) !== 0x3a) return null;
    p = 2;
    compress = ++pieceIndex;
  }
  while (p < length) {
    if (pieceIndex === 8) return null;
    if (input.charCodeAt(p) === 0x3a) {
      if (compress !== -1) return null;
      p++;
      compress = ++pieceIndex;
      continue;
    }
    let value = 0;
    let digits = 0;
    while (digits < 4 && p < length) {
      const digit = hexValue(input.charCodeAt(p));
      if (digit < 0) break;
      value = value * 16 + digit;
      p++;
      digits++;
    }
    const c = p < length ? input.charCodeAt(p) : -1;
    if (c === 0x2e) {
      // An IPv4 address in the last two pieces.
      if (digits === 0) return null;
      p -= digits;
      if (pieceIndex > 6) return null;
      let numbersSeen = 0;
      while (p < length) {
        let ipv4Piece = -1;
        if (numbersSeen > 0) {
          if (input.charCodeAt(p) === 0x2e && numbersSeen < 4) p++;
          else return null;
        }
        let d = p < length ? input.charCodeAt(p) - 0x30 : -1;
        if (d < 0 || d > 9) return null;
        while (d >= 0 && d <= 9) {
          if (ipv4Piece === -1) ipv4Piece = d;
          else if (ipv4Piece === 0) return null;
          else ipv4Piece = ipv4Piece * 10 + d;
          if (ipv4Piece > 255) return null;
          p++;
          d = p < length ? input.charCodeAt(p) - 0x30 : -1;
        }
        address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
        numbersSeen++;
        if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
      }
      if (numbersSeen !== 4) return null;
      break;
    } else if (c === 0x3a) {
      p++;
      if (p >= length) return null;
    } else if (c !== -1) {
      return null;
    }
    address[pieceIndex++] = value;
  }
  if (compress !== -1) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const other = compress + swaps - 1;
      const piece = address[pieceIndex];
      address[pieceIndex] = address[other];
      address[other] = piece;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return null;
  }
  return address;
}

/** The IPv6 serializer: lowercase hex, the first longest run of two or more zero pieces as "::". */
export function serializeIPv6(address: number[]): string {
  let compress = -1;
  let longest = 1;
  for (let i = 0; i < 8; ) {
    if (address[i] !== 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < 8 && address[end] === 0) end++;
    if (end - i > longest) {
      longest = end - i;
      compress = i;
    }
    i = end;
  }
  let output = "";
  for (let i = 0; i < 8; i++) {
    if (i === compress) {
      output += i === 0 ? "::" : ":";
      i += longest - 1;
      continue;
    }
    output += address[i].toString(16);
    if (i !== 7) output += ":";
  }
  return output;
}
