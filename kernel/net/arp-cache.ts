/**
 * The ARP cache: IPv4 address → Ethernet address, with expiry, and a bounded
 * queue of packets waiting for an address to resolve (RFC 826, RFC 1122
 * 2.3.2.2: keep at least the latest packet per destination; we keep a few).
 * Time is passed in, in milliseconds, so tests control it.
 */
import { macEquals } from "./wire/address.ts";

export interface ArpCacheLimits {
  /** How long a learned address is trusted. */
  entryLifetimeMs: number;
  /**
   * Addresses remembered at once; learning one more forgets the one learned
   * longest ago. Any host can send ARP from made-up addresses, and expired
   * entries go only when looked up, so without a bound the cache would grow
   * with every one of them.
   */
  maxEntries: number;
  /** Resolutions in progress at once; beyond this new destinations are refused. */
  maxPending: number;
  /** Packets kept per unresolved destination; the oldest is dropped beyond. */
  maxQueuedPerAddress: number;
  /** Requests sent for one address before giving up on it. */
  maxRequests: number;
  /** Time between requests for the same address. */
  retryIntervalMs: number;
}

export const DEFAULT_ARP_LIMITS: ArpCacheLimits = {
  entryLifetimeMs: 60_000,
  maxEntries: 256,
  maxPending: 32,
  maxQueuedPerAddress: 4,
  maxRequests: 3,
  retryIntervalMs: 1_000,
};

interface Entry {
  mac: Uint8Array;
  expiresAt: number;
}

interface Pending<P> {
  queued: P[];
  requestsSent: number;
  nextRequestAt: number;
}

/** What the cache asks of its owner: send an ARP request, and learn of packets it dropped. */
export interface ArpCacheEvents<P> {
  request(ip: number): void;
  dropped(packet: P, why: string): void;
}

export class ArpCache<P> {
  private readonly entries = new Map<number, Entry>();
  private readonly pending = new Map<number, Pending<P>>();

  constructor(private readonly events: ArpCacheEvents<P>, private readonly limits: ArpCacheLimits = DEFAULT_ARP_LIMITS) {}

  /** The Ethernet address of `ip`, if known and fresh. */
  lookup(ip: number, nowMs: number): Uint8Array | undefined {
    const entry = this.entries.get(ip);
    if (!entry) return undefined;
    if (entry.expiresAt <= nowMs) {
      this.entries.delete(ip);
      return undefined;
    }
    return entry.mac;
  }

  /**
   * Learn (or refresh) an address from an ARP packet or reply. Returns the
   * packets that were waiting for it, to be sent now.
   */
  learn(ip: number, mac: Uint8Array, nowMs: number): P[] {
    const entry = this.entries.get(ip);
    if (entry) {
      // A changed address gets a new array, never the old one rewritten: senders may hold
      // on to what lookup() gave them and compare it by identity (see Ipv4Interface's template).
      if (!macEquals(entry.mac, 0, mac)) entry.mac = Uint8Array.from(mac);
      entry.expiresAt = nowMs + this.limits.entryLifetimeMs;
      // Maps keep insertion order: move it to the back, the newest.
      this.entries.delete(ip);
      this.entries.set(ip, entry);
    } else {
      if (this.entries.size >= this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(ip, { mac: Uint8Array.from(mac), expiresAt: nowMs + this.limits.entryLifetimeMs });
    }
    const waiting = this.pending.get(ip);
    if (!waiting) return [];
    this.pending.delete(ip);
    return waiting.queued;
  }

  /** Hold `packet` until `ip` resolves, asking for it if we are not already. */
  enqueue(ip: number, packet: P, nowMs: number): void {
    let waiting = this.pending.get(ip);
    if (!waiting) {
      if (this.pending.size >= this.limits.maxPending) {
        this.events.dropped(packet, "too many addresses are being resolved");
        return;
      }
      waiting = { queued: [], requestsSent: 0, nextRequestAt: nowMs };
      this.pending.set(ip, waiting);
    }
    waiting.queued.push(packet);
    if (waiting.queued.length > this.limits.maxQueuedPerAddress) {
      this.events.dropped(waiting.queued.shift()!, "too many packets wait for this address");
    }
    this.poll(nowMs);
  }

  /**
   * Send the requests that are due and give up on addresses that never
   * answered. Returns when it next needs to run, or undefined if never.
   */
  poll(nowMs: number): number | undefined {
    let next: number | undefined;
    for (const [ip, waiting] of this.pending) {
      if (waiting.nextRequestAt > nowMs) {
        next = Math.min(next ?? Infinity, waiting.nextRequestAt);
        continue;
      }
      if (waiting.requestsSent >= this.limits.maxRequests) {
        this.pending.delete(ip);
        for (const packet of waiting.queued) this.events.dropped(packet, "no ARP reply");
        continue;
      }
      waiting.requestsSent++;
      waiting.nextRequestAt = nowMs + this.limits.retryIntervalMs;
      next = Math.min(next ?? Infinity, waiting.nextRequestAt);
      this.events.request(ip);
    }
    return next;
  }

  get size(): number {
    return this.entries.size;
  }
}
