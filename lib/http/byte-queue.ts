/**
 * Received bytes not yet parsed, kept as the chunks they arrived in. Parsing
 * takes bytes off the front; a line search remembers where it stopped, so a
 * head that trickles in one byte at a time is still scanned once, and bytes
 * are copied only when a piece taken spans chunks.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private first = 0; // index of the first live chunk (shifting an array per take would be quadratic)
  private offset = 0; // bytes of chunks[first] already taken
  private total = 0;
  // Where the line search stopped: chunk index, offset in it, bytes before it.
  private scanChunk = 0;
  private scanOffset = 0;
  private scanned = 0;

  /** Bytes held. */
  get length(): number {
    return this.total;
  }

  /** Append received bytes (kept by reference, not copied). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The position of the first LF from the front, or -1 if none is held yet. */
  indexOfLineFeed(): number {
    if (this.scanned === 0) {
      this.scanChunk = this.first;
      this.scanOffset = this.offset;
    }
    while (this.scanChunk < this.chunks.length) {
      const chunk = this.chunks[this.scanChunk];
      const at = chunk.indexOf(10, this.scanOffset);
      if (at >= 0) return this.scanned + (at - this.scanOffset);
      this.scanned += chunk.length - this.scanOffset;
      this.scanChunk++;
      this.scanOffset = 0;
    }
    return -1;
  }

  /** Remove and return the first `count` bytes (count ≤ length). */
  take(count: number): Uint8Array {
    if (count > this.total) throw new RangeError("take past the end of the queue");
    // Taking always consumes at least what was scanned (a line through its LF) or resets
    // the search, so the search restarts from the new front.
    this.scanned = 0;
    this.total -= count;
    const head = this.chunks[this.first];
    if (head && head.length - this.offset >= count) {
      const piece = head.subarray(this.offset, this.offset + count);
      this.advance(count);
      return piece;
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[this.first];
      const n = Math.min(chunk.length - this.offset, count - filled);
      out.set(chunk.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.advance(n);
    }
    return out;
  }

  /** Remove and return up to `max` bytes from the front, never copying: at most the rest of the first chunk. */
  takeUpTo(max: number): Uint8Array {
    const head = this.chunks[this.first];
    if (!head || max <= 0) return new Uint8Array(0);
    return this.take(Math.min(max, head.length - this.offset));
  }

  // Move the front by n bytes within the first chunk, dropping it when used up.
  private advance(n: number): void {
    this.offset += n;
    if (this.offset < this.chunks[this.first].length) return;
    this.offset = 0;
    this.first++;
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first > 64) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
