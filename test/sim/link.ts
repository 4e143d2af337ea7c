/** Two simulated network cards joined by a cable, for tests of the network unit in Node. */
import type { NetworkInterface } from "../../kernel/devices/network-interface.ts";

export class SimulatedNic implements NetworkInterface {
  readonly mtu = 1500;
  readonly linkUp = true;
  readonly transmitQueueSize = 256;
  peer: SimulatedNic | undefined;
  /** Every frame this card sent, as sent. */
  readonly sent: Uint8Array[] = [];
  private handler: ((frames: Uint8Array[]) => void) | undefined;

  constructor(readonly name: string, readonly mac: Uint8Array) {}

  transmit(length: number, fill: (frame: Uint8Array) => void): boolean {
    const frame = new Uint8Array(length);
    fill(frame);
    return this.send(frame);
  }

  send(frame: Uint8Array): boolean {
    const copy = frame.slice();
    this.sent.push(copy);
    const peer = this.peer;
    if (peer) queueMicrotask(() => peer.deliver([copy]));
    return true;
  }

  /** Frames arriving from the cable (or injected by a test). */
  deliver(frames: Uint8Array[]): void {
    this.handler?.(frames);
  }

  onReceive(handler: (frames: Uint8Array[]) => void, _keepAlive?: boolean): void {
    this.handler = handler;
  }

  onWritable(): void {}
  onLinkChange(): void {}
}

export function cable(a: SimulatedNic, b: SimulatedNic): void {
  a.peer = b;
  b.peer = a;
}

/** Let queued microtasks (frames in flight) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
