/**
 * Reads requests off a connection: pulls chunks from the stream into a
 * ByteQueue only when the parser needs more, under a deadline, and frames
 * heads and bodies within the limits. Whatever follows a request (the next
 * pipelined one) stays queued for the next call.
 */
import { ByteQueue } from "./byte-queue.ts";
import { HttpError, IdleTimeoutError, PeerClosedError } from "./errors.ts";
import { interpretFields, parseFieldLine, parseRequestLine, type RequestHead } from "./request-head.ts";
import type { TcpStream } from "../../kernel/net/tcp/stream.ts";

/** The limits a reader enforces. */
export interface ReaderLimits {
  /** Request line plus fields plus the blank line, in bytes (also bounds chunked trailers). */
  maxHeaderBytes: number;
  /** Number of header fields. */
  maxHeaderCount: number;
  /** Decoded body bytes. */
  maxBodyBytes: number;
}

// A chunk-size line is hex digits and perhaps extensions; longer is abuse.
const MAX_CHUNK_LINE = 1024;
const CHUNK_SIZE = /^([0-9a-fA-F]{1,16})[\t ]*(;.*)?$/;

/** Bytes as Latin-1 text: HTTP heads are bytes, and fetch's header values are byte strings. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  // Bounded slices keep the argument list of fromCharCode small.
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

/** Reads one request at a time from a stream. */
export class RequestReader {
  private readonly queue = new ByteQueue();
  private eof = false;
  /** When the current read must be done (performance.now() time), and what to throw then. */
  private deadline = Infinity;
  private onDeadline: () => Error = () => new HttpError(408, "request timed out");

  constructor(private readonly stream: TcpStream, private readonly limits: ReaderLimits) {}

  /** Whether bytes of a next request are already here (pipelined). */
  get hasBuffered(): boolean {
    return this.queue.length > 0;
  }

  /**
   * Wait for the next request's head. Returns null when the peer closes
   * cleanly between requests; throws IdleTimeoutError if nothing starts
   * within `idleMs`, and HttpError(408) if the head and body are not all
   * in within `requestMs` of their first byte.
   */
  async readHead(idleMs: number, requestMs: number): Promise<RequestHead | null> {
    if (this.queue.length === 0) {
      this.setDeadline(idleMs, () => new IdleTimeoutError());
      if (!(await this.fill())) return null;
    }
    this.setDeadline(requestMs, () => new HttpError(408, "request timed out"));
    let budget = this.limits.maxHeaderBytes;
    let requestLine: string;
    // RFC 9112 2.2: ignore empty lines before the request line (they count against the limit).
    do {
      requestLine = await this.readLine(budget, 431);
      budget -= requestLine.length + 2;
    } while (requestLine === "");
    const line = parseRequestLine(requestLine);
    const fields: [string, string][] = [];
    for (;;) {
      const text = await this.readLine(budget, 431);
      budget -= text.length + 2;
      if (text === "") break;
      if (fields.length === this.limits.maxHeaderCount) throw new HttpError(431, "too many header fields");
      fields.push(parseFieldLine(text));
    }
    return interpretFields(line, fields);
  }

  /** Read the body `head` announces, within the body limit and the request deadline. */
  async readBody(head: RequestHead): Promise<Uint8Array | null> {
    const framing = head.body;
    if (framing.kind === "none") return null;
    if (framing.kind === "length") {
      if (framing.length > this.limits.maxBodyBytes) throw new HttpError(413, "body over the limit");
      return this.readExactly(framing.length);
    }
    return this.readChunked();
  }

  // RFC 9112 7.1: size line, data, CRLF, until a zero size; then trailers, which we drop.
  private async readChunked(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const match = CHUNK_SIZE.exec(await this.readLine(MAX_CHUNK_LINE, 400));
      if (!match) throw new HttpError(400, "malformed chunk size");
      const size = parseInt(match[1], 16);
      if (size === 0) break;
      if (size > this.limits.maxBodyBytes - total) throw new HttpError(413, "body over the limit");
      parts.push(await this.readExactly(size));
      total += size;
      if ((await this.readLine(2, 400)) !== "") throw new HttpError(400, "chunk data not followed by CRLF");
    }
    let budget = this.limits.maxHeaderBytes;
    for (;;) {
      const trailer = await this.readLine(budget, 431);
      if (trailer === "") break;
      budget -= trailer.length + 2;
      parseFieldLine(trailer);
    }
    const body = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      body.set(part, offset);
      offset += part.length;
    }
    return body;
  }

  private async readExactly(count: number): Promise<Uint8Array> {
    while (this.queue.length < count) {
      if (!(await this.fill())) throw new PeerClosedError();
    }
    return this.queue.take(count);
  }

  /**
   * The next line without its CRLF (a bare LF is accepted too, RFC 9112 2.2).
   * A line longer than `limit` bytes is an HttpError with `status`.
   */
  private async readLine(limit: number, status: number): Promise<string> {
    for (;;) {
      const at = this.queue.indexOfLineFeed();
      if (at >= 0) {
        if (at + 1 > limit) throw new HttpError(status, "line over the limit");
        const bytes = this.queue.take(at + 1);
        const end = at > 0 && bytes[at - 1] === 13 ? at - 1 : at;
        const text = latin1(bytes.subarray(0, end));
        if (text.includes("\r")) throw new HttpError(400, "bare CR in a line");
        return text;
      }
      if (this.queue.length >= limit) throw new HttpError(status, "line over the limit");
      if (!(await this.fill())) throw new PeerClosedError();
    }
  }

  private setDeadline(ms: number, onDeadline: () => Error): void {
    this.deadline = performance.now() + ms;
    this.onDeadline = onDeadline;
  }

  // Wait for the next chunk; false at EOF. Throws the deadline's error if it passes first.
  private async fill(): Promise<boolean> {
    if (this.eof) return false;
    const remaining = this.deadline - performance.now();
    if (remaining <= 0) throw this.onDeadline();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.onDeadline()), remaining);
    });
    // After a timeout the connection is closed, which settles this read; never leave it unhandled.
    const read = this.stream.read();
    read.catch(() => {});
    try {
      const chunk = await Promise.race([read, timeout]);
      if (chunk === null) {
        this.eof = true;
        return false;
      }
      this.queue.push(chunk);
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
