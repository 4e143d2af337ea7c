/**
 * Two hosts with TCP for the TCP tests, joined by a simulated cable that
 * may drop, duplicate, reorder and batch frames, on a virtual clock.
 */
import type { KeepAlive } from "../../../kernel/devices/hardware.ts";
import { Ipv4Interface } from "../../../kernel/net/ipv4-interface.ts";
import { TcpLayer } from "../../../kernel/net/tcp/tcp-layer.ts";
import { SimulatedNic } from "../../sim/link.ts";
import { VirtualClock } from "../../sim/virtual-clock.ts";

export const A = 0x0a000001, B = 0x0a000002;
const NOTHING_KEPT: KeepAlive = { retain() {}, release() {} };

export interface LinkBehaviour {
  loss?: number;
  duplicate?: number;
  /** Extra random delay per frame, in ms: frames overtake each other. */
  jitterMs?: number;
  /** Sees every frame put on the cable, before loss. */
  watch?: (from: "a" | "b", frame: Uint8Array) => void;
  /** Frames reach a card in batches, every this many ms, as a card's interrupt hands up all that arrived meanwhile. */
  batchMs?: number;
  /** Frames to lose on purpose. */
  drop?: (from: "a" | "b", frame: Uint8Array) => boolean;
}

/** Host a (10.0.0.1) and host b (10.0.0.2); each host's connections hold its `keepAlive` handle. */
export function network(behaviour: LinkBehaviour = {}, seed = 1, keepAlive: { a?: KeepAlive; b?: KeepAlive } = {}) {
  const clock = new VirtualClock(seed);
  const nicA = new SimulatedNic("a", Uint8Array.of(2, 0, 0, 0, 0, 1));
  const nicB = new SimulatedNic("b", Uint8Array.of(2, 0, 0, 0, 0, 2));
  const batches = new Map<SimulatedNic, Uint8Array[]>();
  const arrive = (to: SimulatedNic, frame: Uint8Array) => {
    if (!behaviour.batchMs) return to.deliver([frame]);
    const batch = batches.get(to);
    if (batch) return batch.push(frame);
    batches.set(to, [frame]);
    clock.at(clock.now + behaviour.batchMs, () => {
      const frames = batches.get(to)!;
      batches.delete(to);
      to.deliver(frames);
    });
  };
  const wire = (to: SimulatedNic) => (frame: Uint8Array) => {
    behaviour.watch?.(to === nicB ? "a" : "b", frame);
    if (behaviour.drop?.(to === nicB ? "a" : "b", frame)) return true;
    const r = clock.random;
    if (r() < (behaviour.loss ?? 0)) return true;
    const copies = r() < (behaviour.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) clock.at(clock.now + 1 + r() * (behaviour.jitterMs ?? 0), () => arrive(to, Uint8Array.from(frame)));
    return true;
  };
  nicA.send = wire(nicB);
  nicB.send = wire(nicA);
  const ifA = new Ipv4Interface(nicA, clock.host()), ifB = new Ipv4Interface(nicB, clock.host());
  ifA.configure({ address: A, prefixLength: 24, gateway: undefined, dnsServers: [] });
  ifB.configure({ address: B, prefixLength: 24, gateway: undefined, dnsServers: [] });
  return { clock, a: new TcpLayer(ifA, clock.host(), keepAlive.a ?? NOTHING_KEPT), b: new TcpLayer(ifB, clock.host(), keepAlive.b ?? NOTHING_KEPT) };
}

