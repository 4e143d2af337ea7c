/**
 * IPv4 fragment reassembly (RFC 791, RFC 815 holes) within limits, since
 * fragments come from the network: a datagram at most 65535 bytes, a few
 * datagrams and a bounded number of bytes held at once, each for a limited
 * time. Overlapping fragments drop the datagram (they are how attacks hide).
 * Fragment bytes are copied: the receive buffers they arrive in are reused.
 */

export interface ReassemblyLimits {
  maxDatagrams: number;
  maxBufferedBytes: number;
  timeoutMs: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = { maxDatagrams: 16, maxBufferedBytes: 256 * 1024, timeoutMs: 30_000 };

const MAX_DATAGRAM = 65535;

interface Fragment {
  offset: number;
  bytes: Uint8Array;
}

interface Datagram {
  fragments: Fragment[];
  /** Known once the last fragment (MF clear) arrived. */
  totalLength: number | undefined;
  buffered: number;
  expiresAt: number;
}

export type ReassemblyResult =
  | { done: true; payload: Uint8Array }
  | { done: false; dropped?: string };

export class Reassembly {
  private readonly datagrams = new Map<string, Datagram>();
  private buffered = 0;

  constructor(private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY_LIMITS) {}

  /** Add one fragment; the whole payload comes back with the fragment that completes it. */
  add(source: number, destination: number, protocol: number, id: number, offset: number, moreFragments: boolean, data: Uint8Array, nowMs: number): ReassemblyResult {
    this.expire(nowMs);
    const key = `${source}/${destination}/${protocol}/${id}`;
    const end = offset + data.length;
    if (end > MAX_DATAGRAM) return this.drop(key, "the fragments add up to more than 65535 bytes");
    if (moreFragments && data.length % 8 !== 0) return this.drop(key, "a fragment that is not the last is not a multiple of 8 bytes");

    let datagram = this.datagrams.get(key);
    if (!datagram) {
      if (this.datagrams.size >= this.limits.maxDatagrams) return { done: false, dropped: "too many datagrams are being reassembled" };
      datagram = { fragments: [], totalLength: undefined, buffered: 0, expiresAt: nowMs + this.limits.timeoutMs };
      this.datagrams.set(key, datagram);
    }
    if (!moreFragments) {
      if (datagram.totalLength !== undefined && datagram.totalLength !== end) return this.drop(key, "two fragments claim to be the last");
      // Fragments that came first must end by the end the last one gives.
      if (datagram.fragments.some((f) => f.offset + f.bytes.length > end)) return this.drop(key, "a fragment lies past the end of its datagram");
      datagram.totalLength = end;
    }
    if (datagram.totalLength !== undefined && end > datagram.totalLength) return this.drop(key, "a fragment lies past the end of its datagram");
    if (datagram.fragments.some((f) => offset < f.offset + f.bytes.length && f.offset < end)) return this.drop(key, "overlapping fragments");
    if (this.buffered + data.length > this.limits.maxBufferedBytes) return this.drop(key, "too many fragment bytes are held");

    datagram.fragments.push({ offset, bytes: Uint8Array.from(data) });
    datagram.buffered += data.length;
    this.buffered += data.length;

    if (datagram.totalLength === undefined || datagram.buffered !== datagram.totalLength) return { done: false };
    // No overlaps and as many bytes as the datagram is long: the fragments cover it exactly.
    const payload = new Uint8Array(datagram.totalLength);
    for (const f of datagram.fragments) payload.set(f.bytes, f.offset);
    this.forget(key);
    return { done: true, payload };
  }

  /** Drop datagrams whose time ran out. */
  expire(nowMs: number): void {
    for (const [key, datagram] of this.datagrams) if (datagram.expiresAt <= nowMs) this.forget(key);
  }

  get pending(): number {
    return this.datagrams.size;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  private drop(key: string, why: string): ReassemblyResult {
    this.forget(key);
    return { done: false, dropped: why };
  }

  private forget(key: string): void {
    const datagram = this.datagrams.get(key);
    if (!datagram) return;
    this.buffered -= datagram.buffered;
    this.datagrams.delete(key);
  }
}
