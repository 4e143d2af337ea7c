/**
 * A stub resolver for A records: asks the configured server over UDP,
 * retries with backoff, follows CNAME chains within the answer, and caches
 * answers for their TTL (and "no such name" for a short while).
 */
import { buildQuery, parseResponse, RCODE_NXDOMAIN, TYPE_A, TYPE_CNAME } from "./dns-message.ts";
import { parseIpv4 } from "./wire/address.ts";

export interface DnsHost {
  /** Send a query to port 53 of `server`. */
  send(query: Uint8Array, server: number): void;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  nowMs(): number;
  random(): number;
}

export class DnsError extends Error {
  name = "DnsError";
}

const TIMEOUTS_MS = [1000, 2000, 4000];
const NEGATIVE_TTL_S = 30;
const MAX_CACHE = 256;
const MAX_CNAMES = 8;

interface Pending {
  name: string;
  resolve(addresses: number[]): void;
  reject(error: Error): void;
  timer: unknown;
}

export class DnsResolver {
  private readonly cache = new Map<string, { addresses: number[]; expiresAt: number }>();
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly host: DnsHost, private readonly servers: () => number[]) {}

  /** The IPv4 addresses of `name` (a dotted address resolves to itself). */
  resolve(name: string): Promise<number[]> {
    const literal = parseIpv4(name);
    if (literal !== undefined) return Promise.resolve([literal]);
    const key = name.toLowerCase().replace(/\.$/, "");
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.host.nowMs()) {
      return cached.addresses.length ? Promise.resolve(cached.addresses) : Promise.reject(new DnsError(`${name}: no such name`));
    }
    const servers = this.servers();
    if (servers.length === 0) return Promise.reject(new DnsError(`${name}: no DNS server is configured`));
    return new Promise((resolve, reject) => {
      let id: number;
      do id = Math.floor(this.host.random() * 0x10000); while (this.pending.has(id));
      const query = buildQuery(id, key);
      const entry: Pending = { name: key, resolve, reject, timer: undefined };
      this.pending.set(id, entry);
      const attempt = (n: number) => {
        if (n === TIMEOUTS_MS.length) {
          this.pending.delete(id);
          reject(new DnsError(`${name}: no answer from ${servers.length > 1 ? "the DNS servers" : "the DNS server"}`));
          return;
        }
        this.host.send(query, servers[n % servers.length]);
        entry.timer = this.host.setTimer(() => attempt(n + 1), TIMEOUTS_MS[n]);
      };
      attempt(0);
    });
  }

  /** A UDP payload that came from port 53. */
  receive(bytes: Uint8Array): void {
    const response = parseResponse(bytes);
    if (typeof response === "string") return;
    const entry = this.pending.get(response.id);
    if (!entry || response.question !== entry.name) return; // a late or forged answer
    this.pending.delete(response.id);
    this.host.clearTimer(entry.timer);
    if (response.rcode === RCODE_NXDOMAIN) {
      this.remember(entry.name, [], NEGATIVE_TTL_S);
      entry.reject(new DnsError(`${entry.name}: no such name`));
      return;
    }
    if (response.rcode !== 0) {
      entry.reject(new DnsError(`${entry.name}: the DNS server answered with error ${response.rcode}`));
      return;
    }
    let target = entry.name, ttl = Infinity;
    for (let hops = 0; hops < MAX_CNAMES; hops++) {
      const alias = response.answers.find((a) => a.type === TYPE_CNAME && a.name === target);
      if (!alias) break;
      ttl = Math.min(ttl, alias.ttl);
      target = alias.value as string;
    }
    const records = response.answers.filter((a) => a.type === TYPE_A && a.name === target && typeof a.value === "number");
    if (records.length === 0) {
      entry.reject(new DnsError(`${entry.name}: no IPv4 address`));
      return;
    }
    const addresses = records.map((a) => a.value as number);
    this.remember(entry.name, addresses, Math.min(ttl, ...records.map((a) => a.ttl)));
    entry.resolve(addresses);
  }

  private remember(name: string, addresses: number[], ttlSeconds: number): void {
    if (this.cache.size >= MAX_CACHE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(name, { addresses, expiresAt: this.host.nowMs() + ttlSeconds * 1000 });
  }
}
