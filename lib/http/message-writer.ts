/**
 * Puts a message on the wire: its head, then its body in one write when it
 * is known in full, or piece by piece as a stream produces it (as chunks,
 * RFC 9112 7.1, or raw). Responses (response-writer.ts) and fetch()'s
 * requests (client.ts) both go out through here.
 */
import "./polyfills.ts";
import type { TcpStream } from "toro/net";

const encoder = new TextEncoder();

/** Text to bytes one to one: a head's header values are byte strings, not UTF-8. */
export function latin1Bytes(text: string): Uint8Array {
  // Heads are nearly always ASCII, where UTF-8 is the same bytes, and the
  // encoder is native: a byte loop in QuickJS costs ~1k instructions a byte.
  // UTF-8 comes out longer than the text exactly when a character is not ASCII.
  const ascii = encoder.encode(text);
  if (ascii.length === text.length) return ascii;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Send `head` (the start line and fields, blank line included), then the
 * body: `known` bytes in the same write (null for none), or else each chunk
 * `body` yields, awaiting every write (the connection's backpressure), framed
 * as chunks when `chunked`. Resolves to the number of body bytes sent.
 */
export async function writeMessage(
  stream: TcpStream,
  head: string,
  known: Uint8Array | null | undefined,
  body: AsyncIterable<Uint8Array | string> | null,
  chunked: boolean,
): Promise<number> {
  const headBytes = latin1Bytes(head);
  if (known !== undefined || body === null) {
    await stream.write(known ? concat(headBytes, known) : headBytes);
    return known ? known.length : 0;
  }
  await stream.write(headBytes);
  let sent = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    // An empty chunk would read as the last-chunk marker: skip it.
    if (bytes.length === 0) continue;
    sent += bytes.length;
    await stream.write(chunked ? frameChunk(bytes) : bytes);
  }
  if (chunked) await stream.write("0\r\n\r\n");
  return sent;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

// One write per chunk with its size line and CRLF, so framing never splits from data.
function frameChunk(bytes: Uint8Array): Uint8Array {
  const size = latin1Bytes(`${bytes.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + bytes.length + 2);
  out.set(size, 0);
  out.set(bytes, size.length);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}
