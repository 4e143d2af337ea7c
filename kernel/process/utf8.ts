/**
 * UTF-8 for kernel code, which cannot count on TextEncoder (lib/http installs
 * it only for services that serve HTTP). encodeURIComponent and its inverse
 * do the transcoding natively in QuickJS.
 */

export function utf8Encode(text: string): Uint8Array {
  const escaped = unescape(encodeURIComponent(text));
  const bytes = new Uint8Array(escaped.length);
  for (let i = 0; i < escaped.length; i++) bytes[i] = escaped.charCodeAt(i);
  return bytes;
}

/** Throws URIError on bytes that are not UTF-8. */
export function utf8Decode(bytes: Uint8Array): string {
  let binary = "";
  // Bounded slices keep fromCharCode's argument list small.
  for (let i = 0; i < bytes.length; i += 4096) binary += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return decodeURIComponent(escape(binary));
}
