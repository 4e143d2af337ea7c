/**
 * The DHCP client (RFC 2131, 4.4): discover, request, then keep the lease —
 * renew with the server at T1, rebind with anyone at T2, and start over if
 * the lease runs out or the server says no. Retransmissions back off
 * exponentially, with a random second either way (4.1).
 */
import { ACK, buildClientMessage, DISCOVER, NAK, OFFER, parseServerMessage, REQUEST, type ServerMessage } from "./dhcp-message.ts";

export const BROADCAST = 0xffffffff;

export interface Lease {
  address: number;
  subnetMask: number;
  router: number | undefined;
  dnsServers: number[];
  server: number;
  /** Undefined for an infinite lease. */
  leaseSeconds: number | undefined;
}

export interface DhcpHost {
  /** Send a client message from port 68 to port 67 at `destination` (BROADCAST before we have an address). */
  send(message: Uint8Array, destination: number): void;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  random(): number;
  /** The client now holds `lease` (a new one, or a renewal with different terms). */
  bound(lease: Lease): void;
  /** The lease ended: the address must no longer be used. */
  lost(why: string): void;
}

type State = "idle" | "selecting" | "requesting" | "bound" | "renewing" | "rebinding";

const FIRST_RETRY_MS = 4_000;
const MAX_RETRY_MS = 64_000;
const INFINITE = 0xffffffff;

export class DhcpClient {
  private state: State = "idle";
  private xid = 0;
  private retryMs = FIRST_RETRY_MS;
  private retransmit: unknown;
  private leaseTimers: unknown[] = [];
  private lease: Lease | undefined;
  private offered: ServerMessage | undefined;

  constructor(private readonly mac: Uint8Array, private readonly host: DhcpHost) {}

  get current(): Lease | undefined {
    return this.lease;
  }

  get status(): State {
    return this.state;
  }

  start(): void {
    this.clearAll();
    this.state = "selecting";
    this.xid = Math.floor(this.host.random() * 2 ** 32) >>> 0;
    this.retryMs = FIRST_RETRY_MS;
    this.sendWithRetries(() => buildClientMessage({ type: DISCOVER, xid: this.xid, mac: this.mac }), BROADCAST);
  }

  /** A UDP payload that arrived on port 68. */
  receive(bytes: Uint8Array): void {
    const message = parseServerMessage(bytes);
    if (typeof message === "string" || message.xid !== this.xid) return;
    if (this.state === "selecting" && message.type === OFFER && message.serverId !== undefined && message.yourIp !== 0) {
      this.offered = message;
      this.state = "requesting";
      this.retryMs = FIRST_RETRY_MS;
      this.sendWithRetries(() => buildClientMessage({ type: REQUEST, xid: this.xid, mac: this.mac, requestedIp: message.yourIp, serverId: message.serverId }), BROADCAST);
      return;
    }
    const waiting = this.state === "requesting" || this.state === "renewing" || this.state === "rebinding";
    if (!waiting) return;
    if (message.type === NAK) {
      this.drop("the server refused the lease (DHCPNAK)");
      this.start();
    } else if (message.type === ACK && message.yourIp !== 0) {
      this.bind(message);
    }
  }

  stop(): void {
    this.clearAll();
    this.state = "idle";
  }

  private bind(ack: ServerMessage): void {
    this.clearAll();
    const server = ack.serverId ?? this.offered?.serverId ?? this.lease?.server ?? 0;
    const leaseSeconds = ack.leaseSeconds === undefined || ack.leaseSeconds === INFINITE ? undefined : ack.leaseSeconds;
    this.lease = {
      address: ack.yourIp,
      subnetMask: ack.subnetMask ?? classfulMask(ack.yourIp),
      router: ack.routers[0],
      dnsServers: ack.dnsServers,
      server,
      leaseSeconds,
    };
    this.state = "bound";
    this.host.bound(this.lease);
    if (leaseSeconds === undefined) return;
    // T1 and T2 default to 0.5 and 0.875 of the lease (4.4.5).
    const t1 = Math.min(ack.renewalSeconds ?? leaseSeconds * 0.5, leaseSeconds);
    const t2 = Math.min(ack.rebindingSeconds ?? leaseSeconds * 0.875, leaseSeconds);
    this.leaseTimers.push(
      this.host.setTimer(() => this.renew("renewing", server), t1 * 1000),
      this.host.setTimer(() => this.renew("rebinding", BROADCAST), t2 * 1000),
      this.host.setTimer(() => {
        this.drop("the lease expired");
        this.start();
      }, leaseSeconds * 1000),
    );
  }

  private renew(state: "renewing" | "rebinding", destination: number): void {
    if (!this.lease) return;
    if (this.retransmit !== undefined) this.host.clearTimer(this.retransmit);
    this.state = state;
    this.xid = Math.floor(this.host.random() * 2 ** 32) >>> 0;
    this.retryMs = FIRST_RETRY_MS;
    const address = this.lease.address;
    this.sendWithRetries(() => buildClientMessage({ type: REQUEST, xid: this.xid, mac: this.mac, clientIp: address }), destination);
  }

  private sendWithRetries(build: () => Uint8Array, destination: number): void {
    this.host.send(build(), destination);
    const jitter = (this.host.random() * 2 - 1) * 1000;
    this.retransmit = this.host.setTimer(() => {
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      this.sendWithRetries(build, destination);
    }, this.retryMs + jitter);
  }

  private drop(why: string): void {
    if (this.lease) {
      this.lease = undefined;
      this.host.lost(why);
    }
    this.clearAll();
  }

  private clearAll(): void {
    if (this.retransmit !== undefined) this.host.clearTimer(this.retransmit);
    this.retransmit = undefined;
    for (const timer of this.leaseTimers) this.host.clearTimer(timer);
    this.leaseTimers = [];
  }
}

/** RFC 2132 says a server sends a mask; if one does not, the address class's (RFC 791) is the best guess. */
function classfulMask(ip: number): number {
  const first = ip >>> 24;
  return first < 128 ? 0xff000000 : first < 192 ? 0xffff0000 : 0xffffff00;
}
